"""The resource hub's pages in a real browser: the list, a resource, the form to share one and the review page,
in English, French and Arabic, at 1366 px and 390 px: nothing wider than the screen, no serious or critical
axe-core violation; screenshots go to test-artifacts/screenshots/ (as ``test_story.py`` does for the desk)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.browser.people import AXE_LANGUAGES, Actor
from tests.factories import (
    CityFactory,
    ResourceVersionFactory,
    focal_point,
    hub_staff,
    management,
    resource,
    steering,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "<p>The city council adopted a <strong>youth charter</strong> after two years of work with schools.</p>"
    "<ul><li>A council of 40 pupils</li><li>A yearly budget they decide</li></ul>"
)


def _resources(city: Any) -> dict[str, Any]:
    author = hub_staff(city.region, username="hub", first_name="Amina", last_name="Diallo")
    shown = resource(region=city.region, city=city, city_named=True, created_by=author, themes=["young_cities"])
    shown.versions.update(
        title="A youth charter written with the city's schools", summary="How it was done.", body=BODY
    )
    ResourceVersionFactory(
        resource=shown,
        language="fr",
        title="Une charte de la jeunesse écrite avec les écoles",
        summary="Comment la ville l'a faite.",
        body=BODY,
        translated_from="en",
        written_by=author,
    )
    ResourceVersionFactory(
        resource=shown,
        language="ar",
        title="ميثاق الشباب الذي كُتب مع مدارس المدينة",
        summary="كيف أُنجز.",
        body="<p>اعتمد مجلس المدينة ميثاقا للشباب.</p>",
        translated_from="en",
        written_by=author,
    )
    for n in range(3):
        resource(region=city.region, languages=("ar",) if n % 2 else ("en", "fr"), kind="policy")
    waiting = resource(state="review", region=city.region, created_by=author)
    return {"shown": shown, "waiting": waiting}


def test_resource_pages_in_three_languages_screenshots_accessibility_and_small_screens(
    chromium, live_server, artifacts
):
    city = CityFactory(name="Saïda", country="LB")
    made = _resources(city)
    detail = made["shown"].get_absolute_url()
    pages = {
        "focal": (focal_point(city, username="focal"), ["/resources/", detail, "/resources/new/"]),
        "mu": (
            management(username="mu"),
            [f"/resources/{made['waiting'].slug}/review/", "/resources/?show=unpublished"],
        ),
        "steering": (steering(username="steering"), ["/resources/"]),
    }
    problems: dict[str, Any] = {}
    for who, (person, paths) in pages.items():
        actor = Actor(chromium, live_server.url, person.username)
        actor.sign_in()
        for language in ("en", "fr", "ar"):
            actor.page.set_viewport_size({"width": 1366, "height": 900})
            actor.choose_language(language)
            for path in paths:
                where = re.sub(r"[/?=]", "-", path).rstrip("-")
                name = f"resources-{who}{where}-{language}"
                for width in (1366, 390):
                    actor.page.set_viewport_size({"width": width, "height": 900 if width > 1000 else 844})
                    actor.go(path)
                    actor.page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
                    overflow = actor.page.evaluate("document.documentElement.scrollWidth")
                    assert overflow <= width, f"{who} {path} {language}: {overflow}px wide at {width}px"
                if language in AXE_LANGUAGES:
                    violations = actor.axe()
                    if violations:
                        problems[f"{who} {path} {language}"] = [
                            (v["id"], v["help"], [node["target"] for node in v["nodes"]][:5]) for v in violations
                        ]
        actor.close()
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
