"""A request's page, for every role, and the posts it makes: moves, messages, ownership.

What a person sees comes from the access presenter; what they may do comes from ``can`` and
``available_transitions``; every move goes through ``workflows.services.perform``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk import services
from helpdesk.access import can, readable_channels
from helpdesk.attachments import AttachmentRefused
from helpdesk.models import Message, SupportRequest, User, Visibility
from helpdesk.screening import PersonalDataFound
from helpdesk.selectors import hub_staff, visible_messages, visible_requests
from web import presenters
from web.forms.moves import MoveForm, move_fields
from web.forms.requests import MessageForm
from web.middleware import client_ip
from web.timeline import request_timeline
from web.views.decorators import no_store
from workflows import services as workflow
from workflows.errors import TransitionConflict, TransitionRefused
from workflows.lifecycle import TRANSITION_SPECS
from workflows.selectors import fund_applications_on_trail, trail_lines

# Moves whose data is a choice of experts: they are made from the matching page.
MATCHING_MOVES = {"route_to_experts", "propose_expert"}


def get_visible_request(user: User, reference: str, *, for_page: bool = True) -> SupportRequest:
    """The request if ``user`` may see it; 404 otherwise, so references cannot be probed.

    ``for_page``: with the city, hub and people a page names. A post that only acts on the request needs
    none of them (reading them cost a move a millisecond).
    """
    qs = visible_requests(user)
    if for_page:
        qs = qs.select_related("city", "region", "owner", "submitted_by")
    return get_object_or_404(qs, reference=reference)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _detail_context(request: HttpRequest, support_request: SupportRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    view = presenters.request_view(support_request, user)
    moves = workflow.available_transitions(support_request, user)
    move_forms = [
        (spec, MoveForm(spec, support_request, prefix=spec.name) if move_fields(spec) else None)
        for spec in moves
        if spec.name not in MATCHING_MOVES
    ]
    channels = [c for c in Visibility.values if can(user, "comment", support_request, visibility=c)]
    oversees = can(user, "manage_owner", support_request)
    trail = trail_lines(support_request)
    context: dict[str, Any] = {
        "req": support_request,
        "view": view,
        "messages_list": presenters.message_views(support_request, user),
        "attachments": presenters.attachment_views(support_request, user),
        "timeline": request_timeline(
            support_request, trail, readable_channels(user, support_request), show_actors=not view.is_brief
        ),
        "moves": move_forms,
        "matching_move": next((spec for spec in moves if spec.name in MATCHING_MOVES), None),
        "message_form": MessageForm(channels=channels) if channels else None,
        "oversees": oversees,
        "can_view_access_log": can(user, "view_access_log", support_request),
        "can_release": can(user, "release_restricted", support_request),
        "assignments": presenters.assignment_views(support_request) if oversees else [],
        "fund_applications": fund_applications_on_trail(support_request, trail) if oversees else [],
    }
    context.update(extra)
    return context


@login_required
@no_store
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    support_request = get_visible_request(request.user, reference)
    return render(request, "web/requests/detail.html", _detail_context(request, support_request))


@login_required
@no_store
def move(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    """One lifecycle move: its form (GET, or after a refusal) and its post, which calls ``perform``."""
    support_request = get_visible_request(request.user, reference, for_page=request.method != "POST")
    spec = TRANSITION_SPECS.get(name)
    if spec is None or spec.system_only:
        raise Http404
    if name in MATCHING_MOVES:
        return HttpResponseRedirect(reverse("request-matching", args=[reference]))
    form = MoveForm(spec, support_request, request.POST if request.method == "POST" else None, prefix=name)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.perform(support_request, name, request.user, **form.move_data())
        except TransitionConflict as conflict:
            return render(
                request,
                "web/requests/conflict.html",
                {"req": support_request, "message": str(conflict)},
                status=409,
            )
        except TransitionRefused as refusal:
            form.show_refusal(refusal)
        else:
            messages.success(request, _("Done: %(move)s.") % {"move": spec.label})
            return HttpResponseRedirect(support_request.get_absolute_url())
    elif request.method == "GET" and name not in {
        s.name for s in workflow.available_transitions(support_request, request.user)
    }:
        messages.info(request, _("This action is not available on this request now."))
        return HttpResponseRedirect(support_request.get_absolute_url())
    if request.method == "POST":
        support_request = get_visible_request(request.user, reference)  # the form again: the page names people
    view = presenters.request_view(support_request, request.user)
    return render(request, "web/requests/move.html", {"req": support_request, "view": view, "spec": spec, "form": form})


@require_POST
@login_required
@no_store
def post_message(request: HttpRequest, reference: str) -> HttpResponse:
    support_request = get_visible_request(request.user, reference, for_page=False)
    channels = [c for c in Visibility.values if can(request.user, "comment", support_request, visibility=c)]
    if not channels:
        raise Http404
    form = MessageForm(request.POST, request.FILES, channels=channels)
    findings: list[str] = []
    if form.is_valid():
        try:
            services.message_post(
                request=support_request,
                author=request.user,
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
                confirm_personal_data=form.cleaned_data["confirm_personal_data"],
                attachment=form.cleaned_data.get("attachment"),
            )
        except PersonalDataFound as found:
            findings = found.messages
            form.add_error(
                None, _("The message looks like it contains personal data. Remove it, or confirm it is needed.")
            )
        except AttachmentRefused as refused:
            form.add_error("attachment", refused.messages)
        except ValidationError as invalid:
            form.add_error(None, invalid.messages)
        else:
            messages.success(request, _("Message sent."))
            return HttpResponseRedirect(support_request.get_absolute_url() + "#messages")
    support_request = get_visible_request(request.user, reference)  # the page again, with the people it names
    context = _detail_context(request, support_request, message_form=form, personal_data=findings)
    return render(request, "web/requests/detail.html", context, status=200)


@login_required
@no_store
def set_owner(request: HttpRequest, reference: str) -> HttpResponse:
    """Take a request, give it to a colleague of the hub, or leave it without owner (GET: the choice)."""
    support_request = get_visible_request(request.user, reference)
    if not can(request.user, "manage_owner", support_request):
        raise Http404
    if request.method != "POST":
        colleagues = hub_staff(region_id=support_request.region_id)
        return render(
            request,
            "web/requests/owner.html",
            {
                "req": support_request,
                "view": presenters.request_view(support_request, request.user),
                "colleagues": [u for u in colleagues if u.pk != request.user.pk],
            },
        )
    choice = request.POST.get("owner", "")
    owner: User | None
    if choice == "me":
        owner = request.user
    elif choice == "none":
        owner = None
    elif choice.isdigit():
        owner = get_object_or_404(User, pk=int(choice), is_active=True)
    else:
        raise Http404
    try:
        services.request_set_owner(request=support_request, owner=owner, actor=request.user)
    except services.OwnerRefused as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("Owner updated."))
    return HttpResponseRedirect(_safe_next(request, support_request.get_absolute_url()))


@require_POST
@login_required
def release(request: HttpRequest, reference: str) -> HttpResponse:
    """Hub staff release screened content (the request or one of its messages) once they judge it safe."""
    support_request = get_visible_request(request.user, reference)
    target: SupportRequest | Message = support_request
    message_pk = request.POST.get("message", "")
    if message_pk:
        target = get_object_or_404(
            visible_messages(support_request, request.user), pk=int(message_pk) if message_pk.isdigit() else 0
        )
    if not can(request.user, "release_restricted", target):
        raise Http404
    services.restricted_release(obj=target, actor=request.user, ip=client_ip(request))
    messages.success(request, _("Released: the content is now shareable."))
    return HttpResponseRedirect(support_request.get_absolute_url())
