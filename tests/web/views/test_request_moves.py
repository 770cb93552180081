"""The moves on a request page: the expected next step is the one filled button, what cannot be undone asks
for a confirmation that names its consequence (a dialog with script, the move's own page without), and
approving a grant starts from the amount asked, capped by the envelope."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format

from helpdesk.models import SupportRequest
from tests.factories import CityFactory, FundEnvelopeFactory, focal_point, hub_staff, management
from tests.web.pages import in_state
from workflows.models import FundApplication, FundEnvelope
from workflows.selectors import current_fiscal_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return CityFactory(name="Mombasa")


def _moves_section(client, request: SupportRequest) -> str:
    page = client.get(request.get_absolute_url()).content.decode()
    return page[page.index('id="moves"') : page.index("</section>", page.index('id="moves"'))]


def _buttons(section: str) -> list[tuple[str, str]]:
    """(classes, label) of each button-looking control of the moves section, in page order (not the ones
    inside the dialogs or the forms a fold-out holds)."""
    outside = re.sub(r"<dialog.*?</dialog>", "", section, flags=re.S)
    outside = re.sub(r"<form method=\"post\" action=\"[^\"]+\" class=\"border.*?</form>", "", outside, flags=re.S)
    found = re.findall(r'<(?:a|summary|button) class="btn ([^"]+)"[^>]*>([^<]+)<', outside)
    return [(classes, label.strip()) for classes, label in found]


def test_the_hub_is_pressed_to_send_a_fund_request_to_the_fund_and_declining_comes_last(client, city):
    request = in_state("submitted", city=city, kind="fund", funding_requested=Decimal("12000"))
    client.force_login(hub_staff(city.region))
    buttons = _buttons(_moves_section(client, request))
    filled = [label for classes, label in buttons if classes == "btn-primary"]
    assert filled == ["Apply to the technical support fund"]
    assert buttons[0][1] == "Apply to the technical support fund"
    assert buttons[-1] == ("btn-outline-danger", "Decline the request")
    assert all("btn-outline" in classes for classes, _ in buttons[1:])


def test_for_an_expert_request_routing_to_experts_is_the_filled_button(client, city):
    request = in_state("submitted", city=city, kind="expert")
    client.force_login(hub_staff(city.region))
    buttons = _buttons(_moves_section(client, request))
    assert [label for classes, label in buttons if classes == "btn-primary"] == ["Route to experts"]


def test_withdraw_is_a_quiet_danger_after_the_real_next_step_and_confirms_in_a_dialog(client, city):
    request = in_state("submitted", city=city, kind="advice")
    focal = focal_point(city)
    client.force_login(focal)
    section = _moves_section(client, request)
    withdraw = reverse("request-move", args=[request.reference, "withdraw"])
    # The only move: still outlined, never the solid red button; a link to its page without script.
    assert _buttons(section) == [("btn-outline-danger", "Withdraw the request")]
    assert f'href="{withdraw}" data-dialog="confirm-withdraw"' in section
    dialog = section[section.index('<dialog id="confirm-withdraw"') : section.index("</dialog>")]
    assert "it cannot be reopened" in dialog
    assert 'name="withdraw-confirm" value="on"' in dialog and "data-dialog-close" in dialog
    assert "<script" not in section and "onclick" not in section and "style=" not in section

    # Without script: the move's page names the consequence and asks for the box.
    page = client.get(withdraw).content.decode()
    assert "it cannot be reopened" in page and 'name="withdraw-confirm"' in page
    client.post(withdraw, {})
    request.refresh_from_db()
    assert request.state == "submitted"
    client.post(withdraw, {"withdraw-confirm": "on"})
    request.refresh_from_db()
    assert request.state == "withdrawn"


def test_a_move_with_fields_can_be_the_filled_button_and_its_confirmation_sits_in_the_form(client, city):
    request, _ = _application(city, asked=Decimal("12000"), envelope_amount=Decimal("100000"))
    client.force_login(management())
    section = _moves_section(client, request)
    assert '<summary class="btn btn-primary">Approve the funding</summary>' in section
    assert 'data-confirm-dialog="confirm-approve_funding"' in section
    assert "<div data-confirm-box>" in section
    assert 'name="approve_funding-confirm" value="on" data-confirmed' in section
    assert '<summary class="btn btn-outline-danger">Reject the funding</summary>' in section


def _application(city, *, asked: Decimal, envelope_amount: Decimal, committed: Decimal = Decimal(0)):
    request = in_state("funding_review", city=city, kind="fund", funding_requested=asked)
    envelope = FundEnvelopeFactory(
        region=city.region, fiscal_year=current_fiscal_year(), amount=envelope_amount, committed=committed
    )
    FundApplication.objects.create(
        request=request,
        envelope=envelope,
        amount_requested=asked,
        currency=envelope.currency,
        strategic_priority=4,
        justification="Aligned.",
    )
    return request, envelope


def test_approving_starts_from_the_amount_asked_and_names_amount_and_city(client, city):
    request, envelope = _application(city, asked=Decimal("12000"), envelope_amount=Decimal("100000"))
    client.force_login(management())
    url = reverse("request-move", args=[request.reference, "approve_funding"])
    page = client.get(url).content.decode()
    assert 'name="approve_funding-amount_approved" value="12000.00"' in page
    assert "Left in the hub&#x27;s envelope: 100,000.00 EUR" in page
    consequence = page[page.index('id="consequence"') : page.index("</div>", page.index('id="consequence"'))]
    assert "12,000.00" in consequence and "EUR" in consequence and "<bdi>Mombasa</bdi>" in consequence
    assert 'data-echo="id_approve_funding-amount_approved"' in consequence
    client.post(url, {"approve_funding-amount_approved": "12000"})
    request.refresh_from_db()
    assert request.state == "funding_review"  # not confirmed: nothing committed
    client.post(url, {"approve_funding-amount_approved": "12000", "approve_funding-confirm": "on"})
    request.refresh_from_db()
    envelope.refresh_from_db()
    assert request.state == "in_delivery" and envelope.committed == Decimal("12000")


def test_the_amount_to_approve_is_capped_by_what_is_left_in_the_envelope(client, city):
    request, envelope = _application(
        city, asked=Decimal("12000"), envelope_amount=Decimal("20000"), committed=Decimal("15000")
    )
    client.force_login(management())
    url = reverse("request-move", args=[request.reference, "approve_funding"])
    page = client.get(url).content.decode()
    assert 'value="5000.00"' in page and 'max="5000.00"' in page
    response = client.post(url, {"approve_funding-amount_approved": "6000", "approve_funding-confirm": "on"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert FundEnvelope.objects.get(pk=envelope.pk).committed == Decimal("15000")


def test_evaluating_says_it_closes_the_request_without_a_confirmation_box(client, city):
    request = in_state("delivered", city=city)
    client.force_login(focal_point(city))
    section = _moves_section(client, request)
    assert "Sending your evaluation closes the request." in section
    assert "evaluate-confirm" not in section and "<dialog" not in section
    assert '<summary class="btn btn-primary">Evaluate the support</summary>' in section


def test_on_the_fast_track_applying_to_the_fund_names_the_emergency_ceiling_in_the_readers_numbers(
    client, city, settings
):
    settings.FUND_EMERGENCY_CEILING = Decimal("10000")
    settings.WORKFLOW_INCIDENT_FUNDING_HOURS = 48
    request = in_state("submitted", city=city, kind="fund", funding_requested=Decimal("8000"))
    SupportRequest.objects.filter(pk=request.pk).update(fast_tracked_at=timezone.now())
    client.force_login(hub_staff(city.region))
    url = reverse("request-move", args=[request.reference, "route_to_funding"])

    page = client.get(url).content.decode()
    section = _moves_section(client, request)

    sentence = "Up to 10,000 EUR is decided within 48 hours by one member of the management unit."
    assert sentence in page and sentence in section
    # In the reader's own number format.
    client.force_login(hub_staff(city.region, preferred_language="fr"))
    french = client.get(url).content.decode()
    with translation.override("fr"):
        grouped = number_format(10000, force_grouping=True)
    assert grouped != "10,000" and f"{grouped} EUR" in french
    # Off the fast track nothing is said of it.
    SupportRequest.objects.filter(pk=request.pk).update(fast_tracked_at=None)
    client.force_login(hub_staff(city.region))
    assert "Up to 10,000 EUR" not in client.get(url).content.decode()


def test_deciding_an_emergency_application_says_it_is_an_emergency_decision(client, city):
    request, _ = _application(city, asked=Decimal("8000"), envelope_amount=Decimal("100000"))
    FundApplication.objects.filter(request=request).update(emergency=True)
    client.force_login(management())

    page = client.get(reverse("request-move", args=[request.reference, "approve_funding"])).content.decode()

    notice = page[page.index('id="move-notice"') : page.index("</div>", page.index('id="move-notice"'))]
    assert "Emergency decision" in notice and "your approval decides it" in notice
    FundApplication.objects.filter(request=request).update(emergency=False)
    assert (
        "Emergency decision"
        not in client.get(reverse("request-move", args=[request.reference, "approve_funding"])).content.decode()
    )
