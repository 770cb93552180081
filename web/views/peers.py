"""Peer exchange: a city's consent to be contacted, the hub's suggested peer cities for a request, and an
introduction's page, where each city's focal point accepts or declines it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk import services
from helpdesk.access import can
from helpdesk.models import Role
from web import presenters
from web.forms.moves import MoveForm, peer_choices
from web.forms.peers import IntroductionAnswerForm, PeerContactForm
from web.ratelimits import limit_posts
from web.views.common import move_form_perform, request_or_404, role_required, signed_in
from workflows.errors import TransitionConflict
from workflows.peers import (
    introduction_answer,
    introduction_for,
    introduction_view,
    introduction_withdraw,
    peer_suggestions,
    peer_themes_offered,
    request_introductions,
)
from workflows.selectors import available_transitions


@role_required(Role.FOCAL_POINT)
@limit_posts
def peer_exchange(request: HttpRequest) -> HttpResponse:
    """The themes on which the focal point's city may be contacted by another city (``?city=`` picks one of
    their cities when they have several)."""
    user = signed_in(request)
    cities = list(user.cities.order_by("name"))
    if not cities:
        raise Http404
    wanted = request.GET.get("city") or request.POST.get("city")
    city = next((c for c in cities if str(c.pk) == wanted), cities[0])
    offered = peer_themes_offered(city)
    initial = {"themes": list(city.peer_contact_themes or [])}
    form = PeerContactForm(request.POST or None, initial=initial, offered=offered)
    if request.method == "POST" and form.is_valid():
        try:
            services.city_peer_contact_set(city=city, actor=user, themes=form.cleaned_data["themes"])
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("Saved: the themes on which another city may contact yours."))
        return HttpResponseRedirect(f"{reverse('city-peer-exchange')}?city={city.pk}")
    return render(
        request,
        "web/city/peer_exchange.html",
        {"city": city, "cities": cities, "form": form, "offered": set(offered)},
    )


@login_required
@limit_posts
def request_peers(request: HttpRequest, reference: str) -> HttpResponse:
    """The cities suggested for a request's peer exchange, with why, and the hub's proposal of one of them."""
    user = signed_in(request)
    support_request = request_or_404(user, reference, for_page=request.method != "POST")
    if not can(user, "propose_introduction", support_request):
        raise Http404
    spec = next((s for s in available_transitions(support_request, user) if s.chooses_peer), None)
    suggestions = peer_suggestions(support_request)
    data = request.POST if request.method == "POST" else None
    form = (
        MoveForm(spec, support_request, data, peer_choices=peer_choices(suggestions), prefix="peer") if spec else None
    )
    if data is not None:
        if form is None or spec is None:
            messages.info(request, _("A peer city cannot be proposed on this request now."))
            return HttpResponseRedirect(support_request.get_absolute_url())
        done = move_form_perform(
            request,
            support_request=support_request,
            user=user,
            spec=spec,
            form=form,
            done=_("Introduction proposed: both cities are asked to accept it."),
            next_url=reverse("request-peers", args=[reference]),
        )
        if done is not None:
            return done
        support_request = request_or_404(user, reference)
    return render(
        request,
        "web/hub/peers.html",
        {
            "req": support_request,
            "view": presenters.request_view(support_request, user),
            "suggestions": suggestions,
            "introductions": request_introductions(support_request, user),
            "spec": spec,
            "form": form,
        },
    )


@login_required
@limit_posts
def introduction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An introduction as its reader may see it; a city's focal point accepts or declines it here."""
    user = signed_in(request)
    introduction = introduction_for(user, pk)
    if introduction is None:
        raise Http404
    form = IntroductionAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            introduction_answer(introduction=introduction, actor=user, accept=form.accepts)
        except PermissionDenied:
            messages.info(request, _("This introduction no longer awaits your city's answer."))
        except TransitionConflict:
            messages.info(request, _("This introduction changed meanwhile: here it is as it stands now."))
        else:
            messages.success(
                request,
                _("Thank you: your city accepted the introduction.")
                if form.accepts
                else _("Your city declined the introduction; the hub is told."),
            )
        return HttpResponseRedirect(reverse("introduction-detail", args=[pk]))
    view = introduction_view(introduction, user)
    return render(request, "web/peers/introduction.html", {"intro": view, "form": form})


@require_POST
@login_required
@limit_posts
def introduction_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The request's hub withdraws an introduction still waiting for an answer (confirmed on the page first)."""
    user = signed_in(request)
    introduction = introduction_for(user, pk)
    if introduction is None:
        raise Http404
    if request.POST.get("confirm") != "on":
        # Without script the page's dialog did not ask: this page does, before anything changes.
        return render(request, "web/peers/withdraw_confirm.html", {"intro": introduction_view(introduction, user)})
    try:
        introduction_withdraw(introduction=introduction, actor=user)
    except PermissionDenied:
        messages.info(request, _("This introduction no longer waits for an answer: it cannot be withdrawn."))
    except TransitionConflict:
        messages.info(request, _("This introduction changed meanwhile: here it is as it stands now."))
    else:
        messages.success(request, _("The introduction is withdrawn; both cities are told."))
    return HttpResponseRedirect(reverse("introduction-detail", args=[pk]))
