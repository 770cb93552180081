"""Every role's main pages in a real browser, each person signed in with their own account.

Each page is looked at in English, French and Arabic, at a desktop's 1366 px and a phone's 390 px (and the
home page at 360 px): nothing wider than the screen, no serious or critical axe-core violation, no
Content-Security-Policy error; screenshots go to test-artifacts/screenshots/. The story of one request, as
every role lives it, is ``test_request_story.py``; the keyboard alone reaches the sign-in form here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.people import AXE_LANGUAGES, Actor
from tests.factories import (
    PASSWORD,
    CityFactory,
    FundEnvelopeFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    steering,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# "{request}": the page of a request the city filed, the hub routed and the expert was proposed for.
MAIN_PAGES = [
    ("focal_point", "/"),
    ("focal_point", "/requests/new/"),
    ("focal_point", "{request}"),
    ("hub_staff", "/"),
    ("hub_staff", "{request}"),
    ("hub_staff", "/notifications/requests/{reference}/watchers/manage/"),
    ("hub_staff", "/hub/templates/"),
    ("hub_staff", "/hub/needs/"),
    ("expert", "/"),
    ("expert", "{request}"),
    ("management", "/"),
    ("management", "/overview/"),
    ("management", "/reports/"),
    ("steering", "/"),
    ("steering", "/reports/"),
]


def test_main_pages_in_three_languages_screenshots_accessibility_and_small_screens(chromium, live_server, artifacts):
    city = CityFactory(name="Saïda", country="LB")
    FundEnvelopeFactory(region=city.region, fiscal_year=timezone.now().year, amount=100000)
    people = {
        "focal_point": focal_point(city, username="focal"),
        "hub_staff": hub_staff(city.region, username="hub"),
        "expert": expert(username="expert"),
        "management": management(username="mu"),
        "steering": steering(username="steering"),
    }
    from tests.web.pages import in_state

    for state in ("draft", "submitted", "info_requested", "expert_matching", "delivered"):
        in_state(state, city=city, title=f"Request waiting in {state.replace('_', ' ')}")
    from helpdesk.services import expert_access_grant
    from workflows.models import ExpertAssignment

    shown = in_state("expert_matching", city=city, title="Youth council after the riots")
    ExpertAssignment.objects.create(request=shown, expert=people["expert"], status="proposed")
    expert_access_grant(request=shown, expert=people["expert"])
    problems: dict[str, Any] = {}
    for role, person in people.items():
        actor = Actor(chromium, live_server.url, person.username)
        actor.sign_in()
        for language in ("en", "fr", "ar"):
            actor.page.set_viewport_size({"width": 1366, "height": 900})
            actor.choose_language(language)
            html = actor.page.locator("html")
            assert html.get_attribute("lang") == language
            assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
            sheet = actor.page.locator("#bootstrap-css").get_attribute("href")
            assert ("bootstrap.rtl.min.css" in sheet) == (language == "ar")
            for page in [p for r, p in MAIN_PAGES if r == role]:
                path = page.format(request=shown.get_absolute_url(), reference=shown.reference)
                where = page.replace("{request}", "-request").replace("{reference}", "request")
                name = f"{role}{where.replace('/', '-').rstrip('-')}-{language}"
                # A desktop and a phone, as people use the desk; nothing wider than the phone's screen.
                for width in (1366, 390):
                    actor.page.set_viewport_size({"width": width, "height": 900 if width > 1000 else 844})
                    actor.go(path)
                    actor.page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
                    overflow = actor.page.evaluate("document.documentElement.scrollWidth")
                    assert overflow <= width, f"{role} {path} {language}: {overflow}px wide at {width}px"
                if language in AXE_LANGUAGES:
                    violations = actor.axe()
                    if violations:
                        problems[f"{role} {path} {language}"] = [
                            (v["id"], v["help"], [node["target"] for node in v["nodes"]][:5]) for v in violations
                        ]
        # Readable at 360 px, the narrowest phone the desk is made for: nothing wider than the screen.
        actor.page.set_viewport_size({"width": 360, "height": 740})
        actor.go("/")
        overflow = actor.page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 360, f"{role}: the home page is {overflow}px wide at 360px"
        actor.page.screenshot(path=str(artifacts / f"{role}-360px-ar.png"), full_page=True)
        actor.close()
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)


def test_keyboard_alone_reaches_and_submits_the_sign_in_form(chromium, live_server):
    focal_point(CityFactory(), username="keyboard")
    actor = Actor(chromium, live_server.url, "keyboard")
    actor.go("/")
    page = actor.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.get_by_label("Username").focus()
    page.keyboard.type("keyboard")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("form[action='/accounts/logout/']").count() >= 1
    actor.close()
