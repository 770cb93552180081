"""A person's page (who they are, what they hold, the people log about them; deactivate or reactivate them) and
a city's focal point handover. Thin: the reads are ``helpdesk.selectors.person``, the moves
``notifications.services.people``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk.access import can
from helpdesk.models import City, User
from helpdesk.selectors.person import (
    city_focal_points,
    handover_done,
    handover_loads,
    person_for_page,
    person_history,
    person_holdings,
)
from notifications.services.people import focal_point_handover, person_deactivate, person_reactivate
from web.forms.person import HandoverForm, ReasonForm
from web.params import parse_id
from web.ratelimits import limit_posts
from web.views.common import service_refusal_show, signed_in
from web.views.people import roles_in_words


def _viewer(request: HttpRequest) -> User:
    """A person who may look at people at all (403 for a role that never does)."""
    viewer = signed_in(request)
    if not can(viewer, "view_people"):
        raise PermissionDenied
    return viewer


def _person_or_404(viewer: User, pk: int) -> User:
    person = person_for_page(viewer, pk)
    if person is None:
        raise Http404
    return person


def _person_page(request: HttpRequest, viewer: User, person: User, form: ReasonForm | None = None) -> HttpResponse:
    holdings = person_holdings(person, viewer=viewer)
    context: dict[str, Any] = {
        "person": person,
        # A deactivated person who still holds work: the page flags it for whoever manages them.
        "flagged": not person.is_active and bool(holdings.owned_count or holdings.assignments or holdings.invitations),
        "roles": roles_in_words(person),
        # Each of a focal point's cities, and whether the reader may hand it over to another focal point.
        "cities": [(city, can(viewer, "handover_city", city)) for city in person.cities.all()],
        "holdings": holdings,
        "history": person_history(person),
        "may_manage": can(viewer, "manage_person", person),
        "form": form or ReasonForm(),
    }
    return render(request, "web/person/detail.html", context)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    return _person_page(request, viewer, _person_or_404(viewer, pk))


def _manage(request: HttpRequest, pk: int, *, deactivate: bool) -> HttpResponse:
    viewer = _viewer(request)
    person = _person_or_404(viewer, pk)
    if not can(viewer, "manage_person", person):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _person_page(request, viewer, person, form)
    if request.POST.get("confirm") != "on":
        # Without script the page's dialog did not ask: this page does, before anything changes.
        return render(
            request,
            "web/person/confirm.html",
            {"person": person, "deactivate": deactivate, "reason": form.cleaned_data["reason"]},
        )
    try:
        if deactivate:
            done = person_deactivate(actor=viewer, person=person, reason=form.cleaned_data["reason"])
            flagged = len(done.owned_request_ids) + len(done.assignment_ids) + len(done.invitation_ids)
            messages.success(
                request,
                _("The account is deactivated: it is refused from its next page or API call on.")
                + (" " + _("What it held is listed below.") if flagged else ""),
            )
        else:
            person_reactivate(actor=viewer, person=person, reason=form.cleaned_data["reason"])
            messages.success(request, _("The account is active again, with the roles and scope it had."))
    except ValidationError as invalid:
        service_refusal_show(form, invalid)
        return _person_page(request, viewer, person, form)
    return HttpResponseRedirect(reverse("person-detail", args=[person.pk]))


@require_POST
@login_required
@limit_posts
def person_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _manage(request, pk, deactivate=True)


@require_POST
@login_required
@limit_posts
def person_reactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _manage(request, pk, deactivate=False)


@require_http_methods(["GET", "POST"])
@login_required
@limit_posts
def city_handover(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    city = City.objects.select_related("region").filter(pk=pk).first()
    if city is None or not can(viewer, "handover_city", city):
        raise Http404
    people = city_focal_points(city)
    initial = {"former": parse_id(request.GET.get("former"))}
    form = HandoverForm(request.POST or None, focal_points=people, initial=initial)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "on":
            confirming = True  # without script: the page asks again, the choices kept
        else:
            try:
                result = focal_point_handover(
                    actor=viewer,
                    city=city,
                    former=form.person("former"),
                    successor=form.person("successor"),
                    keep_read=form.cleaned_data["keep_read"],
                )
            except ValidationError as invalid:
                service_refusal_show(form, invalid)
            else:
                messages.success(request, _("The handover is done: both focal points are told."))
                return HttpResponseRedirect(f"{reverse('city-handover', args=[city.pk])}?done={result.log.pk}")
    context = {
        "city": city,
        "form": form,
        "loads": handover_loads(city, people),
        "has_successor": sum(1 for p in people if p.is_active) > 1,
        "confirming": confirming,
        "done": handover_done(city, parse_id(request.GET.get("done"))),
    }
    return render(request, "web/person/handover.html", context)
