"""What every page's view shares: who may open a role's pages, the request a page is about, where to go back.

What a person may do with each request is ``helpdesk.access.can``; signed-in pages are never cached
(``web.middleware.NoStoreMiddleware``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from helpdesk import services
from helpdesk.access import can
from helpdesk.attachments import AttachmentRefused, safe_name
from helpdesk.models import HeldFile, SupportRequest, User, Visibility
from helpdesk.selectors import held_files, request_for
from web.forms.moves import MoveForm
from web.forms.requests import MAX_FILES
from web.params import parse_id
from workflows.errors import TransitionConflict, TransitionRefused
from workflows.services import transition_perform
from workflows.spec import TransitionSpec

View = Callable[..., HttpResponse]


def role_required(*roles: str) -> Callable[[View], View]:
    """Signed in (else the sign-in page) and holding one of ``roles`` (else the friendly 403 page)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = signed_in(request)
            if not any(user.has_role(role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def signed_in(request: HttpRequest) -> User:
    """The person a signed-in page is for: only views behind ``login_required`` (or ``role_required``, which
    adds it) ask, and those send a visitor to the sign-in page before the view runs."""
    user = request.user
    assert isinstance(user, User), "a view for signed-in people ran for a visitor"
    return user


def request_or_404(user: User, reference: str, *, for_page: bool = True) -> SupportRequest:
    """The request ``reference`` if ``user`` may see it; 404 otherwise, so references cannot be probed."""
    support_request = request_for(user, reference, for_page=for_page)
    if support_request is None:
        raise Http404
    return support_request


def writable_channels(user: User, support_request: SupportRequest) -> list[str]:
    """The message channels ``user`` may write on (the request page's form and the API's post offer these)."""
    return [c for c in Visibility.values if can(user, "comment", support_request, visibility=c)]


def conflict_response(
    request: HttpRequest, support_request: SupportRequest, conflict: TransitionConflict
) -> HttpResponse:
    """Someone moved the request first: say so (409) and offer the page again, rather than guess."""
    context = {"req": support_request, "message": str(conflict)}
    return render(request, "web/requests/conflict.html", context, status=409)


def move_form_perform(
    request: HttpRequest,
    *,
    support_request: SupportRequest,
    user: User,
    spec: TransitionSpec,
    form: MoveForm,
    done: str,
    next_url: str,
) -> HttpResponse | None:
    """Perform the move a sent form asks for (a move's own page, the experts' matching page, the peers page):
    the page to go to once done, saying ``done``, or the 409 page when someone moved the request first; None
    while the form must be shown again (not valid, or the move refused: the form then says why)."""
    if not form.is_valid():
        return None
    try:
        transition_perform(request=support_request, transition=spec.name, actor=user, data=form.move_data())
    except TransitionConflict as conflict:
        return conflict_response(request, support_request, conflict)
    except TransitionRefused as refusal:
        form.show_refusal(refusal)
        return None
    messages.success(request, done)
    return HttpResponseRedirect(next_url)


def service_refusal_show(form: Any, invalid: ValidationError) -> None:
    """A service's ``ValidationError`` on the form: each message on its field when the form has one, the
    others above the form."""
    pairs = invalid.message_dict.items() if hasattr(invalid, "error_dict") else [(None, invalid.messages)]
    for field, errors in pairs:
        form.add_error(field if field in form.fields else None, errors)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` address the form posted, if it stays on this desk; else ``fallback``."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def kept_files(request: HttpRequest, about: SupportRequest | None) -> list[HeldFile]:
    """The files kept from an earlier attempt at a form, less those ticked for removal (which are discarded).
    ``about``: the request the form is about, none for a new request."""
    user = signed_in(request)
    removed = set(request.POST.getlist("remove"))
    kept = []
    ids = [str(pk) for pk in map(parse_id, request.POST.getlist("kept")) if pk is not None]
    for held in held_files(user, ids, request=about):
        if f"held-{held.pk}" in removed:
            services.held_file_discard(owner=user, held=held)
        else:
            kept.append(held)
    return kept


def uploads_hold(request: HttpRequest, about: SupportRequest | None, kept: list[HeldFile]) -> list[str]:
    """Keep the files just chosen (each checked; the same content once) with ``kept``, for a form that could
    not be sent yet; returns why any of them was refused."""
    user = signed_in(request)
    refusals: list[str] = []
    for upload in request.FILES.getlist("attachment")[:MAX_FILES]:
        try:
            held = services.held_file_add(owner=user, upload=upload, request=about)
        except AttachmentRefused as refused:
            name = safe_name(getattr(upload, "name", "") or "")
            refusals += [f"{name}: {message}" for message in refused.messages]
        else:
            if held not in kept:
                kept.append(held)
    return refusals
