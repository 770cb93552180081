"""The second factor's writes and who must have one (``helpdesk.services.accounts``)."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.services.accounts import (
    app_device_confirm,
    app_device_start,
    has_second_factor,
    recovery_codes_regenerate,
    second_factor_remove,
    second_factor_required,
)
from tests.factories import CityFactory, UserFactory, expert, focal_point, hub_staff, management, steering

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_who_must_have_a_second_factor(settings):
    people = {
        "hub": hub_staff(CityFactory().region),
        "expert": expert(),
        "management": management(),
        "staff": UserFactory(is_staff=True),
        "focal": focal_point(CityFactory()),
        "steering": steering(),
    }
    settings.TWO_FACTOR_REQUIRED = False
    assert not any(second_factor_required(p) for p in people.values())
    settings.TWO_FACTOR_REQUIRED = True
    assert {name for name, p in people.items() if second_factor_required(p)} == {"hub", "expert", "management", "staff"}
    settings.TWO_FACTOR_ROLES = ["hub_staff"]
    people["expert"].access_changed()
    assert not second_factor_required(people["expert"])


def test_enrolment_keeps_one_secret_until_confirmed_and_a_wrong_code_confirms_nothing():
    person = focal_point(CityFactory())
    device = app_device_start(user=person)
    assert app_device_start(user=person).pk == device.pk  # a reload shows the same QR code
    assert app_device_confirm(user=person, device=device, token="000000") is None
    assert not has_second_factor(person)
    device.throttle_reset()
    codes = app_device_confirm(user=person, device=device, token=_code(device))
    assert codes is not None and len(set(codes)) == 10
    assert has_second_factor(person)
    assert LogEntry.objects.filter(object_id=str(person.pk), change_message="Second factor enrolled").exists()
    # Confirmed once: the same device cannot be confirmed again, nor someone else's.
    assert app_device_confirm(user=person, device=device, token=_code(device)) is None
    assert app_device_confirm(user=focal_point(CityFactory()), device=device, token=_code(device)) is None


def test_new_recovery_codes_replace_the_old_and_removal_removes_everything():
    person = focal_point(CityFactory())
    device = app_device_start(user=person)
    old = app_device_confirm(user=person, device=device, token=_code(device))
    new = recovery_codes_regenerate(user=person)
    assert set(StaticToken.objects.filter(device__user=person).values_list("token", flat=True)) == set(new)
    assert not set(old or []) & set(new)
    second_factor_remove(user=person)
    assert not has_second_factor(person)
    assert not StaticToken.objects.filter(device__user=person).exists()
    messages = set(LogEntry.objects.filter(object_id=str(person.pk)).values_list("change_message", flat=True))
    assert {"Second factor enrolled", "Recovery codes replaced", "Second factor removed"} <= messages


def test_time_zone_set_checks_the_name_and_records_the_change():
    from django.contrib.admin.models import LogEntry
    from django.core.exceptions import ValidationError

    from helpdesk.services.accounts import time_zone_set
    from tests.factories import UserFactory

    person = UserFactory()
    assert time_zone_set(user=person, time_zone="Africa/Nairobi") is True
    person.refresh_from_db()
    assert person.time_zone == "Africa/Nairobi"
    assert LogEntry.objects.filter(object_id=str(person.pk), change_message__contains="Africa/Nairobi").exists()
    assert time_zone_set(user=person, time_zone="Africa/Nairobi") is False
    with pytest.raises(ValidationError):
        time_zone_set(user=person, time_zone="Africa/Atlantis")
    assert time_zone_set(user=person, time_zone="") is True
    person.refresh_from_db()
    assert person.time_zone == ""
