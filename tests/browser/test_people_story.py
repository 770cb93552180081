"""The network's people in a real browser: a hub lead invites a city's new focal point, who accepts on a phone in
French; the lead hands the city's requests over from the former focal point; the management unit vets a
nominated expert, who then keeps their own profile.

The story runs once per language of the hub lead and the management unit (English, French, Arabic); the invited
focal point always reads French, the language the lead chose for the invitation. Every page is looked at on a
1366 px desktop and a 390 px phone: nothing wider than the screen, targets big enough, no serious or critical
axe-core finding, no Content-Security-Policy error, a screenshot of each (test-artifacts/screenshots/
story-<language>-people-*.png). Selectors are ids, names and form actions, never words.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from helpdesk.models import ExpertProfile, Invitation, PeopleAction, PeopleLog, Role, SupportRequest, User
from notifications.services.invitations import invitation_mail_send
from tests.browser.people import Person
from tests.factories import CityFactory, RegionFactory, expert, focal_point, hub_staff, management
from tests.web.pages import in_state

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://[^\s]+/invitations/[0-9]+-[0-9a-f]+/")


def _network() -> dict[str, Any]:
    region = RegionFactory(code="esa", name="East and Southern Africa", name_fr="Afrique de l'Est et australe")
    city = CityFactory(name="Mombasa", country="KE", region=region, languages=["en", "fr"])
    CityFactory(name="Kisumu", country="KE", region=region)  # no focal point: a membership gap
    former = focal_point(city, username="focal.former", first_name="Amina", last_name="Odhiambo")
    lead = hub_staff(region, username="hub.lead", is_hub_lead=True, first_name="Grace", last_name="Wanjiru")
    nominee = expert(username="expert.nominee", first_name="Samir", last_name="Aziz")
    ExpertProfile.objects.filter(user=nominee).update(vetting_status=ExpertProfile.Vetting.PENDING, nominated_by=lead)
    requests = [
        in_state("submitted", city=city, submitted_by=former, title="Dialogue after the market attack"),
        in_state("draft", city=city, submitted_by=former, title="Youth forum draft"),
    ]
    return {"region": region, "city": city, "former": former, "lead": lead, "nominee": nominee, "requests": requests}


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_focal_point_is_invited_accepts_on_a_phone_and_the_city_is_handed_over(
    chromium, live_server, artifacts, language
):
    net = _network()
    mu_person = management(username="mu.director", first_name="Claire", last_name="Martin")

    # 1. The hub lead opens the people page and invites the city's new focal point, in French.
    lead = Person(chromium, live_server.url, "hub.lead", width=1366, language=language, shots=artifacts)
    lead.sign_in()
    lead.go("/people/")
    lead.look("people-list")
    lead.click(lead.page.locator("a[href='/people/invite/']").first)
    lead.look("people-invite")
    lead.page.locator("#id_email").fill("nadia.karimi@mombasa.example.org")
    lead.page.locator("#id_first_name").fill("Nadia")
    lead.page.locator("#id_last_name").fill("Karimi")
    lead.page.locator(f"input[name=role][value={Role.FOCAL_POINT}]").check()
    lead.page.locator("#id_city").select_option(str(net["city"].pk))
    lead.page.locator("input[name=language][value=fr]").check()
    lead.click(lead.page.locator("main form[method=post] button[type=submit]").first)
    assert lead.page.url.endswith("/people/invitations/")
    lead.look("people-invitations")
    invitation = Invitation.objects.get(email="nadia.karimi@mombasa.example.org")
    assert (invitation.role, invitation.city_id, invitation.language) == (Role.FOCAL_POINT, net["city"].pk, "fr")

    # 2. The e-mail, in French, carries a link that works once.
    mail.outbox.clear()
    assert invitation_mail_send(invitation_id=invitation.pk)
    (letter,) = mail.outbox
    assert letter.to == ["nadia.karimi@mombasa.example.org"] and letter.extra_headers.get("Content-Language") == "fr"
    link = LINK.search(letter.body)
    assert link is not None, letter.body
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]

    # 3. Nadia opens it on her phone: the page speaks French; she sets up her account and lands in the desk.
    nadia = Person(chromium, live_server.url, "nadia.k", width=390, language="fr", shots=artifacts)
    nadia.go("/" + path)
    assert nadia.page.locator("html").get_attribute("lang") == "fr"
    nadia.look("people-accept")
    nadia.page.locator("#id_username").fill("nadia.k")
    nadia.page.locator("#id_password").fill("Mombasa-cities-2026!")
    nadia.page.locator("#id_password_again").fill("Mombasa-cities-2026!")
    nadia.page.locator("input[name=language][value=fr]").check()
    nadia.page.locator("#id_time_zone").select_option("Africa/Nairobi")
    nadia.click(nadia.page.locator("main form[method=post] button[type=submit]").first)
    assert nadia.page.locator("form[action='/accounts/logout/']").count() == 1
    assert nadia.page.locator("html").get_attribute("lang") == "fr"
    person = User.objects.get(username="nadia.k")
    assert person.roles == {Role.FOCAL_POINT} and set(person.cities.all()) == {net["city"]}
    assert person.time_zone == "Africa/Nairobi" and person.preferred_language == "fr"
    # The link is spent: opened again, it says so.
    again = nadia.page.goto(live_server.url + "/" + path)
    assert again is not None and again.status == 410
    nadia.close()

    # 4. The lead sees the city's record with both focal points, the membership gaps, and hands the city over.
    lead.go(f"/cities/{net['city'].pk}/")
    lead.look("people-city-record")
    lead.go("/cities/gaps/")
    lead.look("people-city-gaps")
    lead.go("/cities/")
    lead.look("people-city-directory")
    lead.go(f"/cities/{net['city'].pk}/handover/")
    lead.look("people-handover")
    lead.page.locator("#id_former").select_option(str(net["former"].pk))
    lead.page.locator("#id_successor").select_option(str(person.pk))
    lead.page.locator("#handover-form button[type=submit]").click()
    dialog = lead.page.locator("dialog[open]")
    assert dialog.count() == 1 and dialog.locator("p").inner_text().strip() != ""
    lead.look("people-handover-confirm")
    lead.click(dialog.locator("button[data-confirmed]"))
    lead.look("people-handover-done")
    moved = {r.pk for r in net["requests"]}
    assert set(SupportRequest.objects.filter(submitted_by=person).values_list("pk", flat=True)) == moved
    log = PeopleLog.objects.get(action=PeopleAction.HANDOVER)
    assert set(log.detail["requests"]) | set(log.detail["drafts"]) == moved
    lead.go(f"/people/{net['former'].pk}/")
    lead.look("people-person")
    lead.close()

    # 5. The management unit vets the nominated expert, who is told and then keeps their own profile.
    mu = Person(chromium, live_server.url, mu_person.username, width=1366, language=language, shots=artifacts)
    mu.sign_in()
    mu.go("/experts/?vetting=pending")
    mu.look("people-expert-pool")
    mu.go(f"/experts/{net['nominee'].pk}/")
    mu.look("people-expert-detail")
    mu.click(mu.page.locator("#vetting-form-vet button[type=submit]"))
    assert ExpertProfile.objects.get(user=net["nominee"]).vetting_status == ExpertProfile.Vetting.VETTED
    mu.close()

    nominee = Person(chromium, live_server.url, "expert.nominee", width=390, language=language, shots=artifacts)
    nominee.sign_in()
    nominee.go("/expert/profile/")
    nominee.look("people-expert-profile")
    nominee.close()
