"""The API in a real browser: its two documentation pages (Swagger UI and Redoc, from the package, under the
desk's CSP) render the operations with no console error at 1366 and 390 px; and the API tokens page as a city's
focal point lives it in English, French and Arabic: signed in with the second factor, a token made and its key
shown once, then revoked through the confirmation dialog; and, without the second factor, the page saying why.
Each page at 1366 and 390 px: nothing wider than the screen, no serious or critical axe-core finding (on the
desk's own pages), no CSP error; screenshots in test-artifacts/screenshots/api-*.png."""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpdesk.models import ApiToken
from tests.browser.people import Actor
from tests.factories import CityFactory, focal_point
from tests.web.views.test_two_factor import code_for, enrolled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = {"en": "City case tracker", "fr": "Suivi des dossiers de la ville", "ar": "متتبع حالات البلدية"}


class Console:
    """Every console error and uncaught exception of a page (not only the CSP's)."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"exception: {e}"))


@pytest.mark.parametrize(
    ("name", "path", "operation"),
    [
        ("swagger", "/api/v1/docs/", "#swagger-ui .opblock-summary-path"),
        ("redoc", "/api/v1/docs/redoc/", "redoc [data-section-id^='operation/']"),
    ],
)
def test_the_documentation_pages_show_the_operations_without_console_errors(
    chromium, live_server, artifacts, name, path, operation
):
    for width in (1366, 390):
        context = chromium.new_context(viewport=Actor.viewport(width), locale="en-GB", reduced_motion="reduce")
        page = context.new_page()
        console = Console(page)
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200
        page.wait_for_selector(operation, timeout=20_000)
        assert page.locator(operation).count() >= 1
        assert page.get_by_text("/api/v1/requests/{reference}/").first.is_visible() or name == "redoc"
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / f"api-docs-{name}-{width}.png"), full_page=width < 1000)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{name}: {overflow}px wide at {width}px"
        assert console.errors == [], console.errors
        context.close()


def _sign_in_with_the_app(actor: Actor, person: Any, device: Any) -> None:
    actor.sign_in()
    assert "/accounts/two-factor/verify/" in actor.page.url
    actor.page.locator("#id_code").fill(code_for(device, offset=1))
    with actor.page.expect_navigation():
        actor.page.locator("main form button[type=submit]").first.click()
    assert "/accounts/two-factor/" not in actor.page.url


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_token_is_made_shown_once_and_revoked(chromium, live_server, artifacts, language):
    city = CityFactory(name="Saïda", country="LB")
    person = focal_point(city, username=f"focal-{language}")
    device, _codes = enrolled(person)
    problems: dict[str, Any] = {}
    actor = Actor(chromium, live_server.url, person.username)
    actor.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    _sign_in_with_the_app(actor, person, device)
    actor.choose_language(language)
    actor.go("/accounts/profile/")
    with actor.page.expect_navigation():
        actor.page.locator("main a[href='/accounts/api-tokens/']").click()
    actor.look("api-tokens-empty", artifacts, problems, language)

    # A wrong lifetime stays on the page with its error on the field, in the page's language.
    actor.page.locator("#id_name").fill(NAMES[language])
    actor.page.locator("#id_days").fill("9999")
    with actor.page.expect_navigation():
        actor.page.locator("main form button[type=submit]").last.click()
    assert actor.page.locator("#id_days[aria-invalid=true]").count() == 1
    assert actor.page.locator("#id_name").input_value() == NAMES[language]
    actor.look("api-tokens-error", artifacts, problems, language)

    actor.page.locator("#id_days").fill("30")
    with actor.page.expect_navigation():
        actor.page.locator("main form button[type=submit]").last.click()
    token = ApiToken.objects.get(user=person)
    key = actor.page.locator("#new-key").input_value()
    assert key.startswith(token.prefix) and len(key) > 40
    actor.page.locator("button[data-copy]").click()
    assert actor.page.evaluate("navigator.clipboard.readText()") == key
    actor.look("api-tokens-made", artifacts, problems, language)
    # The smallest phone the desk serves: the key and its button still fit.
    actor.page.set_viewport_size({"width": 360, "height": 780})
    assert actor.page.evaluate("document.documentElement.scrollWidth") <= 360
    actor.page.set_viewport_size(actor.viewport(1366))

    # Shown once: the same page again has only its first characters.
    actor.go("/accounts/api-tokens/")
    assert key not in actor.page.content()
    assert actor.page.locator("main table bdi", has_text=NAMES[language]).count() >= 1

    # Revoking asks first, in a dialog that says it cannot be undone.
    actor.page.locator(f"#revoke-form-{token.pk} button[type=submit]").click()
    dialog = actor.page.locator(f"#confirm-revoke-{token.pk}")
    assert dialog.is_visible()
    actor.look("api-tokens-revoke-dialog", artifacts, problems, language)
    with actor.page.expect_navigation():
        dialog.locator("button[data-confirmed]").click()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert actor.page.locator(f"#revoke-form-{token.pk}").count() == 0
    actor.look("api-tokens-revoked", artifacts, problems, language)
    actor.close()

    # Someone whose session did not prove a second factor is told why, and where to set it up.
    other = focal_point(city, username=f"plain-{language}")
    plain = Actor(chromium, live_server.url, other.username)
    plain.sign_in()
    plain.choose_language(language)
    plain.go("/accounts/api-tokens/")
    assert plain.page.locator("main a[href='/accounts/two-factor/setup/?next=/accounts/api-tokens/']").count() == 1
    assert plain.page.locator("#id_name").count() == 0
    plain.look("api-tokens-no-second-factor", artifacts, problems, language)
    plain.close()
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
