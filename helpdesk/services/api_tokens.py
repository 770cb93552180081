"""Personal API tokens: made (shown once), revoked, and recognised on each call of the API.

Making one needs the second factor proven in the session that asks (``second_factor_verified``): a token
reaches the API without it, so only a session that has it may mint one. Each change is a line in the person's
admin history (``account_event_record``), never the key.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models import ApiToken, Role, User
from helpdesk.sanitize import clean_text
from helpdesk.services.accounts import account_event_record

KEY_PREFIX = "scd_"  # tells a desk key apart in a secret scanner or a configuration file
PREFIX_SHOWN = 12  # characters of the key kept in the clear to name it on the profile page
MAX_LIVE_TOKENS = 20
# A token's last use is written at most this often: every call writing it would make each read a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def owner_may_use_api(user: User) -> bool:
    """Active, and not an expert whose only role is suspended (the session middleware ends their pages too)."""
    if not user.is_active:
        return False
    roles = user.roles
    return not (roles == frozenset({Role.EXPERT}) and not user.expert_in_good_standing)


def api_token_create(
    *, owner: User, name: str, days: int | None = None, second_factor_verified: bool
) -> tuple[ApiToken, str]:
    """A new token of ``owner`` and its key, which is shown once and never stored (only its digest is)."""
    if not second_factor_verified:
        raise PermissionDenied("A token is made only in a session that proved the second factor.")
    if not owner_may_use_api(owner):
        raise PermissionDenied("This account may not use the API.")
    name = clean_text(name or "").strip()[:80]
    if not name:
        raise ValidationError({"name": _("Give the token a name, to know later what uses it.")}, code="required")
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": _("A token lasts from 1 to %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}},
            code="invalid",
        )
    now = timezone.now()
    with transaction.atomic():
        live = ApiToken.objects.select_for_update().filter(user=owner, revoked_at=None, expires_at__gt=now)
        if live.count() >= MAX_LIVE_TOKENS:
            raise ValidationError(
                _("You have %(count)d tokens in use: revoke one first.") % {"count": MAX_LIVE_TOKENS},
                code="too_many",
            )
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=owner,
            name=name,
            prefix=key[:PREFIX_SHOWN],
            key_digest=key_digest(key),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        account_event_record(user=owner, message=f"API token {token.pk} created, expires {token.expires_at:%Y-%m-%d}")
    return token, key


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke ``token`` (its owner, or a superuser); revoking twice changes nothing."""
    if actor.pk != token.user_id and not actor.is_superuser:
        raise PermissionDenied("Only the token's owner may revoke it.")
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())
        if updated:
            account_event_record(user=token.user, message=f"API token {token.pk} revoked")
    token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_authenticate(*, key: str) -> ApiToken | None:
    """The live token whose key this is, with its owner (``token.user``), if they may use the API; else None.

    Its last use is recorded (at most once a minute)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_digest=key_digest(key), revoked_at=None, expires_at__gt=now)
        .first()
    )
    if token is None or not owner_may_use_api(token.user):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
