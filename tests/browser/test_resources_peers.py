"""The resource hub and peer exchange in a real browser.

"A peer introduction is accepted by both cities": the hub proposes a peer city from the request's peers page
(on a desktop), the peer city's focal point and then the asking city's accept on their phones, and both then
see each other's name and whom to contact. The asking city is anonymous to experts: the peer city reads its
name nowhere until both accepted. Each page is looked at in English, French and Arabic at 1366 and 390 px
(nothing wider than the screen, no serious or critical axe-core finding, no Content-Security-Policy error);
screenshots go to test-artifacts/screenshots/peers-<language>-*.png.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.people import Actor
from tests.factories import CityFactory, RegionFactory, focal_point, hub_staff
from tests.web.pages import in_state
from workflows.models import PeerIntroduction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _person(chromium: Any, base: str, username: str, language: str, width: int) -> Actor:
    actor = Actor(chromium, base, username, width=width)
    actor.sign_in()
    actor.choose_language(language)
    return actor


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_peer_introduction_is_accepted_by_both_cities(chromium, live_server, artifacts, language):
    hub_region = RegionFactory(code="mena", name="MENA hub", name_fr="Pôle MENA", name_ar="مركز الشرق الأوسط")
    asking = CityFactory(
        name="Saïda", country="LB", region=hub_region, languages=["ar", "fr"], anonymous_to_experts=True
    )
    peer = CityFactory(
        name="Sfax",
        country="TN",
        region=RegionFactory(code="africa"),
        languages=["fr", "ar"],
        peer_contact_themes=["multi_agency"],
    )
    asking_focal = focal_point(asking, username="saida", first_name="Rana", last_name="Haddad")
    peer_focal = focal_point(peer, username="sfax", first_name="Karim", last_name="Ben Salah")
    hub_staff(hub_region, username="hub", is_hub_lead=True)
    request = in_state(
        "submitted", city=asking, kind="peer_exchange", theme="multi_agency", language="ar", title="Youth councils"
    )
    problems: dict[str, Any] = {}
    name = "peers"

    # The hub, on a desktop: the suggested cities with why, and the proposal with a note to both cities.
    hub = _person(chromium, live_server.url, "hub", language, 1366)
    hub.go(f"/requests/{request.reference}/peers/")
    assert hub.page.locator(f"#peer-{peer.pk}").count() == 1
    hub.look(f"{name}-hub-suggestions", artifacts, problems, language)
    hub.page.locator(f"#peer-{peer.pk}").check()
    hub.page.locator("#id_peer-note").fill("Both cities set up youth councils after unrest.")
    with hub.page.expect_navigation():
        hub.page.locator("form button[type=submit].btn-primary").click()
    intro = PeerIntroduction.objects.get(request=request)
    hub.look(f"{name}-hub-proposed", artifacts, problems, language)
    detail = f"/introductions/{intro.pk}/"
    # While both cities' answers are awaited, the hub may withdraw it: the page asks first, in a dialog.
    hub.go(detail)
    hub.page.locator("#withdraw-form button[type=submit]").click()
    assert hub.page.locator("#confirm-withdraw").is_visible()
    hub.look(f"{name}-hub-withdraw-asked", artifacts, problems, language)
    hub.page.locator("#confirm-withdraw [data-dialog-close]").click()
    hub.close()

    # The peer city, on a phone: its home lists the introduction; the asking city is not named.
    sfax = _person(chromium, live_server.url, "sfax", language, 390)
    sfax.go("/city/")
    link = sfax.page.locator(f"a[href='{detail}']")
    assert link.count() == 1
    assert "Saïda" not in sfax.page.content()
    sfax.look(f"{name}-peer-home", artifacts, problems, language)
    with sfax.page.expect_navigation():
        link.click()
    assert "Saïda" not in sfax.page.content() and request.reference not in sfax.page.content()
    sfax.look(f"{name}-peer-proposal", artifacts, problems, language)
    with sfax.page.expect_navigation():
        sfax.page.locator("form:has(input[name=answer][value=accept]) button").click()
    assert "Saïda" not in sfax.page.content()
    sfax.look(f"{name}-peer-accepted", artifacts, problems, language)

    # The asking city, on a phone: the peer city, having accepted, is named; the asking city accepts.
    saida = _person(chromium, live_server.url, "saida", language, 390)
    saida.go(detail)
    assert "Sfax" in saida.page.content()
    saida.look(f"{name}-asking-proposal", artifacts, problems, language)
    with saida.page.expect_navigation():
        saida.page.locator("form:has(input[name=answer][value=accept]) button").click()
    intro.refresh_from_db()
    assert intro.status == PeerIntroduction.Status.MADE

    # Both see each other: the city and whom to contact.
    assert peer_focal.email in saida.page.content()
    saida.look(f"{name}-asking-made", artifacts, problems, language)
    sfax.go(detail)
    content = sfax.page.content()
    assert "Saïda" in content and asking_focal.email in content
    sfax.look(f"{name}-peer-made", artifacts, problems, language)
    # Where a city chooses the themes it may be contacted on (linked from its home).
    sfax.go("/city/peer-exchange/")
    assert sfax.page.locator("input[name=themes][value=multi_agency]").is_checked()
    sfax.look(f"{name}-consent", artifacts, problems, language)
    saida.close()
    sfax.close()
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
