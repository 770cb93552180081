"""Outcomes through the pages: the hub names key indicators when it applies to the fund, the delivery report
gives the values reached, the city confirms them, and the request page shows them to the city and overseers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import (
    CityFactory,
    FundEnvelopeFactory,
    IndicatorFactory,
    expert,
    focal_point,
    hub_staff,
    management,
)
from tests.web.pages import in_state
from workflows.audit import log_append
from workflows.models import FollowUp, OutcomeTarget, OutcomeValue
from workflows.selectors import current_fiscal_year

pytestmark = pytest.mark.django_db


def _move(request, name):
    return reverse("request-move", args=[request.reference, name])


@pytest.fixture
def city():
    city = CityFactory()
    FundEnvelopeFactory(region=city.region, fiscal_year=current_fiscal_year(), amount=100000)
    return city


def _funding_post(indicator, **extra):
    return {
        "route_to_funding-amount": "12000",
        "route_to_funding-currency": "EUR",
        "route_to_funding-strategic_priority": "4",
        "route_to_funding-justification": "Aligned with priority 4.",
        "route_to_funding-budget_lines-0-item": "Facilitation",
        "route_to_funding-budget_lines-0-amount": "12000",
        **extra,
    }


def test_the_fund_form_on_the_request_page_asks_for_indicators_and_its_post_plans_them(client, city):
    staff = IndicatorFactory(priority=4, name="Staff trained")
    request = in_state("submitted", city=city, strategic_priority=4, funding_requested=Decimal(12000))
    client.force_login(hub_staff(city.region))

    page = client.get(request.get_absolute_url()).content.decode()
    assert "Key indicators this support aims to move" in page
    assert f'name="route_to_funding-indicators" value="{staff.pk}"' in page

    refused = client.post(_move(request, "route_to_funding"), _funding_post(staff))
    assert refused.status_code == 200 and "Choose at least one key indicator." in refused.content.decode()

    client.post(
        _move(request, "route_to_funding"),
        _funding_post(
            staff,
            **{
                "route_to_funding-indicators": [str(staff.pk)],
                f"route_to_funding-indicators-{staff.pk}-baseline": "2",
                f"route_to_funding-indicators-{staff.pk}-target": "10",
            },
        ),
    )
    request.refresh_from_db()
    assert request.state == "funding_review"
    target = OutcomeTarget.objects.get(request=request)
    assert (target.indicator, target.baseline, target.target) == (staff, Decimal(2), Decimal(10))


def test_delivery_values_then_the_city_confirms_starting_from_them(client, city):
    staff = IndicatorFactory(name="Staff trained")
    request = in_state("in_delivery", city=city)
    hub = hub_staff(city.region)
    # Planned when the hub routed it, as the trail says (a request never routed planned nothing).
    log_append(
        request_id=request.pk,
        transition="route_to_experts",
        from_state="submitted",
        to_state="expert_matching",
        actor_id=hub.pk,
        created_at=timezone.now(),
    )
    OutcomeTarget.objects.create(request=request, indicator=staff, target=Decimal(10))
    client.force_login(hub)

    client.post(
        _move(request, "report_delivery"),
        {"report_delivery-report": "Three workshops held.", f"report_delivery-values-{staff.pk}": "12"},
    )
    request.refresh_from_db()
    assert request.state == "delivered"

    client.force_login(focal_point(city))
    page = client.get(request.get_absolute_url()).content.decode()
    assert f'name="evaluate-values-{staff.pk}" id="id_evaluate-values-{staff.pk}" value="12"' in page
    client.post(
        _move(request, "evaluate"),
        {
            "evaluate-rating": "5",
            "evaluate-outcomes": "A council meets monthly.",
            "evaluate-would_recommend": "yes",
            f"evaluate-values-{staff.pk}": "11",
        },
    )
    request.refresh_from_db()
    assert request.state == "closed"
    values = dict(OutcomeValue.objects.filter(target__request=request).values_list("stage", "value"))
    assert values == {"delivered": Decimal(12), "confirmed": Decimal(11)}


def _closed_with_outcomes(city):
    request = in_state("closed", city=city)
    author = hub_staff(city.region)
    log_append(
        request_id=request.pk,
        transition="route_to_funding",
        from_state="submitted",
        to_state="funding_review",
        actor_id=author.pk,
        created_at=timezone.now(),
    )
    staff = IndicatorFactory(name="Staff trained", name_fr="Personnel formé", unit="count")
    plan = IndicatorFactory(name="Plan adopted", unit="yes_no", priority=2)
    share = IndicatorFactory(name="Share of youth", unit="percentage", priority=4)
    answered = FollowUp.objects.create(request=request, months=3, due_on=date(2026, 4, 1), status="answered")
    FollowUp.objects.create(request=request, months=6, due_on=date(2026, 7, 1), status="missed")
    for indicator, baseline, target, delivered, confirmed, sustained in (
        (staff, 2, 1500, 1200, 1250, 1100),
        (plan, 0, 1, 1, 1, 0),
        (share, 10, 40, Decimal("35.5"), None, None),
    ):
        row = OutcomeTarget.objects.create(
            request=request, indicator=indicator, baseline=Decimal(baseline), target=Decimal(target)
        )
        OutcomeValue.objects.create(target=row, stage="delivered", value=Decimal(delivered))
        if confirmed is not None:
            OutcomeValue.objects.create(target=row, stage="confirmed", value=Decimal(confirmed))
        if sustained is not None:
            OutcomeValue.objects.create(target=row, stage="sustained", follow_up=answered, value=Decimal(sustained))
    return request


def test_the_request_page_shows_the_outcomes_table_formatted_by_unit(client, city):
    request = _closed_with_outcomes(city)
    client.force_login(hub_staff(city.region))

    page = client.get(request.get_absolute_url()).content.decode()

    section = page[page.index('id="outcomes"') :]
    assert "<bdi>Staff trained</bdi>" in section
    for text in ("1,500", "1,250", "1,100", "35.5%", "After 3 months", "After 6 months", "Not answered"):
        assert text in section, text
    assert ">Yes</td>" in section and ">No</td>" in section


def test_the_city_reads_its_outcomes_in_its_language(client, city):
    request = _closed_with_outcomes(city)
    focal = focal_point(city)
    focal.preferred_language = "fr"
    focal.save(update_fields=["preferred_language"])
    client.force_login(focal)

    with translation.override("fr"):
        page = client.get(request.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert 'id="outcomes"' in page and "Personnel formé" in page


def test_an_expert_does_not_see_the_outcomes_and_nobody_sees_a_table_without_plans(client, city):
    request = _closed_with_outcomes(city)
    helper = expert()
    from helpdesk.services import expert_access_grant
    from workflows.models import ExpertAssignment

    ExpertAssignment.objects.create(request=request, expert=helper, status="completed")
    expert_access_grant(request=request, expert=helper)
    client.force_login(helper)
    assert 'id="outcomes"' not in client.get(request.get_absolute_url()).content.decode()

    unplanned = in_state("closed", city=city)
    client.force_login(management())
    assert 'id="outcomes"' not in client.get(unplanned.get_absolute_url()).content.decode()
