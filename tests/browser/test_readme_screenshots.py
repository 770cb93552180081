"""The README's pictures: each role's main page on the demo network, as ``make run`` shows it to a newcomer.

Run with ``make screenshots`` (``DOCS_SCREENSHOTS=1``); they are written to ``docs/screenshots/`` and kept in
the repository. Skipped otherwise: the suite's own browser tests check the same pages on their own data.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.people import Actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DEMO_PASSWORD = "cities-demo-2026"
# (file, demo login, page, language, width)
SHOTS = [
    ("focal-point", "focal.mombasa", "/", "en", 1366),
    ("focal-point-phone-ar", "focal.saida", "/", "ar", 390),
    ("hub-staff", "hub.esa", "/", "en", 1366),
    ("request-page", "hub.esa", None, "en", 1366),
    ("expert", "expert.amina", "/", "en", 1366),
    ("management", "mu.director", "/", "en", 1366),
    ("steering", "steering.viewer", "/", "fr", 1366),
]


@pytest.mark.skipif(os.environ.get("DOCS_SCREENSHOTS") != "1", reason="make screenshots writes the README's pictures")
def test_main_pages_of_the_demo_network(chromium, live_server):
    from helpdesk.models import SupportRequest

    call_command("seed_demo", verbosity=0)
    in_delivery = SupportRequest.objects.get(title="Youth mentoring programme after the port attack")
    DOCS.mkdir(parents=True, exist_ok=True)
    for name, username, path, language, width in SHOTS:
        actor = Actor(chromium, live_server.url, username, width=width)
        actor.password = DEMO_PASSWORD
        actor.sign_in()
        actor.choose_language(language)
        actor.go(path or in_delivery.get_absolute_url())
        picture = DOCS / f"{name}.png"
        actor.page.screenshot(path=str(picture), full_page=path is not None or width < 1000)
        actor.close()
        assert picture.stat().st_size > 10_000, f"{name}: the picture is (nearly) empty"
