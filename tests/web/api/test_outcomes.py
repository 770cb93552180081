"""A request's outcomes and the reports over the API: the request page's table for its readers (the city and the
overseers; not an expert), the reports' figures for the management unit and the suppressed copy for the steering
committee (aggregates only, never a request), 403/404 as the pages, and bounded query counts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import City, Region, SupportRequest
from helpdesk.services import expert_access_grant
from tests.factories import (
    CityFactory,
    IndicatorFactory,
    RegionFactory,
    SupportRequestFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    steering,
)
from tests.web.api.conftest import token_client
from tests.web.pages import in_state
from workflows.audit import log_append
from workflows.models import (
    Evaluation,
    ExpertAssignment,
    FollowUp,
    FundApplication,
    FundEnvelope,
    FundingSource,
    OutcomeTarget,
    OutcomeValue,
)
from workflows.tally import tally_rebuild

pytestmark = pytest.mark.django_db

FILED_ON = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = "A secret title"


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    cache.clear()  # the reports are kept five minutes: each test reads its own data
    yield
    cache.clear()


@pytest.fixture
def city() -> City:
    return CityFactory()


def closed_with_outcomes(city: City, indicators: int = 3) -> SupportRequest:
    """A closed request that planned ``indicators`` key indicators, with values delivered, confirmed and found at
    the first of two follow-ups (the second missed)."""
    request = in_state("closed", city=city)
    log_append(
        request_id=request.pk,
        transition="route_to_funding",
        from_state="submitted",
        to_state="funding_review",
        actor_id=hub_staff(city.region).pk,
        created_at=timezone.now(),
    )
    answered = FollowUp.objects.create(request=request, months=3, due_on=date(2026, 4, 1), status="answered")
    FollowUp.objects.create(request=request, months=6, due_on=date(2026, 7, 1), status="missed")
    for n in range(indicators):
        indicator = IndicatorFactory(name=f"Staff trained {n}", unit="count", priority=1 + n % 5)
        row = OutcomeTarget.objects.create(
            request=request, indicator=indicator, baseline=Decimal(2), target=Decimal(1500)
        )
        OutcomeValue.objects.create(target=row, stage="delivered", value=Decimal(1200))
        OutcomeValue.objects.create(target=row, stage="confirmed", value=Decimal(1250))
        OutcomeValue.objects.create(target=row, stage="sustained", follow_up=answered, value=Decimal(1100))
    return request


def outcomes_url(request: SupportRequest) -> str:
    return reverse("api:request-outcomes", args=[request.reference])


def test_the_overseers_and_the_city_read_the_pages_table(city: City) -> None:
    request = closed_with_outcomes(city, indicators=1)
    for reader in (hub_staff(city.region), focal_point(city), management()):
        shown = token_client(reader).get(outcomes_url(request))
        assert shown.status_code == 200
        body = shown.json()
        assert body["delivered"] is True and body["confirmed"] is True
        assert [(c["months"], c["status"]) for c in body["follow_ups"]] == [(3, "answered"), (6, "missed")]
        (row,) = body["rows"]
        assert (row["indicator"], row["baseline"], row["target"], row["delivered"], row["confirmed"]) == (
            "Staff trained 0",
            "2",
            "1,500",
            "1,200",
            "1,250",
        )
        assert row["values"] == {"baseline": "2", "target": "1500", "delivered": "1200", "confirmed": "1250"}
        assert [cell["value"] for cell in row["follow_ups"]] == ["1,100", "—"]


def test_an_expert_is_refused_and_another_city_does_not_find_it(city: City) -> None:
    request = closed_with_outcomes(city)
    helper = expert()
    ExpertAssignment.objects.create(request=request, expert=helper, status="completed")
    expert_access_grant(request=request, expert=helper)
    assert token_client(helper).get(outcomes_url(request)).status_code == 403
    assert token_client(focal_point(CityFactory())).get(outcomes_url(request)).status_code == 404


def test_a_request_that_planned_nothing_has_no_rows(city: City) -> None:
    unplanned = in_state("closed", city=city)
    assert token_client(management()).get(outcomes_url(unplanned)).json()["rows"] == []


def _outcome_queries(client: Client, request: SupportRequest) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(outcomes_url(request)).status_code == 200
    return len(queries)


def test_the_outcomes_keep_their_query_count_at_ten_times_the_data(city: City) -> None:
    client = token_client(hub_staff(city.region))
    small = closed_with_outcomes(city, indicators=1)
    client.get(outcomes_url(small))  # the token's first use writes its last-used time
    count = _outcome_queries(client, small)
    big = closed_with_outcomes(city, indicators=10)
    assert _outcome_queries(client, big) == count


# --- The reports ------------------------------------------------------------------------------------------------
def _filed(region: Region, n: int, *, delivered: int = 0, **fields: object) -> list[SupportRequest]:
    made = []
    for i in range(n):
        request = SupportRequestFactory(city=CityFactory(region=region), state="closed", **fields)
        stamps = {
            "created_at": FILED_ON,
            "triaged_at": FILED_ON + timedelta(days=2),
            "time_to_triage": timedelta(days=2),
        }
        if i < delivered:
            stamps |= {"delivered_at": FILED_ON + timedelta(days=30), "time_to_delivery": timedelta(days=30)}
        SupportRequest.objects.filter(pk=request.pk).update(**stamps)
        made.append(SupportRequest.objects.get(pk=request.pk))
    tally_rebuild()  # set in the database, not moved: the figures' tally counts them as a bulk load is
    return made


def reports_world(scale: int = 1) -> dict[str, object]:
    """A big hub (six funded requests a scale, five delivered, financed by the EU) and a small one (two)."""
    big, small_hub = RegionFactory(name="Western Balkans"), RegionFactory(name="Sahel")
    source = FundingSource.objects.create(code="eu", name="European Union")
    envelope = FundEnvelope.objects.create(region=big, fiscal_year=2026, amount=Decimal("10000000"), source=source)
    indicator = IndicatorFactory(name="Staff trained", priority=3)
    _filed(small_hub, 2, theme="multi_agency")
    funded = []
    for _n in range(scale):
        funded += _filed(big, 6, delivered=5, kind="fund", theme="young_cities", title=SECRET)
    for i, request in enumerate(funded):
        FundApplication.objects.create(
            request=request,
            envelope=envelope,
            amount_requested=Decimal("1000"),
            amount_approved=Decimal("1000"),
            strategic_priority=4,
            justification="Aligned.",
            status=FundApplication.Status.APPROVED,
        )
        Evaluation.objects.create(request=request, rating=4, outcomes="Useful.", would_recommend=i % 6 != 0)
        OutcomeTarget.objects.create(request=request, indicator=indicator, target=Decimal("10"))
    Evaluation.objects.update(created_at=FILED_ON + timedelta(days=40))
    tally_rebuild()  # the grants, evaluations and targets written straight to the tables, as a bulk load is
    return {"big": big, "small": small_hub, "requests": funded}


ANNUAL = reverse("api:report-annual", args=[2026])
GRANTS = reverse("api:report-grants", args=["eu", 2026])


def test_management_reads_every_figure() -> None:
    reports_world()
    client = token_client(management())
    report = client.get(ANNUAL).json()
    assert report["suppressed"] is False and report["filed"] == 8 and report["delivered"] == 5
    assert {row["label"]: row["count"] for row in report["filed_by_region"]} == {"Western Balkans": 6, "Sahel": 2}
    grants = client.get(GRANTS).json()
    assert grants["suppressed"] is False and grants["grants"] == 6
    assert [(row["currency"], row["committed"]) for row in grants["totals"]] == [("EUR", "6000.00")]
    assert client.get(ANNUAL, {"copy": "steering"}).json()["suppressed"] is True


def test_the_steering_committee_reads_suppressed_aggregates_and_never_a_request() -> None:
    world = reports_world()
    client = token_client(steering())
    for url in (ANNUAL, GRANTS):
        answer = client.get(url)
        assert answer.status_code == 200, url
        text = answer.content.decode()
        assert SECRET not in text and "SCN-" not in text and "/requests/" not in text, url
        for request in world["requests"]:  # type: ignore[attr-defined]
            assert request.reference not in text
    report = client.get(ANNUAL).json()
    assert report["suppressed"] is True
    assert {row["label"]: row["count"] for row in report["filed_by_region"]}["Sahel"] is None
    # Asking for the full copy changes nothing for the committee.
    assert json.loads(client.get(ANNUAL, {"copy": "full"}).content)["suppressed"] is True


@pytest.mark.parametrize("role", ["hub", "focal", "expert"])
def test_others_may_not_read_the_reports(role: str) -> None:
    reports_world()
    region = RegionFactory()
    user = {"hub": lambda: hub_staff(region), "focal": lambda: focal_point(CityFactory()), "expert": expert}[role]()
    client = token_client(user)
    assert client.get(ANNUAL).status_code == 403
    assert client.get(GRANTS).status_code == 403


def test_an_unknown_source_or_year_is_not_found() -> None:
    reports_world()
    client = token_client(management())
    assert client.get(reverse("api:report-grants", args=["nobody", 2026])).status_code == 404
    assert client.get(reverse("api:report-annual", args=[1999])).status_code == 404


@pytest.mark.parametrize("url", [ANNUAL, GRANTS])
def test_the_reports_keep_their_query_count_at_ten_times_the_data(url: str) -> None:
    reports_world()
    client = token_client(steering())
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    reports_world_more = _filed(RegionFactory(), 60, delivered=50)
    assert len(reports_world_more) == 60
    cache.clear()
    with CaptureQueriesContext(connection) as big:
        client.get(url)
    assert len(big) == len(small)
