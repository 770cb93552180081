"""Two-step sign-in in a real browser, as a hub officer lives it in each language: enrolment (QR code and key),
the recovery codes shown once, the code asked after the next sign-in, a recovery code instead, and the page
that manages it. Each page at 1366 px and 390 px: nothing wider than the screen, no serious or critical axe-core
violation, no Content-Security-Policy error; screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.people import Actor
from tests.factories import CityFactory, hub_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def _submit(actor: Actor, value: str) -> None:
    actor.page.locator("#id_code").fill(value)
    with actor.page.expect_navigation():
        actor.page.locator("main form button[type=submit]").first.click()


def test_enrolment_codes_verification_and_recovery_in_three_languages(chromium, live_server, artifacts, settings):
    settings.TWO_FACTOR_REQUIRED = True
    city = CityFactory(name="Saïda", country="LB")
    problems: dict[str, Any] = {}
    for language in ("en", "fr", "ar"):
        officer = hub_staff(city.region, username=f"hub-{language}")
        actor = Actor(chromium, live_server.url, officer.username)
        actor.sign_in()
        # A hub officer without an app is sent to enrolment from any page.
        assert "/accounts/two-factor/setup/" in actor.page.url
        actor.choose_language(language)
        assert actor.page.locator("html").get_attribute("lang") == language
        assert actor.page.locator("svg.two-factor-qr").count() == 1
        actor.look("two-factor-setup", artifacts, problems, language)
        # A wrong code stays on the page with its error on the field.
        _submit(actor, "000000")
        assert actor.page.locator("#id_code[aria-invalid=true]").count() == 1
        actor.look("two-factor-setup-wrong-code", artifacts, problems, language)

        device = TOTPDevice.objects.get(user=officer, confirmed=False)
        device.throttle_reset()
        _submit(actor, _code(device))
        codes = list(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
        assert len(codes) == 10
        for token in codes:
            assert actor.page.get_by_text(token, exact=True).count() == 1
        actor.look("two-factor-codes", artifacts, problems, language)

        # The next sign-in asks the code again; a recovery code does instead of the phone.
        with actor.page.expect_navigation():
            actor.page.locator("form[action='/accounts/logout/']").first.evaluate("f => f.submit()")
        actor.sign_in()
        assert "/accounts/two-factor/verify/" in actor.page.url
        actor.look("two-factor-verify", artifacts, problems, language)
        with actor.page.expect_navigation():
            actor.page.locator("main a[href*='/accounts/two-factor/recovery/']").click()
        actor.look("two-factor-recovery", artifacts, problems, language)
        _submit(actor, codes[0])
        assert "/accounts/two-factor/" not in actor.page.url
        assert not StaticToken.objects.filter(device__user=officer, token=codes[0]).exists()

        actor.go("/accounts/two-factor/")
        actor.look("two-factor-manage", artifacts, problems, language)
        actor.go("/accounts/profile/")
        actor.look("two-factor-profile", artifacts, problems, language)
        actor.close()
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
