"""The whole story of a request in a real browser, each actor signed in with their own account.

A focal point files a request with an attachment, the hub asks for information, the city answers, the hub
routes to experts, the expert accepts, the hub routes to funding, the management unit approves, the expert
reports delivery and the city evaluates. Each page is checked to offer exactly that person's moves, to
break no Content-Security-Policy rule, and (for each role's main page) to pass axe-core with no serious or
critical violation. Screenshots of every role's main page in English, French and Arabic, at a desktop's
1366 px and a phone's 390 px, are saved in test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.conftest import AXE
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

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Actor:
    """One person in their own browser context (own cookies), watching for CSP violations."""

    def __init__(self, chromium: Any, base: str, username: str, *, width: int = 1280) -> None:
        self.context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
        self.page = self.context.new_page()
        self.base = base
        self.username = username
        self.password = PASSWORD
        self.csp_errors: list[str] = []
        self.page.on(
            "console",
            lambda message: self.csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
        )

    def go(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)

    def sign_in(self) -> None:
        self.go("/")
        self.page.get_by_label("Username").fill(self.username)
        self.page.get_by_label("Password").fill(self.password)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign in").click()
        assert self.page.locator("form[action='/accounts/logout/']").count() >= 1  # the bar's, and the phone menu's

    def choose_language(self, language: str) -> None:
        """Switch the pages' language from the header (on a phone, its menu holds the switch)."""
        menu = self.page.locator("details.desk-menu")
        if menu.locator("summary").is_visible() and menu.get_attribute("open") is None:
            menu.locator("summary").click()
        with self.page.expect_navigation():
            self.page.locator(f"form.lang-switch button[value='{language}']:visible").click()

    def moves(self) -> set[str]:
        """The moves this page offers: every form or link pointing at a move or at expert matching."""
        actions = self.page.eval_on_selector_all(
            "form[action*='/moves/'], a[href$='/experts/']",
            "els => els.map(e => e.getAttribute('action') || e.getAttribute('href'))",
        )
        return {("propose" if a.endswith("/experts/") else a.rstrip("/").split("/")[-1]) for a in actions}

    def open_move(self, name: str) -> Any:
        """Open a move's fold-out form and return it."""
        form = self.page.locator(f"form[action$='/moves/{name}/']")
        details = self.page.locator(f"details:has(form[action$='/moves/{name}/'])")
        if details.count():
            details.locator("summary").click()
        return form

    def submit(self, button: Any) -> None:
        with self.page.expect_navigation():
            button.click()

    def shot(self, folder: Path, name: str) -> None:
        """Save the page for reviewers, and check it with axe-core on the way."""
        self.page.screenshot(path=str(folder / f"story-{name}.png"), full_page=True)
        violations = self.axe()
        assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]

    def axe(self) -> list[dict[str, Any]]:
        self.page.evaluate(AXE.read_text())
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]

    def close(self) -> None:
        assert self.csp_errors == [], self.csp_errors
        self.context.close()


def _expect_ok(actor: Actor) -> None:
    alert = actor.page.locator(".alert-danger")
    assert alert.count() == 0, alert.first.inner_text()


# "{request}": the page of a request the city filed, the hub routed and the expert was proposed for.
MAIN_PAGES = [
    ("focal_point", "/"),
    ("focal_point", "/requests/new/"),
    ("focal_point", "{request}"),
    ("hub_staff", "/"),
    ("hub_staff", "{request}"),
    ("expert", "/"),
    ("expert", "{request}"),
    ("management", "/"),
    ("management", "/overview/"),
    ("steering", "/"),
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
                path = page.format(request=shown.get_absolute_url())
                name = f"{role}{page.replace('{request}', '-request').replace('/', '-').rstrip('-')}-{language}"
                # A desktop and a phone, as people use the desk; nothing wider than the phone's screen.
                for width in (1366, 390):
                    actor.page.set_viewport_size({"width": width, "height": 900 if width > 1000 else 844})
                    actor.go(path)
                    actor.page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
                    overflow = actor.page.evaluate("document.documentElement.scrollWidth")
                    assert overflow <= width, f"{role} {path} {language}: {overflow}px wide at {width}px"
                if language in ("en", "ar"):
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
