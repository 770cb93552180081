"""A person's own account: the second factor (an authenticator app, recovery codes) and the record of changes.

The second factor is django-otp's: one ``TOTPDevice`` (the app) and one ``StaticDevice`` holding the recovery
codes. A device is created unconfirmed when enrolment starts and confirmed by the first code it produces;
until then it counts for nothing. Changes to how a person signs in (address, password, second factor) go to
the admin's history (``LogEntry`` on the person), where an administrator looks when an account is disputed.
"""

from __future__ import annotations

import functools
import zoneinfo

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.access import can
from helpdesk.models import User, Visibility

# Where hub staff's and the management unit's replies by e-mail may land (``User.mail_reply_visibility``).
MAIL_REPLY_CHOICES = (Visibility.INTERNAL, Visibility.CITY)
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# Zone names kept only for old systems ("US/Eastern", "Etc/GMT+3"): the list offers the places people live in.
LEGACY_ZONES = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")


def account_event_record(*, user: User, message: str) -> None:
    """One line in the person's admin history (never a secret: no code, address or password)."""
    LogEntry.objects.create(
        user_id=user.pk,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user)[:200],
        action_flag=CHANGE,
        change_message=message,
    )


def second_factor_required(user: User) -> bool:
    """Whether this person may use the desk only with a second factor (``TWO_FACTOR_REQUIRED``)."""
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(user.roles & set(settings.TWO_FACTOR_ROLES))


def app_device(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticDevice.objects.filter(user=user, confirmed=True).exists()
    )


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def app_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device an enrolment shows as a QR code: the same one until it is confirmed, so that
    reloading the page does not change the secret already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _recovery_codes_new(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def app_device_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm ``device`` with a code it produced; returns the new recovery codes (shown once), or None when
    the code is wrong (django-otp's throttle counts the failure)."""
    if device.user_id != user.pk or device.confirmed:
        return None
    with transaction.atomic():
        if not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Any other half-started enrolment is void now.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _recovery_codes_new(user)
        account_event_record(user=user, message="Second factor enrolled")
    return codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    with transaction.atomic():
        codes = _recovery_codes_new(user)
        account_event_record(user=user, message="Recovery codes replaced")
    return codes


def second_factor_remove(*, user: User) -> None:
    """Remove the app and the recovery codes (the person confirmed with their password and a code)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        account_event_record(user=user, message="Second factor removed")


def mail_reply_visibility_set(*, user: User, visibility: str) -> bool:
    """Choose where ``user``'s replies by e-mail land: an internal note ("internal") or a message shared with the
    city ("city"). Returns whether it changed; the change goes to the person's history. Raises
    ``PermissionDenied`` for anyone who writes on one channel only (a city, an expert: ``choose_mail_reply``)
    and ``ValidationError`` for any other value."""
    if not can(user, "choose_mail_reply"):
        raise PermissionDenied
    if visibility not in MAIL_REPLY_CHOICES:
        raise ValidationError({"mail_reply_visibility": _("Choose where your replies by e-mail go.")})
    return _account_setting_set(user=user, field="mail_reply_visibility", value=visibility, name="Replies by e-mail")


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone a person may choose, in order (Africa/…, America/…, …), without the legacy aliases."""
    return tuple(
        sorted(name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith(LEGACY_ZONES))
    )


def time_zone_set(*, user: User, time_zone: str) -> bool:
    """Set the zone ``user``'s pages show moments in: an IANA name, or "" for the default (for now the desk's,
    ``settings.TIME_ZONE``; a hub's or city's own zone once hubs keep a calendar). Returns whether it changed;
    the change goes to the person's history. Raises ``ValidationError`` for a name the zone database lacks."""
    time_zone = time_zone.strip()
    if time_zone and time_zone not in time_zone_names():
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    return _account_setting_set(user=user, field="time_zone", value=time_zone, name="Time zone")


def _account_setting_set(*, user: User, field: str, value: str, name: str) -> bool:
    """Set one of the person's own settings (a checked value), under a lock; a change goes to their history as
    "<name>: <before> → <after>" ("default" for an empty value). Returns whether it changed."""
    with transaction.atomic():
        before = User.objects.select_for_update().values_list(field, flat=True).get(pk=user.pk)
        setattr(user, field, value)
        if before == value:
            return False
        User.objects.filter(pk=user.pk).update(**{field: value})
        account_event_record(user=user, message=f"{name}: {before or 'default'} → {value or 'default'}")
    return True
