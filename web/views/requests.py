"""Every role's request page and what is posted from it: a lifecycle move, a message, the owner, a release.

What a person sees comes from ``web.presenters``; what they may do from ``can`` and the lifecycle's
``available_transitions``; every move goes through ``workflows.services.transition_perform``. Whatever the page
shows of restricted content is written to the access log once it is rendered.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk import services
from helpdesk.access import can
from helpdesk.models import Message, RequestState, SupportKind, SupportRequest, User
from helpdesk.sanitize import markdown_html
from helpdesk.screening import PersonalDataFound
from helpdesk.selectors import hub_staff, visible_messages
from notifications.models import HeldReply
from notifications.selectors import held_reply_files, held_reply_findings, held_reply_for
from notifications.services import notifications_mark_read_for_request
from notifications.services.held_replies import held_reply_discard
from web import presenters
from web.forms.moves import APPLICATION_MOVES, MoveForm, page_moves
from web.forms.requests import MESSAGE_MAX_CHARS, MessageForm, personal_data_error
from web.middleware import client_ip
from web.outcomes import PlannedTargets
from web.params import parse_id
from web.ratelimits import limit_posts
from web.record import record_anchors, request_record
from web.timeline import SHOWS, story_pages
from web.views.common import (
    conflict_response,
    kept_files,
    move_form_perform,
    request_or_404,
    safe_next,
    signed_in,
    uploads_hold,
    writable_channels,
)
from web.views.replies import reply_prefill, reply_template_choices
from workflows.errors import TransitionConflict, TransitionRefused
from workflows.lifecycle import TRANSITION_SPECS
from workflows.peers import request_introductions
from workflows.selectors import (
    ANSWER_MOVE,
    available_transitions,
    open_question,
    pending_application,
    reply_answers,
    request_lifecycle,
)
from workflows.services import reply_post
from workflows.spec import TransitionSpec

# The experts who read where the request stands as their next step (``workflows.spec.Reader``).
EXPERT_READERS = frozenset({"expert", "proposed_expert", "conflicted_expert"})


def _render_detail(request: HttpRequest, support_request: SupportRequest, **extra: Any) -> HttpResponse:
    """The request page for the signed-in person, and the access-log entries of what it reveals.

    Bounded whatever the request's history: the newest page of messages and of the timeline (``?before=``,
    ``?timeline_before=`` and ``?timeline=`` choose another page or what the timeline shows).
    """
    user = signed_in(request)
    view = presenters.request_view(support_request, user)
    oversees = can(user, "oversee", support_request)
    lifecycle = request_lifecycle(
        support_request, user, oversees=oversees, sees_grant=can(user, "view_grant", support_request)
    )
    # The planned outcomes, shown by the record and by the forms of delivery, evaluation and follow-up: read once.
    planned = PlannedTargets(support_request, {line.transition for line in lifecycle.trail})
    record = request_record(
        support_request, user, trail=lifecycle.trail, applications=lifecycle.applications, planned=planned
    )
    fund_applications = lifecycle.applications if can(user, "view_fund_decision", support_request) else []
    channels = writable_channels(user, support_request)
    story = story_pages(
        support_request,
        user,
        request.GET,
        trail=lifecycle.trail,
        reader=lifecycle.reader,
        show_actors=not view.is_brief,
        anchors=record_anchors(record, decisions=bool(fund_applications)),
    )
    can_edit_draft = can(user, "edit_draft", support_request)
    # Files are shared only with experts of the request: without assignments there are no shares to read.
    attachments = presenters.attachment_views(support_request, user, shares=bool(lifecycle.assignments))
    messages_list = presenters.with_files(story.messages.messages, attachments)
    # While the hub waits for this reader's answer, its question stands above every box they answer in.
    question = _open_question(support_request, user, lifecycle.moves, messages_list)
    context: dict[str, Any] = {
        "req": support_request,
        "view": view,
        "messages_list": messages_list,
        "messages_page": story.messages,
        "attachments": attachments,
        "timeline": story.timeline,
        "timeline_shows": SHOWS,
        "record": record,
        # Whom hub staff may share a city file with: the experts who accepted (from the lifecycle's read).
        "share_experts": [(a.expert_id, a.expert) for a in lifecycle.assignments if a.status == "accepted"]
        if can(user, "share_file", support_request)
        else [],
        "page_moves": page_moves(
            support_request,
            lifecycle.moves,
            # A draft's expected step is to finish it (its own button above the moves).
            expected=None if can_edit_draft else lifecycle.expected,
            application=next((a for a in lifecycle.applications if a.status == a.Status.PENDING), None),
            planned=planned,
            # The hub lead decides on each acceptance that declared a conflict (from the lifecycle's read).
            assignment_choices=[(a.pk, a.expert) for a in lifecycle.assignments if a.awaits_decision],
        ),
        # An expert reads where the request stands as their next step.
        "next_step": lifecycle.phrase if lifecycle.reader in EXPERT_READERS else "",
        # Whether the reader decides on a declared conflict; other overseers read that the hub lead does.
        "decides_conflicts": TRANSITION_SPECS["waive_conflict"] in lifecycle.moves,
        # Why a decision the reader's role makes is not theirs here (a tie to the city, four eyes...).
        "withheld": lifecycle.withheld,
        "message_form": MessageForm(channels=channels) if channels else None,
        "oversees": oversees,
        "can_take": can(user, "manage_owner", support_request) and support_request.owner_id != user.pk,
        "can_give": can(user, "manage_owner", support_request),
        "can_view_access_log": can(user, "view_access_log", support_request),
        "can_edit_draft": can_edit_draft,
        "can_release": can(user, "release_restricted", support_request),
        # "Publish what was learned" from a closed request, and the resources already drawn from it.
        "can_publish": can(user, "publish_from_request", support_request),
        "resources_drawn": presenters.resource_links(support_request, user),
        "releasable": any(m.is_restricted for m in messages_list),
        "assignments": lifecycle.assignments,
        # A peer exchange's introductions, for its city and its overseers (each says what the reader may know).
        "introductions": request_introductions(support_request, user)
        if support_request.kind == SupportKind.PEER_EXCHANGE
        and (oversees or support_request.city_id in user.focal_city_ids)
        else [],
        "fund_applications": fund_applications,
        "reply_templates": reply_template_choices(support_request, user) if channels else [],
        "question": question,
        # The city writes on its one channel, where the answer goes.
        "answering": question is not None and any(reply_answers(lifecycle.moves, c) for c in channels),
        **extra,
    }
    response = render(request, "web/requests/detail.html", context)
    shown = story.shown_messages
    reveals = presenters.reveals(view, [*shown, *([question] if question and question not in shown else [])])
    services.access_log_reveals(user=user, reveals=reveals, ip=client_ip(request))
    return response


def _open_question(
    support_request: SupportRequest, user: User, moves: list[TransitionSpec], shown: list[presenters.MessageView]
) -> presenters.MessageView | None:
    """The hub's question, for a reader who may answer it now."""
    if TRANSITION_SPECS[ANSWER_MOVE] not in moves:
        return None
    pk = open_question(support_request)
    return presenters.message_view_of(support_request, user, pk, shown) if pk is not None else None


@login_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in(request)
    support_request = request_or_404(user, reference)
    # Whoever opens a request has seen what its notifications told of; the header shows what is left unread.
    unread = notifications_mark_read_for_request(user=user, request=support_request)
    # ?template=<id>: the message form written from one of the hub's reply templates (the no-script path).
    channels = writable_channels(user, support_request)
    prefill = reply_prefill(request, support_request, channels)
    # ?held=<id>: the person's own reply by e-mail held back by the personal-data check, in the message form
    # with its files and the warning, to confirm or edit and send (nobody else's: the selector reads only theirs).
    held = held_reply_for(user, parse_id(request.GET.get("held", "")), request=support_request) if channels else None
    if held is not None:
        prefill = _held_prefill(held, channels)
    return _render_detail(request, support_request, header_unread=unread, **prefill)


def _held_prefill(held: HeldReply, channels: list[str]) -> dict[str, Any]:
    visibility = held.visibility if held.visibility in channels else channels[0]
    # Bound, as the form comes back after a post the check held: what was written, and the warning on it.
    form = MessageForm({"body": held.text, "visibility": visibility}, channels=channels)
    form.is_valid()
    found = held_reply_findings(held)
    if found is not None:
        form.add_error("body", personal_data_error(confirmable=True))
    return {
        "message_form": form,
        "kept": held_reply_files(held),
        "personal_data": found.messages if found is not None else [],
        "held_reply": held.pk,
    }


@login_required
@limit_posts
def move(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    """One lifecycle move: its form (GET, or after a refusal) and its post, which calls ``transition_perform``."""
    user = signed_in(request)
    support_request = request_or_404(user, reference, for_page=request.method != "POST")
    spec = TRANSITION_SPECS.get(name)
    if spec is None or spec.system_only:
        raise Http404
    if spec.chooses_experts:
        return HttpResponseRedirect(reverse("request-matching", args=[reference]))
    if spec.chooses_peer:
        return HttpResponseRedirect(reverse("request-peers", args=[reference]))
    application = pending_application(support_request) if spec.name in APPLICATION_MOVES else None
    data = request.POST if request.method == "POST" else None
    form = MoveForm(spec, support_request, data, prefix=name, application=application)
    if request.method == "POST":
        done = move_form_perform(
            request,
            support_request=support_request,
            user=user,
            spec=spec,
            form=form,
            done=_("Done: %(move)s.") % {"move": spec.label},
            next_url=support_request.get_absolute_url(),
        )
        if done is not None:
            return done
    elif request.method == "GET" and spec not in available_transitions(support_request, user):
        messages.info(request, _("This action is not available on this request now."))
        return HttpResponseRedirect(support_request.get_absolute_url())
    if request.method == "POST":
        support_request = request_or_404(user, reference)  # the form again: the page names people
    view = presenters.request_view(support_request, user)
    question = None
    if name == ANSWER_MOVE and (pk := open_question(support_request)) is not None:
        question = presenters.message_view_of(support_request, user, pk)
    context = {"req": support_request, "view": view, "spec": spec, "form": form, "question": question}
    response = render(request, "web/requests/move.html", context)
    if question is not None and question.revealed_restricted:
        services.access_log_reveals(user=user, reveals=[(view.pk, question.pk)], ip=client_ip(request))
    return response


@require_POST
@login_required
@limit_posts
def post_message(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in(request)
    support_request = request_or_404(user, reference, for_page=False)
    channels = writable_channels(user, support_request)
    if not channels:
        raise Http404
    form = MessageForm(request.POST, request.FILES, channels=channels)
    findings: list[str] = []
    kept = kept_files(request, support_request)
    if form.is_valid():
        asked = support_request.state == RequestState.INFO_REQUESTED
        try:
            # While the hub waits for the city's answer, the city's message is that answer (one service decides).
            reply_post(
                request=support_request,
                author=user,
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
                confirm_personal_data=form.cleaned_data["confirm_personal_data"],
                attachments=form.cleaned_data["attachment"],
                held=kept,
            )
        except services.AttachmentRefused:
            pass  # which file and why: below, with the files that were accepted kept
        except TransitionConflict as conflict:
            return conflict_response(request, support_request, conflict)
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        except PersonalDataFound as found:
            findings = found.messages
            form.add_error("body", personal_data_error(confirmable=True))
        except ValidationError as invalid:
            form.add_error(None, invalid.messages)
        else:
            # A reply by e-mail held for its sender, now sent: forgotten (the selector reads only the sender's).
            held_reply_discard(owner=user, held_id=parse_id(request.POST.get("held", "")), request=support_request)
            support_request.refresh_from_db(fields=["state"])
            answered = asked and support_request.state != RequestState.INFO_REQUESTED
            messages.success(request, _("Your answer was sent to the hub.") if answered else _("Message sent."))
            return HttpResponseRedirect(support_request.get_absolute_url() + "#messages")
    # Held back: the files just chosen are kept with the message's text, shown, and never asked for again.
    refusals = uploads_hold(request, support_request, kept)
    if refusals:
        form.add_error("attachment", refusals)
    support_request = request_or_404(user, reference)  # the page again, with the people it names
    held = parse_id(request.POST.get("held", ""))
    return _render_detail(
        request, support_request, message_form=form, personal_data=findings, kept=kept, held_reply=held
    )


@require_POST
@login_required
def preview_message(request: HttpRequest, reference: str) -> HttpResponse:
    """The message being written, as it will read (nothing is stored): the fragment alone for the page's
    script, else the page again with the form as it was typed and the preview above the box."""
    user = signed_in(request)
    support_request = request_or_404(user, reference, for_page=False)
    channels = writable_channels(user, support_request)
    if not channels:
        raise Http404
    # markdown_html cleans what it renders (the one sanitiser); the preview is that.
    preview = mark_safe(markdown_html(request.POST.get("body", "")[:MESSAGE_MAX_CHARS]))
    if request.headers.get("X-Preview") == "fragment":
        return render(request, "web/requests/detail/preview.html", {"message_preview": preview})
    form = MessageForm(request.POST, channels=channels)
    form.errors.clear()  # a preview judges nothing: the form is shown as typed, without complaints
    return _render_detail(
        request,
        request_or_404(user, reference),
        message_form=form,
        message_preview=preview,
        files_dropped=bool(request.FILES),
    )


@login_required
def set_owner(request: HttpRequest, reference: str) -> HttpResponse:
    """Take a request, give it to a colleague of the hub, or leave it without owner (GET: the choice)."""
    user = signed_in(request)
    support_request = request_or_404(user, reference)
    if not can(user, "manage_owner", support_request):
        raise Http404
    if request.method != "POST":
        colleagues = hub_staff(region_id=support_request.region_id).exclude(pk=user.pk)
        return render(
            request,
            "web/requests/owner.html",
            {
                "req": support_request,
                "view": presenters.request_view(support_request, user),
                "colleagues": colleagues,
            },
        )
    choice = request.POST.get("owner", "")
    owner: User | None
    if choice == "me":
        owner = user
    elif choice == "none":
        owner = None
    elif (owner_pk := parse_id(choice)) is not None:
        owner = get_object_or_404(User, pk=owner_pk, is_active=True)
    else:
        raise Http404
    try:
        services.request_set_owner(request=support_request, owner=owner, actor=user)
    except services.OwnerRefused as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("Owner updated."))
    return HttpResponseRedirect(safe_next(request, support_request.get_absolute_url()))


@login_required
def release(request: HttpRequest, reference: str) -> HttpResponse:
    """Hub staff release screened content (the request or one of its messages) once they judge it safe.

    Nothing undoes a release: a post without the confirmation (the page's dialog adds it; without script the
    button posts without it) shows a page that names the consequence and asks for it.
    """
    user = signed_in(request)
    support_request = request_or_404(user, reference)
    target: SupportRequest | Message = support_request
    message_pk = request.POST.get("message", "") or request.GET.get("message", "")
    if message_pk:
        target = get_object_or_404(visible_messages(support_request, user), pk=parse_id(message_pk) or 0)
        target.request = support_request
    if not can(user, "release_restricted", target):
        raise Http404
    if request.method != "POST" or request.POST.get("confirm") != "on":
        return render(
            request,
            "web/requests/release.html",
            {
                "req": support_request,
                "view": presenters.request_view(support_request, user),
                "message_pk": message_pk if target is not support_request else "",
                # Sent from this page without the box ticked: say so (not when the request page's button led here).
                "asked": request.POST.get("asked") == "1",
            },
        )
    services.restricted_release(obj=target, actor=user, ip=client_ip(request))
    messages.success(request, _("Released: the content is now shareable."))
    return HttpResponseRedirect(support_request.get_absolute_url())
