"""The reports: the annual report and a donor's grant report, as pages, as Excel and from the command."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from helpdesk.models import SupportRequest
from tests.factories import (
    CityFactory,
    FundEnvelopeFactory,
    IndicatorFactory,
    RegionFactory,
    SupportRequestFactory,
    hub_staff,
    management,
    steering,
)
from workflows.models import Evaluation, FollowUp, FundApplication, FundingSource, OutcomeTarget, OutcomeValue
from workflows.tally import tally_rebuild

pytestmark = pytest.mark.django_db

FILED_ON = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = "A secret title"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the reports are kept five minutes: each test reads its own data
    yield
    cache.clear()


def _filed(region, n, *, delivered=0, state="closed", **fields):
    """``n`` requests of ``region`` filed in March 2026, the first ``delivered`` of them delivered."""
    made = []
    for i in range(n):
        request = SupportRequestFactory(city=CityFactory(region=region), state=state, **fields)
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


def _world(scale=1):
    """A big hub (six requests a scale, five delivered, funded by the EU) and a small one (two requests)."""
    big, small_hub = RegionFactory(name="Western Balkans"), RegionFactory(name="Sahel")
    indicator = IndicatorFactory(name="Staff trained", name_fr="Personnel formé", priority=3)
    source = FundingSource.objects.create(code="eu", name="European Union", name_fr="Union européenne")
    FundEnvelopeFactory(region=big, fiscal_year=2026, amount=Decimal("10000000"), source=source)
    world = {"big": big, "small": small_hub, "indicator": indicator, "source": source}
    _filed(small_hub, 2, theme="multi_agency")
    _funded(world, scale)
    tally_rebuild()  # written straight to the tables, not moved: the figures pages' tallies count them as a bulk load
    return world


def _funded(world, scale):
    envelope = world["big"].envelopes.get()
    requests = []
    for _ in range(scale):
        requests += _filed(world["big"], 6, delivered=5, kind="fund", theme="young_cities", title=SECRET)
    for i, request in enumerate(requests):
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
        target = OutcomeTarget.objects.create(request=request, indicator=world["indicator"], target=Decimal("10"))
        OutcomeValue.objects.create(target=target, stage="delivered", value=Decimal("12"))
        follow_up = FollowUp.objects.create(
            request=request, months=3, due_on=date(2026, 7, 1), status="answered" if i % 6 else "missed"
        )
        if i % 6:
            OutcomeValue.objects.create(target=target, stage="sustained", follow_up=follow_up, value=Decimal("10"))
    Evaluation.objects.update(created_at=FILED_ON + timedelta(days=40))


def test_management_reads_every_figure_with_links_to_the_queue(client):
    world = _world()
    client.force_login(management())
    response = client.get(reverse("report-annual", args=[2026]))
    assert response.status_code == 200
    report = response.context["report"]
    assert not report.suppressed and report.filed == 8 and report.delivered == 5
    assert {row.label: row.count for row in report.filed_by_region} == {"Western Balkans": 6, "Sahel": 2}
    assert report.median_to_delivery == timedelta(days=30) and report.recommend_percent == 83
    row = report.outcomes.rows[0]
    assert (row.planned, row.delivered, row.reached) == (6, 6, 6) and row.points[0].value == Decimal("50")
    page = response.content.decode()
    assert "?format=xlsx" in page and "data-print" in page
    # Each hub's bar and each theme's line open the queue on the requests filed that year, as many as it counts.
    year = "filed_from=2026-01-01&amp;filed_before=2027-01-01"
    assert f"{reverse('hub-queue')}?region={world['small'].pk}&amp;{year}&amp;state=" in page
    assert f"{reverse('hub-queue')}?theme=multi_agency&amp;state=&amp;{year}" in page
    SupportRequestFactory(city=CityFactory(region=world["small"]), theme="multi_agency", state="closed")  # 2027's
    SupportRequest.objects.filter(theme="multi_agency", created_at__gt=FILED_ON).update(
        created_at=datetime(2027, 1, 3, tzinfo=UTC)
    )
    queue = client.get(f"{reverse('hub-queue')}?theme=multi_agency&state=&{year.replace('&amp;', '&')}")
    assert queue.status_code == 200
    shown = {r.reference for r in queue.context["page"].rows}
    assert len(shown) == {r.key: r.count for r in report.filed_by_theme}["multi_agency"] == 2


def test_the_steering_committee_reads_suppressed_aggregates_and_no_request(client):
    world = _world()
    SupportRequestFactory(city=CityFactory(region=world["small"]), state="submitted", title="Another secret")
    client.force_login(steering())
    pages = [
        reverse("reports"),
        reverse("report-annual", args=[2026]),
        reverse("report-grants", args=["eu", 2026]),
        reverse("steering") + "?period=all",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        main = page.split("<main", 1)[1].split("</main>")[0]
        assert SECRET not in page and "Another secret" not in page and "SCN-" not in page, url
        assert reverse("hub-queue") not in main and "/requests/" not in main, url  # no way to a request
    report = client.get(reverse("report-annual", args=[2026])).context["report"]
    assert report.suppressed and {row.label: row.count for row in report.filed_by_region}["Sahel"] is None
    assert "fewer than 5" in client.get(reverse("report-annual", args=[2026])).content.decode()
    outcomes = client.get(reverse("steering"), {"period": "all"}).context["outcomes"]
    assert outcomes.suppressed and outcomes.rows[0].planned == 6


def test_the_management_unit_may_read_the_committees_copy(client):
    _world()
    client.force_login(management())
    report = client.get(reverse("report-annual", args=[2026]), {"copy": "steering"}).context["report"]
    assert report.suppressed


@pytest.mark.parametrize("user", [hub_staff, None])
def test_others_may_not_open_the_reports(client, user):
    _world()
    if user is not None:
        client.force_login(user(RegionFactory()))
    response = client.get(reverse("report-annual", args=[2026]))
    assert response.status_code == (403 if user else 302)


def test_an_unknown_source_or_year_is_not_found(client):
    _world()
    client.force_login(management())
    assert client.get(reverse("report-grants", args=["nobody", 2026])).status_code == 404
    assert client.get(reverse("report-annual", args=[1999])).status_code == 404


def test_the_grant_report_counts_committed_and_disbursed(client):
    _world()
    client.force_login(management())
    report = client.get(reverse("report-grants", args=["eu", 2026])).context["report"]
    assert report.grants == 6
    (total,) = report.totals
    assert (total.committed, total.disbursed, total.currency) == (Decimal("6000"), Decimal("5000"), "EUR")
    assert [(row.label, row.grants) for row in report.by_region] == [("Western Balkans", 6)]
    assert report.outcomes.follow_ups[0].missing == 1


def _sheets(content):
    book = load_workbook(BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_the_workbook_holds_the_pages_figures(client):
    _world()
    client.force_login(management())
    url = reverse("report-annual", args=[2026])
    report = client.get(url).context["report"]
    response = client.get(url, {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = _sheets(response.content)
    summary = dict(row for row in sheets["Summary"][1:])
    assert summary["Requests filed"] == report.filed == 8
    assert summary["Median time to delivery (days)"] == 30
    assert sorted(sheets["Requests by hub"][1:]) == sorted([r.label, r.count] for r in report.filed_by_region)
    assert sheets["Outcomes"][1][1:] == ["Staff trained", "Count", 6, 6, 0, 6]
    assert sheets["Grants by hub"][1] == ["Western Balkans", "EUR", 6, 6000]


def test_the_steering_workbook_is_suppressed_and_in_the_readers_language(client):
    _world()
    reader = steering(preferred_language="fr")
    client.force_login(reader)
    page = client.get(reverse("report-annual", args=[2026])).content.decode()
    assert "Demandes par pôle" in page and "Personnel formé" in page and 'lang="fr"' in page
    response = client.get(reverse("report-annual", args=[2026]), {"format": "xlsx"})
    sheets = _sheets(response.content)
    assert "Demandes par pôle" in sheets
    rows = {row[0]: row[1] for row in sheets["Demandes par pôle"][1:]}
    assert rows["Western Balkans"] == 6 and rows["Sahel"] != 2 and isinstance(rows["Sahel"], str)
    # The indicator by its French name (the outcomes sheet's own title is translated by the catalogue).
    assert any(row[1] == "Personnel formé" for rows in sheets.values() for row in rows[1:] if len(row) > 3)


def test_the_command_writes_both_workbooks(tmp_path):
    _world()
    annual = tmp_path / "report.xlsx"
    call_command("annual_report", "--year", "2026", "--format", "xlsx", "--output", str(annual), "--full")
    assert _sheets(annual.read_bytes())["Summary"][2] == ["Requests filed", 8]
    donor = tmp_path / "eu.xlsx"
    call_command("annual_report", "--year", "2026", "--source", "eu", "--output", str(donor), "--language", "fr")
    sheets = _sheets(donor.read_bytes())
    # The committee's copy by default; the hub's six grants show, in French ("Pôle" heads the hub column).
    hubs = next(rows for rows in sheets.values() if rows[0][0] == "Pôle")
    assert hubs[1][:3] == ["Western Balkans", "EUR", 6]


@pytest.mark.parametrize("name", ["report-annual", "report-grants", "reports"])
def test_the_report_pages_query_count_does_not_grow_with_the_data(client, name):
    args = {"report-annual": [2026], "report-grants": ["eu", 2026], "reports": []}[name]
    world = _world()
    client.force_login(management())

    def count():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=args)).status_code == 200
        return len(queries)

    small = count()
    _funded(world, 10)
    assert small == count()


def test_the_figures_pages_show_outcomes_against_key_indicators(client):
    _world()
    client.force_login(management())
    page = client.get(reverse("overview"), {"period": "all"}).content.decode()
    assert "Outcomes against key indicators" in page and 'id="chart-outcomes"' in page
    assert "Staff trained" in page and "50" in page  # five follow-ups answered 10 trained staff each
    cache.clear()
    client.force_login(steering())
    page = client.get(reverse("steering"), {"period": "all"}).content.decode()
    assert "Outcomes against key indicators" in page and 'id="chart-outcomes"' in page


def test_an_indicator_planned_by_fewer_than_five_requests_draws_no_chart_for_the_committee(client):
    indicator = IndicatorFactory(name="Exchanges held")
    for request in _filed(RegionFactory(name="Sahel"), 3):
        OutcomeTarget.objects.create(request=request, indicator=indicator)
    tally_rebuild()  # the targets written straight to the table too
    client.force_login(steering())
    response = client.get(reverse("report-annual", args=[2026]))
    (row,) = [row for row in response.context["outcomes"].rows if row.label == "Exchanges held"]
    assert row.planned is None
    page = response.content.decode()
    assert 'id="chart-outcomes"' not in page and "Every count here is fewer than 5." in page
