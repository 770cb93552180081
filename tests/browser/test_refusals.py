"""The pages that say no, in a real browser and in the three languages, at 1366 px and 390 px: a post past the
person's limit (429) and the desk while its database is down (503). Nothing wider than the screen, no serious or
critical axe-core violation, no Content-Security-Policy error; screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.people import Actor
from tests.factories import CityFactory, focal_point
from tests.web.pages import in_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_post_past_the_limit_is_a_page_that_says_when_to_send_again(chromium, live_server, artifacts, rate_limits_on):
    settings = rate_limits_on
    settings.RATELIMIT_POSTS = "1/m"
    city = CityFactory(name="Saïda", country="LB")
    problems: dict[str, Any] = {}
    for language in ("en", "fr", "ar"):
        person = focal_point(city, username=f"focal-{language}")
        request = in_state("submitted", city=city, title=f"Youth forum ({language})")
        actor = Actor(chromium, live_server.url, person.username)
        actor.sign_in()
        actor.choose_language(language)
        actor.go(request.get_absolute_url())
        send = "form[action$='/messages/'] button[type=submit]:not([formaction])"
        for attempt, text in enumerate(("First message.", "Second message, one too many.")):
            actor.page.locator("#id_body").fill(text)
            with actor.page.expect_navigation() as navigation:
                actor.page.locator(send).click()
            if attempt == 0:
                continue
            response = navigation.value
            assert response is not None and response.status == 429
            assert int(response.headers["retry-after"]) > 0
        actor.look("refusal-429", artifacts, problems, language)
        # The page's primary button goes back to the form, where what was typed still is.
        with actor.page.expect_navigation():
            actor.page.locator("main button[data-history-back]").click()
        assert actor.page.locator("#id_body").input_value() == "Second message, one too many."
        actor.close()
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)


def test_while_the_database_is_down_a_page_says_so_and_offers_to_try_again(
    chromium, live_server, artifacts, monkeypatch
):
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    def unreachable(self: SessionStore) -> dict[str, Any]:
        raise OperationalError("connection refused")

    city = CityFactory(name="Saïda", country="LB")
    problems: dict[str, Any] = {}
    for language in ("en", "fr", "ar"):
        actor = Actor(chromium, live_server.url, focal_point(city, username=f"down-{language}").username)
        actor.sign_in()
        actor.choose_language(language)
        # The session is the first thing a signed-in page reads from the database (web.views.core.server_error).
        with monkeypatch.context() as patched:
            patched.setattr(SessionStore, "load", unreachable)
            response = actor.page.goto(live_server.url + "/")
            assert response is not None and response.status == 503
            assert response.headers["retry-after"] == "30"
            html = actor.page.locator("html")
            assert html.get_attribute("lang") == language
            assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
            actor.look("refusal-503", artifacts, problems, language)
        actor.close()
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
