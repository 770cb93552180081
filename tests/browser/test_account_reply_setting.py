"""The profile's "Your replies by e-mail" choice in a real browser: a hub officer on a desktop and on a phone, in
English, French and Arabic (nothing wider than the screen, no serious or critical axe-core finding, no
Content-Security-Policy error), chooses the city's channel and finds it saved. Screenshots go to
test-artifacts/screenshots/profile-reply-<language>-*.png."""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpdesk.models import Visibility
from tests.browser.people import Actor
from tests.factories import RegionFactory, hub_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_hub_officer_chooses_where_their_replies_land(chromium, live_server, artifacts, settings, language):
    settings.REPLY_EMAIL_DOMAIN = "reply.desk.example.org"
    officer = hub_staff(RegionFactory(), username="officer", first_name="Leïla", last_name="Haddad")
    problems: dict[str, Any] = {}
    actor = Actor(chromium, live_server.url, "officer", width=1366)
    actor.sign_in()
    actor.choose_language(language)
    actor.go("/accounts/profile/")
    choice = actor.page.locator("input[name=mail_reply_visibility][value=city]")
    assert actor.page.locator("input[name=mail_reply_visibility][value=internal]").is_checked()
    actor.look("profile-reply", artifacts, problems, language)

    choice.check()
    with actor.page.expect_navigation():
        actor.page.locator("main form button[type=submit]").first.click()
    assert actor.page.locator("input[name=mail_reply_visibility][value=city]").is_checked()
    officer.refresh_from_db()
    assert officer.mail_reply_visibility == Visibility.CITY
    actor.close()
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
