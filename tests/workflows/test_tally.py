"""The figures' tally: kept by every move in its transaction, equal to a recount, and giving the figures a scan of
the requests gives."""

from __future__ import annotations

import importlib
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.models import RequestState, SupportRequest
from helpdesk.services.cities import city_update
from tests.factories import FundEnvelopeFactory, UserFactory, focal_point, hub_staff, management
from tests.workflows.conftest import PATHS
from workflows.models import RequestTally
from workflows.needs import Counts, needs_map
from workflows.reports import annual_report
from workflows.services import transition_perform
from workflows.stats import PERIODS, period_for, steering_figures
from workflows.tally import (
    ALL_HUBS,
    MET,
    OPEN,
    UNMET,
    Measure,
    duration_bucket,
    histogram_median,
    month_of,
    need_outcome,
    tally_differences,
)

pytestmark = pytest.mark.django_db

# Requests walked to these states through the moves, a month or so apart, with varied themes and priorities.
WALKS = [
    ("submitted", "multi_agency", 1),
    ("info_requested", "young_cities", 2),
    ("expert_matching", "multi_agency", None),
    ("closed", "young_cities", 3),
    ("declined", "multi_agency", 5),
    ("funding_review", "young_cities", 1),
    ("delivered", "multi_agency", 4),
    ("withdrawn", "young_cities", 2),
    ("draft", "multi_agency", 1),
]


@pytest.fixture
def world(net):
    """Nine requests walked through the moves over most of a year, each move some hours after the last."""
    moment = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    FundEnvelopeFactory(region=net.region, fiscal_year=2025)
    walked = []
    for i, (path, theme, priority) in enumerate(WALKS):
        with time_machine.travel(moment, tick=False):
            request = net.request(theme=theme, strategic_priority=priority)
        for j, (transition, who) in enumerate(PATHS[path]):
            moment += timedelta(hours=7 + 11 * ((i + j) % 5), minutes=13 * j)
            with time_machine.travel(moment, tick=False):
                request = transition_perform(
                    request=request, transition=transition, actor=net.people[who], data=net.data(transition)
                )
        walked.append(request)
        moment += timedelta(days=29)
    return walked


def _scanned(start: datetime | None) -> dict[str, object]:
    """The figures as a scan of the requests gives them (what ``steering_figures`` computed before the tally)."""
    filed = SupportRequest.objects.exclude(state=RequestState.DRAFT)
    triaged = SupportRequest.objects.filter(time_to_triage__isnull=False)
    delivered = SupportRequest.objects.filter(time_to_delivery__isnull=False)
    if start is not None:
        filed = filed.filter(created_at__gte=start)
        triaged = triaged.filter(triaged_at__gte=start)
        delivered = delivered.filter(delivered_at__gte=start)

    def median(rows: list[timedelta]) -> timedelta | None:
        return statistics.median(rows) if rows else None

    return {
        "region": Counter(str(pk) for pk in filed.values_list("region_id", flat=True)),
        "theme": Counter(filed.values_list("theme", flat=True)),
        "state": Counter(filed.values_list("state", flat=True)),
        "priority": Counter(str(p) for p in filed.values_list("strategic_priority", flat=True) if p is not None),
        "triage": median(list(triaged.values_list("time_to_triage", flat=True))),
        "delivery": median(list(delivered.values_list("time_to_delivery", flat=True))),
    }


def _within_half_a_unit(tallied: timedelta | None, scanned: object) -> bool:
    if tallied is None or scanned is None:
        return tallied is None and scanned is None
    assert isinstance(scanned, timedelta)
    unit = timedelta(minutes=1 if scanned < timedelta(hours=1) else 60 if scanned < timedelta(hours=48) else 1440)
    return abs(tallied - scanned) <= unit / 2


@pytest.mark.parametrize("key", PERIODS)
def test_the_figures_from_the_tally_equal_a_scan_of_the_requests(world, key):
    now = datetime(2026, 8, 20, 12, 0, tzinfo=UTC)
    period = period_for(key, now=now)
    figures = steering_figures(period, now=now)
    scanned = _scanned(period.start)
    assert figures.total == sum(scanned["state"].values()) and figures.total
    assert {row.key: row.count for row in figures.by_region} == scanned["region"]
    assert {row.key: row.count for row in figures.by_theme} == scanned["theme"]
    assert {row.key: row.count for row in figures.by_state} == scanned["state"]
    assert {row.key: row.count for row in figures.by_priority} == scanned["priority"]
    # The medians from the histogram are the scan's within half the unit the page says them in.
    assert _within_half_a_unit(figures.median_to_triage, scanned["triage"])
    assert _within_half_a_unit(figures.median_to_delivery, scanned["delivery"])
    months = Counter(
        month_of(created)
        for created in SupportRequest.objects.exclude(state="draft").values_list("created_at", flat=True)
    )
    assert {row.month: row.filed for row in figures.by_month if row.filed} == {
        month: n for month, n in months.items() if month >= figures.by_month[0].month
    }


def test_every_move_keeps_the_tally_equal_to_a_recount(world):
    assert tally_differences() == []
    assert RequestTally.objects.filter(measure=Measure.CLOSED).exists()
    assert RequestTally.objects.filter(measure=Measure.DELIVERED, dimension="kind").exists()


def test_a_move_adds_to_the_tally_in_three_queries(net):
    request = net.request()
    with CaptureQueriesContext(connection) as captured:
        transition_perform(request=request, transition="submit", actor=net.focal)
    tally = [q["sql"] for q in captured.captured_queries if "workflows_requesttally" in q["sql"]]
    # The missing cells inserted (nothing on a conflict), the cells locked in one order, one update of them all.
    assert len(tally) == 3
    assert tally_differences() == []


def test_the_check_command_names_each_difference_and_the_rebuild_repairs_it(world):
    RequestTally.objects.filter(measure=Measure.FILED, dimension="state").update(n=0)
    assert tally_differences()
    err = StringIO()
    with pytest.raises(CommandError, match="differ from a recount"):
        call_command("tally_check", stderr=err, stdout=StringIO())
    assert "DIFFERS filed state=" in err.getvalue()
    out = StringIO()
    call_command("tally_rebuild", stdout=out)
    assert "Tally rebuilt" in out.getvalue()
    out = StringIO()
    call_command("tally_check", stdout=out)
    assert "equals a recount" in out.getvalue()
    assert tally_differences() == []


def test_durations_are_counted_as_the_pages_say_them():
    assert duration_bucket(timedelta(minutes=40, seconds=20)) == 40
    assert duration_bucket(timedelta(hours=5, minutes=10)) == 5 * 60
    assert duration_bucket(timedelta(days=6, hours=3)) == 6 * 24 * 60
    assert duration_bucket(timedelta(days=20_000)) == 3650 * 24 * 60
    # An even count takes the mean of the middle two, across buckets or within one.
    assert histogram_median({"1440": 1, "2880": 1, "5760": 1, "11520": 1}) == (timedelta(days=3), 4)
    assert histogram_median({"300": 3}) == (timedelta(hours=5), 3)
    assert histogram_median({}) == (None, 0)


def _quarter(moment: datetime) -> int:
    return (month_of(moment).month - 1) // 3 + 1


def _other_hub_requests(net) -> None:
    """Two requests of the other hub, in 2025: one triaged (declined), one waiting, so that the network's map
    (cells of every hub) differs from the first hub's."""
    people = {**net.people, "focal": focal_point(net.far_city), "hub": net.people["other_hub"]}
    moment = datetime(2025, 8, 4, 10, 0, tzinfo=UTC)
    for path in ("declined", "submitted"):
        with time_machine.travel(moment, tick=False):
            request = net.request(city=net.far_city, submitted_by=people["focal"], theme="young_cities")
        for transition, who in PATHS[path]:
            moment += timedelta(hours=30)
            with time_machine.travel(moment, tick=False):
                request = transition_perform(
                    request=request, transition=transition, actor=people[who], data=net.data(transition)
                )


def test_the_migration_counts_every_hubs_cells_from_the_hubs_cells(world, net):
    """Migration 0016 writes the needs page's cells of every hub from each hub's cells: the tally then equals a
    recount, whether those cells were missing or wrong (0013, run with today's code, writes them too)."""
    _other_hub_requests(net)
    every_hub = RequestTally.objects.filter(dimension=ALL_HUBS)
    assert every_hub.count() > 0
    every_hub.filter(measure=Measure.NEED_YEAR).delete()
    every_hub.filter(measure=Measure.ANSWER_QUARTER).update(n=99)
    assert tally_differences()
    migration = importlib.import_module("workflows.migrations.0016_need_tally_every_hub")
    migration.every_hub_cells_add(apps, None)
    assert tally_differences() == []


def _new_country(city) -> str:
    return "NZ" if str(city.country) != "NZ" else "FJ"


def test_a_city_moved_to_another_country_moves_its_requests_in_the_needs_map(world, net):
    """The desk's own edit of a city (``city_update``) moves its filed requests to the new country, in the same
    transaction; the tally then equals a recount, and the map counts them there."""
    filed = SupportRequest.objects.filter(city=net.city).exclude(state=RequestState.DRAFT).count()
    country = _new_country(net.city)
    record = {
        "name": net.city.name,
        "country": country,
        "is_member": net.city.is_member,
        "member_since": net.city.member_since,
        "principles_accepted_on": net.city.principles_accepted_on,
        "languages": list(net.city.languages),
    }
    city_update(city=net.city, actor=hub_staff(net.region), **record)
    assert tally_differences() == []
    counted = sum(needs_map(management(), year=year).by_country.get(country, Counts()).filed for year in (2025, 2026))
    assert counted == filed > 0


def test_an_admin_edit_of_a_citys_country_moves_its_requests_too(world, net, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/helpdesk/city/{net.city.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["country"] = _new_country(net.city)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert tally_differences() == []


@pytest.mark.parametrize("reader", ["hub", "management"])
def test_the_needs_map_from_the_tally_equals_a_scan_of_the_requests(world, net, reader):
    _other_hub_requests(net)
    person = hub_staff(net.region) if reader == "hub" else management()
    for year in (2025, 2026):
        needs = needs_map(person, year=year)
        rows = SupportRequest.objects.exclude(state=RequestState.DRAFT).filter(
            created_at__gte=datetime(year, 1, 1, tzinfo=timezone.get_default_timezone()),
            created_at__lt=datetime(year + 1, 1, 1, tzinfo=timezone.get_default_timezone()),
        )
        if reader == "hub":
            rows = rows.filter(region=net.region)
        scanned: Counter[tuple[str, str, int, str]] = Counter()
        for theme, country, created, state in rows.values_list("theme", "city__country", "created_at", "state"):
            scanned[(theme, country, _quarter(created), need_outcome(state))] += 1
        assert scanned  # both years hold filed requests
        tallied = {
            (theme, country, q, outcome): n
            for (theme, country, q), c in needs.cells.items()
            for outcome, n in ((MET, c.met), (UNMET, c.unmet), (OPEN, c.open))
            if n
        }
        assert tallied == dict(scanned)
        assert needs.total.filed == sum(scanned.values())
        # The page's year and quarter cells (of the hub, or of every hub) add up as the lines do.
        for (theme, country), counts in needs.by_theme_country.items():
            assert counts.filed == sum(n for (t, c, _q, _o), n in scanned.items() if (t, c) == (theme, country))
            assert counts.unmet == sum(scanned[(theme, country, q, UNMET)] for q in (1, 2, 3, 4))
        assert sum(c.filed for c in needs.by_theme_country.values()) == sum(scanned.values())
        for q, counts in needs.by_quarter.items():
            assert counts.filed == sum(n for (_t, _c, quarter, _o), n in scanned.items() if quarter == q)
            assert counts.met == sum(n for (_t, _c, quarter, o), n in scanned.items() if (quarter, o) == (q, MET))
        for theme, median in needs.median_by_theme.items():
            answered = list(
                rows.filter(theme=theme, time_to_triage__isnull=False).values_list("time_to_triage", flat=True)
            )
            assert needs.answered_by_theme[theme] == len(answered)
            assert _within_half_a_unit(median, statistics.median(answered))
        answered = list(rows.filter(time_to_triage__isnull=False).values_list("time_to_triage", flat=True))
        assert _within_half_a_unit(needs.median_total, statistics.median(answered) if answered else None)


def test_the_annual_report_from_the_tally_equals_a_scan_of_the_requests(world):
    for year in (2025, 2026):
        report = annual_report(year)
        start = datetime(year, 1, 1, tzinfo=timezone.get_default_timezone())
        end = datetime(year + 1, 1, 1, tzinfo=timezone.get_default_timezone())
        filed = SupportRequest.objects.exclude(state=RequestState.DRAFT).filter(
            created_at__gte=start, created_at__lt=end
        )
        delivered = SupportRequest.objects.filter(delivered_at__gte=start, delivered_at__lt=end)
        assert report.filed == filed.count()
        assert {row.key: row.count for row in report.filed_by_region} == Counter(
            str(pk) for pk in filed.values_list("region_id", flat=True)
        )
        assert {row.key: row.count for row in report.filed_by_theme} == Counter(filed.values_list("theme", flat=True))
        assert {row.key: row.count for row in report.delivered_by_kind} == Counter(
            delivered.values_list("kind", flat=True)
        )
        triaged = list(
            SupportRequest.objects.filter(
                triaged_at__gte=start, triaged_at__lt=end, time_to_triage__isnull=False
            ).values_list("time_to_triage", flat=True)
        )
        assert report.triaged_count == len(triaged)
        assert _within_half_a_unit(report.median_to_triage, statistics.median(triaged) if triaged else None)
