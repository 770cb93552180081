"""Invitations: sending one, the list of those a person manages (resend, revoke), and the invitee's link.

The link's page is open to visitors (rate-limited by address, ``web.ratelimits.limit_visitor``) and speaks the
invitation's language unless the visitor chose one. A refused link says why: 404 for an unknown or tampered
link, 410 for one that expired, was revoked or was already used.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from helpdesk.access import can
from helpdesk.models import Invitation, InvitationStatus, Role, User
from helpdesk.selectors.invitations import (
    invitable_cities,
    invitable_regions,
    invitable_roles_of,
    invitation_of,
    invitation_role_label,
    invitation_scope_label,
    invitations_manageable,
)
from helpdesk.services.accounts import second_factor_required
from helpdesk.services.invitations import (
    UNKNOWN,
    InvitationRefused,
    invitation_accept,
    invitation_confirm,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    username_suggest,
)
from notifications.queue import enqueue_invitation_on_commit
from web.forms.invitations import AcceptForm, InviteForm
from web.params import parse_id
from web.ratelimits import limit_posts, limit_visitor
from web.views.common import service_refusal_show, signed_in

PAGE_SIZE = 50
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _inviter(person: User) -> User:
    """The reader, if they may invite anyone (else the 403 page)."""
    if not can(person, "invite"):
        raise PermissionDenied
    return person


@login_required
@limit_posts
def invite(request: HttpRequest) -> HttpResponse:
    person = _inviter(signed_in(request))
    roles = invitable_roles_of(person)
    cities, regions = invitable_cities(person), invitable_regions(person)
    # The links that lead here say what they are for (the membership gaps and a handover page: "a focal point
    # of this city"); a choice of one is made already (a hub lead's own hub, an officer's only role).
    asked = request.GET.get("role", "")
    city_id = parse_id(request.GET.get("city"))
    only_regions = list(regions[:2])
    initial = {
        "role": asked if asked in roles else roles[0] if len(roles) == 1 else None,
        "city": city_id if city_id is not None and cities.filter(pk=city_id).exists() else None,
        "region": only_regions[0].pk if len(only_regions) == 1 else None,
        "language": translation.get_language(),
    }
    form = InviteForm(
        request.POST or None,
        initial=initial,
        roles=roles,
        cities=cities,
        regions=regions,
        lead_choice=Role.MANAGEMENT in person.roles,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                invitation = invitation_create(
                    actor=person,
                    email=data["email"],
                    role=data["role"],
                    city=data.get("city"),
                    region=data.get("region"),
                    is_hub_lead=bool(data.get("is_hub_lead")),
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    language=data["language"],
                    message=data["message"],
                )
                enqueue_invitation_on_commit(invitation_id=invitation.pk)
        except ValidationError as invalid:
            service_refusal_show(form, invalid)
        except PermissionDenied:
            form.add_error(None, _("You may not invite someone into this role and scope."))
        else:
            messages.success(request, _("The invitation is sent to %(email)s.") % {"email": invitation.email})
            return HttpResponseRedirect(reverse("people-invitations"))
    return render(request, "web/invitations/invite.html", {"form": form})


def _row(person: User, invitation: Invitation, now: Any) -> dict[str, Any]:
    status = invitation.status_at(now)
    return {
        "invitation": invitation,
        "status": status,
        "status_label": InvitationStatus(status).label,
        "role": invitation_role_label(invitation),
        "scope": invitation_scope_label(invitation),
        # Answered invitations are history: nothing to resend or revoke.
        "manage": status in (InvitationStatus.PENDING, InvitationStatus.EXPIRED)
        and can(person, "manage_invitation", invitation),
    }


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    person = _inviter(signed_in(request))
    status = request.GET.get("status", "")
    if status not in InvitationStatus.values:
        status = ""
    page = Paginator(invitations_manageable(person, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    context = {
        "rows": [_row(person, invitation, now) for invitation in page.object_list],
        "page": page,
        "status": status,
        "statuses": InvitationStatus.choices,
        "may_invite_others": set(invitable_roles_of(person)) - {Role.EXPERT},
    }
    return render(request, "web/invitations/list.html", context)


def _managed_or_404(person: User, pk: int) -> Invitation:
    invitation = invitation_of(_inviter(person), pk)
    if invitation is None:
        raise Http404
    return invitation


@require_POST
@login_required
@limit_posts
def invitation_resend_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = signed_in(request)
    invitation = _managed_or_404(person, pk)
    try:
        with transaction.atomic():
            invitation_resend(invitation=invitation, actor=person)
            enqueue_invitation_on_commit(invitation_id=invitation.pk)
    except PermissionDenied as refused:
        raise Http404 from refused
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(request, _("The invitation is sent again with a new link; the earlier link no longer works."))
    return HttpResponseRedirect(reverse("people-invitations"))


@require_POST
@login_required
@limit_posts
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = signed_in(request)
    invitation = _managed_or_404(person, pk)
    if request.POST.get("confirm") != "on":
        # Without script the list's dialog did not ask: this page does, before anything changes.
        return render(request, "web/invitations/revoke.html", {"invitation": invitation})
    try:
        invitation_revoke(invitation=invitation, actor=person)
    except PermissionDenied as refused:
        raise Http404 from refused
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        messages.success(request, _("The invitation is revoked: its link no longer works."))
    return HttpResponseRedirect(reverse("people-invitations"))


def _speak(request: HttpRequest, invitation: Invitation | None) -> None:
    """The invitation's language, unless the visitor chose one (the language cookie, or a signed-in profile)."""
    if invitation is None or request.user.is_authenticated or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    translation.activate(invitation.language)
    request.LANGUAGE_CODE = translation.get_language()


def _refused(request: HttpRequest, reason: str, invitation: Invitation | None) -> HttpResponse:
    context = {"reason": reason, "invitation": invitation}
    return render(request, "web/invitations/refused.html", context, status=404 if reason == UNKNOWN else 410)


def _context(invitation: Invitation, **extra: Any) -> dict[str, Any]:
    return {
        "invitation": invitation,
        "role": invitation_role_label(invitation),
        "scope": invitation_scope_label(invitation),
        **extra,
    }


def _existing_account(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    """An address that has an account: its owner, signed in, confirms; anyone else is told how."""
    user = request.user
    if request.method == "POST" and user.is_authenticated:
        assert isinstance(user, User)
        try:
            invitation_confirm(token=token, user=user)
        except InvitationRefused as refused:
            return _refused(request, refused.reason, refused.invitation)
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        else:
            messages.success(request, _("Done: your account now has this role."))
            return HttpResponseRedirect(reverse("home"))
    login_link = f"{reverse('login')}?{urlencode({'next': request.path})}"
    mine = user.is_authenticated and user.pk == invitation.existing_user_id
    return render(request, "web/invitations/confirm.html", _context(invitation, mine=mine, login_link=login_link))


@never_cache
@limit_visitor
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    lookup = invitation_for_token(token)
    invitation = lookup.invitation
    _speak(request, invitation)
    if invitation is None or lookup.refusal:
        return _refused(request, lookup.refusal or UNKNOWN, invitation)
    if invitation.existing_user_id is not None:
        return _existing_account(request, token, invitation)
    if request.user.is_authenticated:
        # A new account is made signed out: whoever is signed in here is someone else.
        return render(request, "web/invitations/accept.html", _context(invitation, signed_in_elsewhere=True))
    initial = {
        "username": username_suggest(invitation.email),
        "first_name": invitation.first_name,
        "last_name": invitation.last_name,
        "language": invitation.language,
    }
    form = AcceptForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = invitation_accept(
                token=token,
                username=data["username"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=data["language"],
                time_zone=data["time_zone"],
            )
        except InvitationRefused as refused:
            return _refused(request, refused.reason, refused.invitation)
        except ValidationError as invalid:
            service_refusal_show(form, invalid)
        else:
            auth_login(request, user, backend=MODEL_BACKEND)
            translation.activate(user.preferred_language)
            messages.success(request, _("Welcome to the Strong Cities help desk: your account is ready."))
            if second_factor_required(user):
                return HttpResponseRedirect(reverse("two-factor-setup"))
            return HttpResponseRedirect(reverse("home"))
    return render(request, "web/invitations/accept.html", _context(invitation, form=form))
