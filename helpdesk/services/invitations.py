"""Invitations: who may bring whom into the network, the single-use link, and what accepting it gives.

The link is ``<pk>-<HMAC of pk and nonce>``: the row keeps only the nonce, so the database never holds a usable
link, and a resend (a new nonce, a new expiry) voids the earlier link. Accepting makes one account with exactly
the invited role and scope; an address that already has an account gets the scope added once its owner,
signed in, confirms. Sending the e-mail is the caller's (``notifications.services.invitations``), after commit.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from helpdesk import access, kept_lists
from helpdesk.access import can
from helpdesk.models import City, ExpertProfile, Invitation, Language, PeopleAction, Region, Role, User
from helpdesk.services.accounts import time_zone_names
from helpdesk.services.core import roles_ensure
from helpdesk.services.people_log import people_log_record

TOKEN_SALT = "helpdesk.invitation"  # noqa: S105 - an HMAC key salt, not a secret
# Why a link is refused (``InvitationLookup.refusal``).
UNKNOWN, EXPIRED, REVOKED, USED = "unknown", "expired", "revoked", "used"


class InvitationRefused(Exception):
    """The link cannot be used: ``reason`` is one of UNKNOWN, EXPIRED, REVOKED, USED."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


@dataclass(frozen=True)
class InvitationLookup:
    """What a link leads to: the invitation (none for an unknown or tampered link) and why it is refused, if."""

    invitation: Invitation | None
    refusal: str = ""


def _digest(pk: int, nonce: str) -> str:
    return salted_hmac(TOKEN_SALT, f"{pk}:{nonce}").hexdigest()


def invitation_token(invitation: Invitation) -> str:
    """The link's secret part (rebuilt from the row: the task that sends it needs only the id)."""
    return f"{invitation.pk}-{_digest(invitation.pk, invitation.nonce)}"


def _refusal(invitation: Invitation) -> str:
    status = invitation.status_at(timezone.now())
    return {"accepted": USED, "revoked": REVOKED, "expired": EXPIRED}.get(status, "")


def _parse(token: str) -> tuple[int, str] | None:
    match = re.fullmatch(r"([1-9][0-9]{0,17})-([0-9a-f]{40,128})", token or "")
    return (int(match.group(1)), match.group(2)) if match else None


def _for_token(token: str, *, lock: bool) -> InvitationLookup:
    parsed = _parse(token)
    if parsed is None:
        return InvitationLookup(None, UNKNOWN)
    rows = Invitation.objects.select_related("city__region", "region", "invited_by", "existing_user")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(pk=parsed[0]).first()
    if invitation is None or not constant_time_compare(parsed[1], _digest(invitation.pk, invitation.nonce)):
        return InvitationLookup(None, UNKNOWN)
    return InvitationLookup(invitation, _refusal(invitation))


def invitation_for_token(token: str) -> InvitationLookup:
    """The invitation a link names, and why it may not be used (tampered or unknown, expired, revoked, used)."""
    return _for_token(token, lock=False)


def _scope_of(role: str, city: City | None, region: Region | None, is_hub_lead: bool) -> dict[str, Any]:
    """The scope a role carries, and nothing else (a focal point's city, hub staff's hub and lead flag)."""
    if role == Role.FOCAL_POINT:
        if city is None:
            raise ValidationError({"city": _("Choose the city this focal point will act for.")})
        return {"city": city, "region": None, "is_hub_lead": False}
    if role == Role.HUB_STAFF:
        if region is None:
            raise ValidationError({"region": _("Choose the hub this person will work for.")})
        return {"city": None, "region": region, "is_hub_lead": is_hub_lead}
    return {"city": None, "region": None, "is_hub_lead": False}


def _pending(queryset: Any) -> Any:
    return queryset.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


def _holds_already(user: User, role: str, scope: dict[str, Any]) -> bool:
    if role not in user.roles:
        return False
    if role == Role.FOCAL_POINT:
        return user.cities.filter(pk=scope["city"].pk).exists()
    if role == Role.HUB_STAFF:
        return user.region_id == scope["region"].pk and (user.is_hub_lead or not scope["is_hub_lead"])
    return True


def _other_hub(user: User, region: Region | None) -> bool:
    return region is not None and Role.HUB_STAFF in user.roles and user.region_id not in (None, region.pk)


def _detail(invitation: Invitation) -> dict[str, Any]:
    return {
        "email": invitation.email,
        "role": invitation.role,
        "city": invitation.city_id,
        "region": invitation.region_id,
        "is_hub_lead": invitation.is_hub_lead,
        "expires_at": invitation.expires_at.isoformat(),
    }


def _log_region(invitation: Invitation) -> Region | None:
    """The hub whose history an invitation belongs to: its scope's, else (an expert nominated by hub staff) the
    nominating hub's, so that the hub reads its own nominations among its recent changes."""
    if invitation.region is not None:
        return invitation.region
    if invitation.city is not None:
        return invitation.city.region
    inviter = invitation.invited_by
    return inviter.region if inviter is not None and Role.HUB_STAFF in inviter.roles else None


def invitation_create(
    *,
    actor: User,
    email: str,
    role: str,
    city: City | None = None,
    region: Region | None = None,
    is_hub_lead: bool = False,
    first_name: str = "",
    last_name: str = "",
    language: str = Language.EN,
    message: str = "",
) -> Invitation:
    """Invite ``email`` into ``role`` with its scope. Raises ``PermissionDenied`` when ``actor`` may not invite
    into it, ``ValidationError`` for a missing scope, a pending invitation to the same address and scope, or an
    account that already has it. The caller queues the e-mail after the commit."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    scope = _scope_of(role, city, region, is_hub_lead)
    if not can(actor, "invite", role=role, city=scope["city"], region=scope["region"], is_hub_lead=is_hub_lead):
        raise PermissionDenied
    email = User.objects.normalize_email(email).strip()
    if language not in Language.values:
        language = Language.EN
    with transaction.atomic():
        same = Invitation.objects.filter(email__iexact=email, role=role, city=scope["city"], region=scope["region"])
        if _pending(same).exists():
            raise ValidationError(
                {"email": _("This address already has a pending invitation to this role: send that one again.")}
            )
        existing = User.objects.filter(email__iexact=email).order_by("pk").first()
        if existing is not None:
            if not existing.is_active:
                raise ValidationError({"email": _("This address belongs to a deactivated account.")})
            if _holds_already(existing, role, scope):
                raise ValidationError({"email": _("This person already has this role and scope.")})
            if role == Role.HUB_STAFF and _other_hub(existing, scope["region"]):
                raise ValidationError({"email": _("This person already works for another hub.")})
        now = timezone.now()
        invitation = Invitation.objects.create(
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            role=role,
            language=language,
            message=message.strip(),
            invited_by=actor,
            existing_user=existing,
            nonce=secrets.token_urlsafe(32),
            created_at=now,
            sent_at=now,
            send_count=1,
            expires_at=now + timedelta(days=settings.INVITATION_DAYS),
            **scope,
        )
        people_log_record(
            actor=actor,
            action=PeopleAction.INVITED,
            person=existing,
            city=invitation.city,
            region=_log_region(invitation),
            invitation=invitation,
            detail={"after": _detail(invitation)},
        )
    return invitation


def _locked(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("city__region", "region")
        .get(pk=invitation.pk)
    )


def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    """Send again with a new link and a new expiry (the earlier link stops working). Refused once accepted or
    revoked. The caller queues the e-mail after the commit."""
    if not can(actor, "manage_invitation", invitation):
        raise PermissionDenied
    with transaction.atomic():
        row = _locked(invitation)
        if row.accepted_at is not None or row.revoked_at is not None:
            raise ValidationError(_("This invitation was already answered or revoked: it cannot be sent again."))
        before = row.expires_at.isoformat()
        now = timezone.now()
        row.nonce = secrets.token_urlsafe(32)
        row.expires_at = now + timedelta(days=settings.INVITATION_DAYS)
        row.sent_at = now
        row.send_count += 1
        row.save(update_fields=["nonce", "expires_at", "sent_at", "send_count"])
        people_log_record(
            actor=actor,
            action=PeopleAction.INVITATION_RESENT,
            person=row.existing_user,
            city=row.city,
            region=_log_region(row),
            invitation=row,
            detail={"before": {"expires_at": before}, "after": {"expires_at": row.expires_at.isoformat()}},
        )
    return row


def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    """Void the invitation: its link is refused from now on. Refused once accepted or already revoked."""
    if not can(actor, "manage_invitation", invitation):
        raise PermissionDenied
    with transaction.atomic():
        row = _locked(invitation)
        if row.accepted_at is not None or row.revoked_at is not None:
            raise ValidationError(_("This invitation was already answered or revoked."))
        row.revoked_at = timezone.now()
        row.revoked_by = actor
        row.save(update_fields=["revoked_at", "revoked_by"])
        people_log_record(
            actor=actor,
            action=PeopleAction.INVITATION_REVOKED,
            person=row.existing_user,
            city=row.city,
            region=_log_region(row),
            invitation=row,
            detail={"before": {"status": "pending"}, "after": {"status": "revoked"}},
        )
    return row


def username_suggest(email: str) -> str:
    """A free username from the address's local part ("a.diallo", then "a.diallo2"…)."""
    base = re.sub(r"[^\w.+-]", "", email.split("@", 1)[0].lower())[:140] or "member"
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _grant(user: User, invitation: Invitation, groups: dict[str, Group]) -> None:
    """Give ``user`` the invitation's role group and scope (nothing else)."""
    before, region_before = user.role_names, user.region_id
    user.groups.add(groups[invitation.role])
    if invitation.role == Role.FOCAL_POINT and invitation.city is not None:
        user.cities.add(invitation.city)
    elif invitation.role == Role.HUB_STAFF:
        user.region = invitation.region
        user.is_hub_lead = user.is_hub_lead or invitation.is_hub_lead
        user.save(update_fields=["region", "is_hub_lead"])
    elif invitation.role == Role.EXPERT:
        # Every expert starts unvetted; the management unit vets them (nominated_by: who brought them in).
        ExpertProfile.objects.get_or_create(
            user=user,
            defaults={"vetting_status": ExpertProfile.Vetting.PENDING, "nominated_by": invitation.invited_by},
        )
    access.forget(user)
    kept_lists.person_lists_forget(user, region_ids=[region_before], roles=before)


def _usable(token: str) -> Invitation:
    """The invitation behind ``token``, locked for the rest of the transaction; raises ``InvitationRefused``."""
    lookup = _for_token(token, lock=True)
    if lookup.invitation is None or lookup.refusal:
        raise InvitationRefused(lookup.refusal or UNKNOWN, lookup.invitation)
    return lookup.invitation


def invitation_accept(
    *,
    token: str,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    language: str = Language.EN,
    time_zone: str = "",
) -> User:
    """Make the invitee's account with exactly the invited role and scope, and use up the link.

    Raises ``InvitationRefused`` for a link that may not be used (a second acceptance waits on the row's lock,
    then finds it used) and ``ValidationError`` by field (username, password, language, time_zone)."""
    errors: dict[str, list[Any]] = {}
    username = username.strip()
    if language not in Language.values:
        errors["language"] = [_("Choose a language.")]
    if time_zone and time_zone not in time_zone_names():
        errors["time_zone"] = [_("Choose a time zone from the list.")]
    with transaction.atomic():
        invitation = _usable(token)
        if invitation.existing_user_id is not None:
            raise ValidationError(_("This address already has an account: sign in to add this role to it."))
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_("An account now uses this address: sign in, and ask for the invitation again."))
        if not username:
            errors["username"] = [_("Choose a username.")]
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = [_("This username is taken: choose another.")]
        else:
            try:
                User.username_validator(username)
            except ValidationError as invalid:
                errors["username"] = list(invalid.messages)
        candidate = User(username=username, email=invitation.email, first_name=first_name, last_name=last_name)
        try:
            validate_password(password, user=candidate)
        except ValidationError as invalid:
            errors["password"] = list(invalid.messages)
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=username,
                    email=invitation.email,
                    password=password,
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                    preferred_language=language,
                    time_zone=time_zone,
                )
        except IntegrityError as clash:  # the same username taken a moment ago by someone else
            raise ValidationError({"username": [_("This username is taken: choose another.")]}) from clash
        _grant(user, invitation, roles_ensure())
        _accepted(
            invitation,
            user,
            PeopleAction.INVITATION_ACCEPTED,
            detail={"after": {"username": user.username, **_detail(invitation)}},
        )
    return user


def _account_scope(person: User) -> dict[str, Any]:
    """What an invitation may add to an account (its roles, cities, hub and lead), for the log's before/after."""
    return {
        "roles": sorted(person.roles),
        "cities": sorted(person.cities.values_list("pk", flat=True)),
        "region": person.region_id,
        "is_hub_lead": person.is_hub_lead,
    }


def _accepted(invitation: Invitation, person: User, action: str, *, detail: dict[str, Any]) -> None:
    """Spend the invitation on ``person`` and write its line in the people log (inside the caller's transaction)."""
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    people_log_record(
        actor=person,
        action=action,
        person=person,
        city=invitation.city,
        region=_log_region(invitation),
        invitation=invitation,
        detail=detail,
    )


def invitation_confirm(*, token: str, user: User) -> Invitation:
    """The owner of an existing account, signed in, takes the invited role and scope on it.

    Raises ``InvitationRefused`` for a link that may not be used, ``PermissionDenied`` when ``user`` is not the
    account the invitation was sent to, ``ValidationError`` when hub staff would change hub."""
    with transaction.atomic():
        invitation = _usable(token)
        if invitation.existing_user_id is None or invitation.existing_user_id != user.pk or not user.is_active:
            raise PermissionDenied
        person = User.objects.select_for_update().get(pk=user.pk)
        if invitation.role == Role.HUB_STAFF and _other_hub(person, invitation.region):
            raise ValidationError(_("You already work for another hub: ask the management unit to move you."))
        before = _account_scope(person)
        _grant(person, invitation, roles_ensure())
        after = _account_scope(person)
        _accepted(invitation, person, PeopleAction.SCOPE_ADDED, detail={"before": before, "after": after})
    access.forget(user)
    return invitation
