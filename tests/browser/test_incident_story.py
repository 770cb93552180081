"""After an attack, in a real browser: a focal point files for urgent help on a phone in Arabic, the hub's staff,
its lead and the management unit are alerted at once, the hub proposes an expert on standby for the region (first
in the matching list), applies to the fund within the emergency ceiling, and one member of the management unit
approves it.

The focal point always reads Arabic (right-to-left, on a 390 px phone); the hub and the management unit read the
story's language (English, French, Arabic) on a 1366 px desktop. Every page is looked at in both widths: nothing
wider than the screen, targets big enough, no serious or critical axe-core finding, no Content-Security-Policy
error, a screenshot of each (test-artifacts/screenshots/story-<language>-incident-*.png). Selectors are ids, names
and form actions, never words.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from helpdesk.models import ExpertPeriod, ExpertProfile, NotificationMode, SupportRequest, Theme, Urgency
from notifications.models import Notification
from tests.browser.people import WIDTHS, Person
from tests.factories import CityFactory, FundEnvelopeFactory, RegionFactory, expert, focal_point, hub_staff, management
from workflows.models import ExpertAssignment, FundApplication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALERTED = {"hub.officer", "hub.lead", "mu.director"}


def _network() -> dict[str, Any]:
    region = RegionFactory(
        code="mena",
        name="Middle East and North Africa",
        name_fr="Moyen-Orient et Afrique du Nord",
        name_ar="الشرق الأوسط وشمال أفريقيا",
        time_zone="Asia/Amman",
        working_days=[7, 1, 2, 3, 4],  # Sunday to Thursday
    )
    city = CityFactory(name="Irbid", country="JO", region=region, languages=["ar", "en"])
    focal_point(city, username="focal.irbid", first_name="Lina", last_name="Haddad", preferred_language="ar")
    # The officer reads a daily digest: an incident alert is e-mailed at once all the same.
    officer = hub_staff(region, username="hub.officer", first_name="Omar", last_name="Khalil")
    officer.notification_mode = NotificationMode.DIGEST
    officer.save(update_fields=["notification_mode"])
    hub_staff(region, username="hub.lead", is_hub_lead=True, first_name="Rania", last_name="Saleh")
    management(username="mu.director", first_name="Claire", last_name="Martin")
    FundEnvelopeFactory(region=region, fiscal_year=timezone.now().year, amount=100000)
    # Two experts fit the request as well as each other; only one is on standby for the region in Arabic.
    experts = {}
    for username, first in (("expert.karim", "Karim"), ("expert.amina", "Amina")):
        person = expert(username=username, first_name=first, last_name="Expert", themes=[Theme.INCIDENT_RESPONSE])
        profile = ExpertProfile.objects.get(user=person)
        profile.languages = ["ar", "en"]
        profile.save(update_fields=["languages"])
        profile.regions.add(region)
        experts[username] = person
    today = timezone.localdate()
    standby = ExpertPeriod.objects.create(
        expert=experts["expert.amina"],
        kind=ExpertPeriod.Kind.STANDBY,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=6),
        languages=["ar"],
    )
    standby.regions.add(region)
    return {"region": region, "city": city, "standby": experts["expert.amina"], "other": experts["expert.karim"]}


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_an_incident_is_filed_on_a_phone_alerted_matched_on_standby_and_funded_in_an_emergency(
    chromium, live_server, artifacts, language
):
    net = _network()
    people: list[Person] = []

    def person(username: str, width: int, reads: str) -> Person:
        someone = Person(chromium, live_server.url, username, width=width, language=reads, shots=artifacts)
        someone.sign_in()
        people.append(someone)
        return someone

    # 1. The focal point, on a phone in Arabic, files from the home page: three questions.
    city_ui = person("focal.irbid", WIDTHS["phone"], "ar")
    c = city_ui.page
    city_ui.look(f"{language}-incident-1-city-home")
    city_ui.click(c.locator("main a[href='/requests/incident/']").first)
    city_ui.look(f"{language}-incident-2-form")
    c.locator("#id_what_happened").fill("هجوم على مركز مجتمعي في وسط المدينة مساء أمس؛ التوتر يتصاعد بين الأحياء.")
    # The form reads the time in the focal point's zone: their city's hub's (Amman).
    happened = timezone.localtime(timezone.now() - timedelta(hours=3), ZoneInfo("Asia/Amman"))
    c.locator("#id_incident_at").fill(happened.strftime("%Y-%m-%dT%H:%M"))
    c.locator("#id_help_needed").fill("نحتاج إلى خبير في التواصل في الأزمات والحوار بين المجتمعات خلال الأيام المقبلة.")
    city_ui.click(c.locator("form[action='/requests/incident/'] button[type=submit]"))
    request = SupportRequest.objects.get(city=net["city"])
    assert request.state == "submitted" and request.fast_tracked_at is not None
    assert (request.theme, request.urgency) == (Theme.INCIDENT_RESPONSE, Urgency.CRITICAL)
    assert request.submitted_at is not None and request.due_at == request.submitted_at + timedelta(hours=24)
    assert c.url.endswith(request.get_absolute_url())
    assert c.locator("#countdown .countdown").count() == 1
    # The deadline reads in the focal point's zone (their city's hub's, Amman), not the device's.
    assert c.locator("html").get_attribute("data-time-zone") == "Asia/Amman"
    due = c.locator("#countdown time")
    in_amman = c.evaluate(
        "iso => new Intl.DateTimeFormat('ar', {dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Amman'})"
        ".format(new Date(iso))",
        due.get_attribute("datetime"),
    )
    assert due.inner_text() == in_amman
    city_ui.look(f"{language}-incident-3-filed")

    # 2. The hub's staff (the digest reader too), its lead and the management unit are alerted once each, in the
    #    desk and by e-mail, without the request's words.
    alerts = Notification.objects.filter(request=request, event="incident_filed")
    assert {n.recipient.username for n in alerts if n.channel == "in_app"} == ALERTED
    mails = [n for n in alerts if n.channel == "email"]
    assert sorted(n.recipient.username for n in mails) == sorted(ALERTED)
    assert all(n.status != "held" for n in mails)

    # 3. The hub officer reads the alert, opens the request and the matching page: the standby expert first.
    hub_ui = person("hub.officer", WIDTHS["desktop"], language)
    h = hub_ui.page
    hub_ui.go("/notifications/")
    hub_ui.look(f"{language}-incident-4-alerts")
    hub_ui.go(request.get_absolute_url())
    assert h.locator("#countdown .countdown").count() == 1
    moves = hub_ui.moves()
    assert {"propose", "route_to_funding"} <= moves and "fast_track" not in moves
    hub_ui.look(f"{language}-incident-5-hub-request")
    hub_ui.click(h.locator("#moves a[href$='/experts/']"))
    hub_ui.look(f"{language}-incident-6-matching")
    boxes = h.locator("input[name=experts]")
    assert boxes.first.get_attribute("value") == str(net["standby"].pk)
    assert boxes.nth(1).get_attribute("value") == str(net["other"].pk)
    h.locator(f"input[name=experts][value='{net['standby'].pk}']").check()
    hub_ui.click(h.locator(".desk-sticky-actions button[type=submit]").last)
    request.refresh_from_db()
    assert request.state == "expert_matching"
    assert request.due_at is not None and request.due_at - timezone.now() <= timedelta(hours=48)

    # 4. The expert on standby accepts on a phone.
    expert_ui = person("expert.amina", WIDTHS["phone"], language)
    e = expert_ui.page
    expert_ui.look(f"{language}-incident-7-expert-inbox")
    expert_ui.go(request.get_absolute_url())
    form = expert_ui.move_form("accept_assignment")
    form.locator("textarea, input[type=text]").first.fill("None.")
    expert_ui.click(form.locator("button[type=submit]").first)
    assert ExpertAssignment.objects.get(request=request, expert=net["standby"]).status == "accepted"
    assert e.locator("#next-step").count() == 1

    # 5. The hub applies to the fund within the emergency ceiling, without key indicators on the fast track.
    hub_ui.go(request.get_absolute_url())
    form = hub_ui.move_form("route_to_funding")
    form.locator("input[name='route_to_funding-amount']").fill("8000")
    form.locator("select[name='route_to_funding-strategic_priority']").select_option(index=1)
    form.locator("textarea[name='route_to_funding-justification'], input[name='route_to_funding-justification']").fill(
        "Crisis communication and inter-community dialogue in the days after the attack."
    )
    form.locator("input[name$='-0-item']").fill("Expert mission and facilitation")
    form.locator("input[name$='-0-amount']").fill("8000")
    hub_ui.look(f"{language}-incident-8-apply")
    hub_ui.click(form.locator("button[type=submit]").first)
    request.refresh_from_db()
    application = FundApplication.objects.get(request=request)
    assert request.state == "funding_review" and application.emergency
    assert request.due_at is not None and abs(request.due_at - timezone.now() - timedelta(hours=48)) < timedelta(
        minutes=5
    )

    # 6. One member of the management unit sees it first in the fund queue, marked, and approves it alone.
    mu_ui = person("mu.director", WIDTHS["desktop"], language)
    m = mu_ui.page
    mu_ui.go("/fund/")
    assert m.locator(f"main a[href='{request.get_absolute_url()}']").count() >= 1
    mu_ui.look(f"{language}-incident-9-fund-queue")
    mu_ui.go(request.get_absolute_url())
    form = mu_ui.move_form("approve_funding")
    form.locator("button[type=submit]").first.click()
    dialog = m.locator("dialog[open]")
    assert dialog.count() == 1
    mu_ui.look(f"{language}-incident-10-approve")
    mu_ui.click(dialog.locator("button[type=submit]").last)
    request.refresh_from_db()
    application.refresh_from_db()
    assert request.state == "in_delivery"
    assert application.status == FundApplication.Status.APPROVED and application.amount_approved == Decimal("8000")
    assert application.first_approver_id is None and application.decided_by is not None
    assert application.decided_by.username == "mu.director"

    for someone in people:
        someone.close()
