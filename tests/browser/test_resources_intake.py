"""The browser story: a city finds a resource while filing.

A focal point on a phone starts a request; as the title is typed, the form suggests a published resource of the
network and an answered request of the city (never another city's, never a draft); the person opens the resource
in a new tab, and the form keeps everything typed. In English, French and Arabic, at 390 and 1366 px, with
axe-core's check and no Content-Security-Policy error; the desk counted the suggestions shown and the one opened.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from helpdesk.models import IntakeSession
from tests.browser.people import Actor
from tests.factories import CityFactory, ResourceFactory, ResourceVersionFactory, focal_point
from tests.web.pages import in_state

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

TITLES = {
    "en": "Youth mentoring after an attack: a toolkit",
    "fr": "Le mentorat des jeunes après un attentat : une boîte à outils",
    "ar": "إرشاد الشباب بعد هجوم: مجموعة أدوات",
}


def test_a_city_finds_a_resource_while_filing(chromium, live_server, artifacts):
    city = CityFactory(name="Saïda", country="LB")
    guide = ResourceFactory(slug="youth-mentoring-toolkit", state="published", published_at=timezone.now())
    for language, title in TITLES.items():
        ResourceVersionFactory(
            resource=guide, language=language, title=title, summary="How a port city paired young people with mentors."
        )
    draft = ResourceFactory(slug="youth-mentoring-draft", state="draft")
    ResourceVersionFactory(resource=draft, title="Youth mentoring: an unpublished draft")
    answered = in_state("closed", city=city, title="Youth mentoring programme", closed_at=timezone.now())
    elsewhere = in_state("closed", city=CityFactory(region=city.region), title="Youth mentoring next door")
    focal_point(city, username="focal")

    problems: dict[str, Any] = {}
    person = Actor(chromium, live_server.url, "focal", width=390)
    person.sign_in()
    for language in ("en", "fr", "ar"):
        person.page.set_viewport_size(person.viewport(390))
        person.go("/requests/new/")
        if language != "en" and person.page.locator("html").get_attribute("lang") != language:
            person.choose_language(language)
        page = person.page
        # With scripting, the suggestions come as the title is typed: the button of the page without it is hidden.
        assert page.locator("button[data-intake-look]").is_hidden()
        page.locator("#id_title").press_sequentially("Youth mentoring", delay=20)
        region = page.locator("#intake-suggestions")
        assert region.get_attribute("aria-live") == "polite"
        region.get_by_text(TITLES[language]).wait_for()
        text = region.inner_text()
        assert answered.reference in text
        assert elsewhere.reference not in text and "unpublished draft" not in text
        person.look("intake-suggestions", artifacts, problems, language)
        page.set_viewport_size(person.viewport(390))
        with page.expect_popup() as opened:
            region.get_by_text(TITLES[language]).click()
        resource_page = opened.value
        resource_page.wait_for_load_state()
        assert resource_page.url.endswith(guide.get_absolute_url()), resource_page.url
        resource_page.close()
        # Nothing typed was lost.
        assert page.locator("#id_title").input_value() == "Youth mentoring"
    sessions = list(IntakeSession.objects.all())
    assert len(sessions) == 3 and all(s.opened == 1 and s.filed_at is None for s in sessions)
    person.close()
    assert problems == {}, problems
