"""A person in a real browser, for the browser tests: their own context (own cookies), signed in with their own
account, watching the console for Content-Security-Policy violations, and checked with axe-core."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from tests.browser.conftest import AXE
from tests.factories import PASSWORD

# The languages whose pages axe-core checks: one of each direction (French reads as English does).
AXE_LANGUAGES = ("en", "ar")


@cache
def _axe_source() -> str:
    return AXE.read_text()


class Actor:
    """One person in their own browser context, watching for CSP violations."""

    def __init__(self, chromium: Any, base: str, username: str, *, width: int = 1280) -> None:
        self.width = width
        # Reduced motion: Bootstrap then draws buttons without their colour transition, so axe-core never
        # measures the contrast of a button caught half-way between two colours just after a click (a
        # summary opened to fill a move's form failed "color-contrast" once in a while).
        self.context = chromium.new_context(viewport=self.viewport(width), locale="en-GB", reduced_motion="reduce")
        self.page = self.context.new_page()
        self.base = base
        self.username = username
        self.password = PASSWORD
        self.csp_errors: list[str] = []
        self.page.on(
            "console",
            lambda message: self.csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
        )

    @staticmethod
    def viewport(width: int) -> dict[str, int]:
        """A desktop's or a phone's screen at ``width``."""
        return {"width": width, "height": 900 if width > 1000 else 844}

    def go(self, path: str, *, status: int = 200) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == status, (path, response and response.status)

    def sign_in(self) -> None:
        """Sign in through the form (by its fields' ids, so in any language)."""
        self.go("/")
        self.page.locator("#id_username").fill(self.username)
        self.page.locator("#id_password").fill(self.password)
        with self.page.expect_navigation():
            self.page.locator("form button[type=submit]").last.click()
        assert self.page.locator("form[action='/accounts/logout/']").count() == 1

    def choose_language(self, language: str) -> None:
        """Switch the pages' language from the header (on a phone, its folded menu holds the switch)."""
        menu = self.page.locator("details.desk-menu")
        if menu.locator("summary").is_visible() and menu.get_attribute("open") is None:
            menu.locator("summary").click()
        with self.page.expect_navigation():
            self.page.locator(f"form.lang-switch button[value='{language}']:visible").click()

    def axe(self) -> list[dict[str, Any]]:
        """The serious and critical violations axe-core finds on the page as it is now."""
        # Loaded once per page: a look checks the same page at two widths, and parsing axe-core's 650 KB
        # script again cost a quarter of each check (0.06 s of 0.25 s).
        if self.page.evaluate("typeof axe") == "undefined":
            self.page.evaluate(_axe_source())
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]

    def look(self, name: str, artifacts: Any, problems: dict[str, Any], language: str) -> None:
        """Screenshots of the page as it is now at a desktop's and a phone's width (nothing wider than the
        phone), and axe-core's serious and critical findings in English and Arabic recorded in ``problems``."""
        for width in (1366, 390):
            self.page.set_viewport_size(self.viewport(width))
            self.page.screenshot(path=str(artifacts / f"{name}-{language}-{width}.png"), full_page=True)
            overflow = self.page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{name} {language}: {overflow}px wide at {width}px"
        if language in AXE_LANGUAGES:
            violations = self.axe()
            if violations:
                # Which elements, and axe's own account of each (a contrast's two colours and ratio).
                problems[f"{name} {language}"] = [
                    (v["id"], v["help"], [(n["target"], n.get("failureSummary", "")[:300]) for n in v["nodes"][:3]])
                    for v in violations
                ]
        self.page.set_viewport_size(self.viewport(1366))

    def close(self) -> None:
        assert self.csp_errors == [], self.csp_errors
        self.context.close()


WIDTHS = {"desktop": 1366, "phone": 390}


# WCAG 2.2 target size: every tick box and radio button at least 24 x 24 CSS px, a primary action 44 px tall
# (what is visible on the page: a closed menu or dialog holds nothing to tap).
TARGETS = """() => {
  const out = [];
  const seen = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 ? r : null; };
  document.querySelectorAll("input[type=radio], input[type=checkbox]").forEach((el) => {
    const r = seen(el);
    const tiny = r && (r.width < 23.5 || r.height < 23.5);
    if (tiny) out.push([el.name || el.id, Math.round(r.width), Math.round(r.height)]);
  });
  document.querySelectorAll(".btn-primary").forEach((el) => {
    const r = seen(el);
    if (r && r.height < 43.5) out.push([el.textContent.trim().slice(0, 30), Math.round(r.width), Math.round(r.height)]);
  });
  return out;
}"""


class Person(Actor):
    """One person in their own browser, at the width they work at, in one language."""

    def __init__(self, chromium: Any, base: str, username: str, *, width: int, language: str, shots: Path) -> None:
        super().__init__(chromium, base, username, width=width)
        self.language = language
        self.shots = shots

    def sign_in(self) -> None:
        super().sign_in()
        if self.language != "en":
            self.choose_language(self.language)
        html = self.page.locator("html")
        assert html.get_attribute("lang") == self.language
        assert html.get_attribute("dir") == ("rtl" if self.language == "ar" else "ltr")

    def click(self, locator: Any, *, refused: bool = False) -> None:
        """Click what leads to another page, and wait for it; the page says nothing went wrong unless
        ``refused``."""
        with self.page.expect_navigation():
            locator.click()
        errors = self.page.locator(".alert-danger")
        if refused:
            assert errors.count() >= 1
        else:
            assert errors.count() == 0, errors.first.inner_text()

    def move_form(self, name: str) -> Any:
        """A move's form on the request page, its fold-out opened."""
        details = self.page.locator(f"details:has(form[action$='/moves/{name}/'])")
        if details.count() and details.get_attribute("open") is None:
            details.locator("summary").click()
        return self.page.locator(f"form[action$='/moves/{name}/']")

    def moves(self) -> set[str]:
        actions = self.page.eval_on_selector_all(
            "#moves form[action*='/moves/'], #moves a[href*='/moves/'], #moves a[href$='/experts/']",
            "els => els.map(e => e.getAttribute('action') || e.getAttribute('href'))",
        )
        return {("propose" if a.endswith("/experts/") else a.rstrip("/").split("/")[-1]) for a in actions}

    def unread(self) -> int:
        badge = self.page.locator("header .badge:visible").first
        if badge.count() == 0:
            return 0
        return int(re.sub(r"\D", "", badge.inner_text()) or 0)

    def look(self, name: str) -> None:
        """The page at both widths: nothing wider than the screen, targets big enough, no serious or critical
        axe finding (in English and Arabic, as ``Actor.look``: French pages are English's templates in the same
        direction, and axe's rules read their structure, names and colours, not their words), a screenshot of
        each; then back to this person's own width."""
        for label, width in WIDTHS.items():
            self.page.set_viewport_size(self.viewport(width))
            wide = self.page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{name} ({self.language}) is {wide}px wide on a {width}px screen"
            small = self.page.evaluate(TARGETS)
            assert small == [], f"{name} ({self.language}, {width}px): targets under size: {small}"
            shot = self.shots / f"story-{self.language}-{name}-{label}.png"
            self.page.screenshot(path=str(shot), full_page=True)
            if self.language in AXE_LANGUAGES:
                serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in self.axe()]
                assert serious == [], f"{name} ({self.language}, {width}px): {serious}"
        self.page.set_viewport_size(self.viewport(self.width))
