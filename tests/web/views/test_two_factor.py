"""Two-step sign-in: who must enrol, enrolment with a real TOTP code, the code after each sign-in, recovery codes
(each once), removing the app, and the throttle on codes."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_q.conf import Conf

from helpdesk.services.accounts import app_device_confirm, app_device_start
from tests.factories import PASSWORD, CityFactory, UserFactory, expert, focal_point, hub_staff, management, steering

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sync_tasks(monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True
    return settings


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code the person's app shows now, or ``offset`` steps later (the app's next code: the one used at
    enrolment cannot be used twice)."""
    t0 = device.t0 - offset * device.step
    return f"{totp(device.bin_key, step=device.step, t0=t0, digits=device.digits):0{device.digits}d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = app_device_start(user=user)
    codes = app_device_confirm(user=user, device=device, token=code_for(device))
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_with_the_setting_off_nobody_is_asked(client):
    client.force_login(hub_staff(CityFactory().region))
    assert client.get(reverse("hub-queue")).status_code == 200


@pytest.mark.parametrize(
    "make",
    [
        lambda: hub_staff(CityFactory().region),
        expert,
        management,
        lambda: UserFactory(is_staff=True),
    ],
    ids=["hub_staff", "expert", "management", "staff"],
)
def test_roles_that_need_it_are_sent_to_enrolment_from_any_page(client, required, make):
    client.force_login(make())
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two-factor-setup')}?next=/accounts/profile/"
    # The pages around signing in stay open.
    assert client.get(reverse("two-factor-setup")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


@pytest.mark.parametrize("make", [lambda: focal_point(CityFactory()), steering], ids=["focal_point", "steering"])
def test_a_focal_point_is_not_forced_but_may_enrol_from_the_profile(client, required, make):
    person = make()
    client.force_login(person)
    page = client.get(reverse("profile"))
    assert page.status_code == 200
    assert reverse("two-factor") in page.content.decode()
    assert client.get(reverse("two-factor")).status_code == 200
    assert client.get(reverse("two-factor-setup")).status_code == 200


def test_enrolment_shows_a_qr_code_and_the_key_and_a_valid_code_turns_it_on(
    client, required, mailoutbox, django_capture_on_commit_callbacks
):
    member = hub_staff(CityFactory().region, email="hub@example.org")
    client.force_login(member)
    page = client.get(reverse("two-factor-setup") + "?next=/hub/queue/").content.decode()
    assert "<svg" in page and 'class="two-factor-qr"' in page
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    assert "style=" not in page  # the CSP allows no inline style
    device = TOTPDevice.objects.get(user=member, confirmed=False)
    secret = re.search(r'class="two-factor-secret[^"]*" dir="ltr">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key

    # A wrong code: refused on the field, nothing turned on.
    response = client.post(reverse("two-factor-setup"), {"code": "000000", "next": "/hub/queue/"})
    assert response.status_code == 200 and "code" in response.context["form"].errors
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("two-factor-setup"), {"code": code_for(device), "next": "/hub/queue/"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor-codes"))
    device.refresh_from_db()
    assert device.confirmed
    # The recovery codes are shown once.
    codes_page = client.get(response["Location"]).content.decode()
    tokens = list(StaticToken.objects.filter(device__user=member).values_list("token", flat=True))
    assert len(tokens) == 10 and all(token in codes_page for token in tokens)
    assert not any(token in client.get(reverse("two-factor-codes")).content.decode() for token in tokens)
    # The session showed a code: the desk opens.
    assert client.get(reverse("hub-queue")).status_code == 200
    assert [m.to for m in mailoutbox] == [["hub@example.org"]]
    assert "Two-step sign-in was turned on" in mailoutbox[0].body
    assert LogEntry.objects.filter(object_id=str(member.pk), change_message="Second factor enrolled").exists()


def test_after_signing_in_the_code_is_asked_before_any_page(client, required):
    member = hub_staff(CityFactory().region)
    device, _codes = enrolled(member)
    response = sign_in(client, member)
    page = client.get(response["Location"])
    assert page.status_code == 302 and page["Location"].startswith(reverse("two-factor-verify"))
    # Enrolling again with an unverified session would skip the code: refused.
    assert client.get(reverse("two-factor-setup"))["Location"].startswith(reverse("two-factor-verify"))

    verify = client.get(page["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in verify
    wrong = client.post(reverse("two-factor-verify"), {"code": "123456", "next": "/hub/queue/"})
    assert wrong.status_code == 200 and "code" in wrong.context["form"].errors
    device.throttle_reset()
    # The enrolment's code was used: a later one (the app's next) is needed.
    right = client.post(reverse("two-factor-verify"), {"code": code_for(device, offset=1), "next": "/hub/queue/"})
    assert right.status_code == 302 and right["Location"] == "/hub/queue/"
    assert client.get(reverse("hub-queue")).status_code == 200


def test_a_focal_point_who_enrolled_is_asked_too_even_with_the_setting_off(client):
    person = focal_point(CityFactory())
    enrolled(person)
    response = sign_in(client, person)
    assert client.get(response["Location"])["Location"].startswith(reverse("two-factor-verify"))


def test_wrong_codes_are_throttled(client, required):
    member = hub_staff(CityFactory().region)
    device, _codes = enrolled(member)
    sign_in(client, member)
    client.post(reverse("two-factor-verify"), {"code": "111111"})
    # Even the right code is refused while the throttle holds (1 s after one failure, 2 s after two…).
    response = client.post(reverse("two-factor-verify"), {"code": code_for(device, offset=1)})
    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_recovery_code_works_once(client, required):
    member = hub_staff(CityFactory().region)
    _device, codes = enrolled(member)
    sign_in(client, member)
    response = client.post(reverse("two-factor-recovery"), {"code": codes[0].upper(), "next": "/hub/queue/"})
    assert response.status_code == 302 and response["Location"] == "/hub/queue/"
    assert client.get(reverse("hub-queue")).status_code == 200
    assert StaticToken.objects.filter(device__user=member).count() == 9

    client.post(reverse("logout"))
    sign_in(client, member)
    again = client.post(reverse("two-factor-recovery"), {"code": codes[0], "next": "/hub/queue/"})
    assert again.status_code == 200 and "code" in again.context["form"].errors
    assert client.get(reverse("hub-queue")).status_code == 302


def test_removing_the_app_needs_the_password_and_a_code_then_enrolment_again(
    client, required, mailoutbox, django_capture_on_commit_callbacks
):
    member = hub_staff(CityFactory().region, email="hub@example.org")
    device, codes = enrolled(member)
    sign_in(client, member)
    client.post(reverse("two-factor-recovery"), {"code": codes[0]})
    refused = client.post(reverse("two-factor-remove"), {"password": "wrong", "code": codes[1]})
    assert refused.status_code == 200 and "password" in refused.context["remove_form"].errors
    refused = client.post(reverse("two-factor-remove"), {"password": PASSWORD, "code": "999999"})
    assert refused.status_code == 200 and "code" in refused.context["remove_form"].errors
    assert TOTPDevice.objects.filter(user=member).exists()

    device.throttle_reset()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("two-factor-remove"), {"password": PASSWORD, "code": code_for(device, offset=1)})
    assert response.status_code == 302 and response["Location"] == reverse("two-factor-setup")
    assert not TOTPDevice.objects.filter(user=member).exists()
    # The role needs one: every page sends to enrolment again (the way to a new phone).
    assert client.get(reverse("hub-queue"))["Location"].startswith(reverse("two-factor-setup"))
    assert [m.to for m in mailoutbox] == [["hub@example.org"]] and "turned off" in mailoutbox[0].body


def test_new_recovery_codes_need_the_password_and_void_the_old_ones(client, required):
    member = hub_staff(CityFactory().region)
    _device, codes = enrolled(member)
    sign_in(client, member)
    client.post(reverse("two-factor-recovery"), {"code": codes[0]})
    response = client.post(reverse("two-factor-regenerate"), {"codes-password": PASSWORD})
    assert response.status_code == 302
    fresh = list(StaticToken.objects.filter(device__user=member).values_list("token", flat=True))
    assert len(fresh) == 10 and not set(fresh) & set(codes)


def test_a_removed_device_ends_what_other_sessions_had_shown(client, required):
    member = hub_staff(CityFactory().region)
    device, _codes = enrolled(member)
    sign_in(client, member)
    client.post(reverse("two-factor-verify"), {"code": code_for(device, offset=1)})
    assert client.get(reverse("hub-queue")).status_code == 200
    TOTPDevice.objects.filter(user=member).delete()  # an administrator resets it
    StaticDevice.objects.filter(user=member).delete()
    assert client.get(reverse("hub-queue"))["Location"].startswith(reverse("two-factor-setup"))


def test_the_code_is_checked_against_the_clock(client, required):
    """A code from long ago (the app's clock far off, or a code read over someone's shoulder) is refused."""
    member = hub_staff(CityFactory().region)
    device, _codes = enrolled(member)
    sign_in(client, member)
    old = totp(device.bin_key, step=device.step, t0=device.t0 + 10 * device.step, digits=device.digits)
    assert time.time() > device.t0 + 10 * device.step
    response = client.post(reverse("two-factor-verify"), {"code": f"{old:06d}"})
    assert response.status_code == 200


def test_until_the_code_is_shown_the_header_offers_only_signing_out_and_languages(client, required):
    member = hub_staff(CityFactory().region)
    client.force_login(member)
    page = client.get("/accounts/two-factor/setup/").content.decode()
    assert 'action="/accounts/logout/"' in page and "lang-switch" in page
    assert 'href="/notifications/"' not in page and 'href="/accounts/profile/"' not in page
    assert "<nav" not in page
