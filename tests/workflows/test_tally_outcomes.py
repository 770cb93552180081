"""The outcome tally: kept by every move that writes an outcome, in its transaction, equal to a recount, and
giving the outcome figures and the average rating a scan gives."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.models import Avg, Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.models import Indicator, RequestState, SupportRequest
from tests.factories import CityFactory, IndicatorFactory, SupportRequestFactory, UserFactory
from tests.workflows.conftest import PATHS
from workflows.models import Evaluation, FollowUp, OutcomeTally, OutcomeTarget, OutcomeValue
from workflows.outcome_stats import outcome_figures, outcome_figures_tallied
from workflows.reports import annual_report
from workflows.services import outcomes_followups_run, transition_perform
from workflows.stats import FILED, PERIODS, period_for
from workflows.tally import month_of, tally_differences, tally_rebuild
from workflows.tally_outcomes import contribution_of, outcome_tally_differences, ratings

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 5)
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def _value(target, stage, value, follow_up=None):
    return OutcomeValue.objects.create(target=target, stage=stage, value=Decimal(value), follow_up=follow_up)


def _follow_up(request, months, status, *, due):
    return FollowUp.objects.create(request=request, months=months, due_on=due, status=status)


@pytest.fixture
def varied():
    """Requests filed over two years with every unit, direction, stage and follow-up status, evaluations in
    several months, a draft and a check-in after an incident (neither counts), written straight to the tables."""
    units = [("count", True), ("yes_no", True), ("percentage", True), ("scale", False), ("count", False)]
    indicators = [
        IndicatorFactory(unit=unit, higher_is_better=higher, priority=1 + i % 3)
        for i, (unit, higher) in enumerate(units)
    ]
    IndicatorFactory(is_active=False)  # retired and never planned: left out
    retired = IndicatorFactory(unit="count")
    statuses = ["answered", "missed", "open"]
    for i in range(40):
        created = NOW - timedelta(days=17 * i + 3)
        state = RequestState.DRAFT if i == 7 else RequestState.CLOSED
        request = SupportRequestFactory(city=CityFactory(), state=state)
        SupportRequest.objects.filter(pk=request.pk).update(created_at=created)
        planned = [indicators[i % 5], indicators[(i + 2) % 5]] + ([retired] if i % 11 == 0 else [])
        for j, indicator in enumerate(planned):
            target = OutcomeTarget.objects.create(
                request=request, indicator=indicator, target=None if (i + j) % 6 == 0 else Decimal(10 + i % 4)
            )
            if (i + j) % 4 != 3:
                _value(target, "delivered", "1" if indicator.unit == "yes_no" else str(8 + (i * 3 + j) % 6))
            if (i + j) % 3 == 0:
                _value(target, "confirmed", "0" if indicator.unit == "yes_no" else f"{9 + i % 5}.25")
        for months in (3, 6)[: 1 + i % 2]:
            status = statuses[(i + months) % 3]
            # Open ones both past their date (missing) and still in time, by a day either side of today.
            due = TODAY + timedelta(days=(-1, 0, 1, -40)[i % 4]) if status == "open" else TODAY - timedelta(days=90)
            follow_up = _follow_up(request, months, status, due=due)
            if status == "answered":
                for k, target in enumerate(OutcomeTarget.objects.filter(request=request).select_related("indicator")):
                    if target.indicator.unit == "yes_no":
                        _value(target, "sustained", str((i + k) % 2), follow_up)
                    else:
                        _value(target, "sustained", f"{3 + (i * 7 + k) % 5}.{(i + k) % 2 * 5}", follow_up)
        check_in = FollowUp.objects.create(request=request, kind="incident", days=14, due_on=TODAY, status="answered")
        _value(OutcomeTarget.objects.filter(request=request).first(), "sustained", "2", check_in)
        if i % 3 and state != RequestState.DRAFT:
            evaluation = Evaluation.objects.create(
                request=request, rating=1 + i % 5, outcomes="…", would_recommend=i % 4 != 1
            )
            Evaluation.objects.filter(pk=evaluation.pk).update(created_at=created + timedelta(days=20 + i))
    tally_rebuild()  # written straight to the tables, as a bulk load is
    return indicators


@pytest.mark.parametrize("key", PERIODS)
@pytest.mark.parametrize("today", [TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1)])
def test_the_outcome_figures_from_the_tally_equal_a_scan(varied, key, today):
    with time_machine.travel(NOW, tick=False):
        period = period_for(key)
    requests = SupportRequest.objects.filter(FILED)
    if period.start is not None:
        requests = requests.filter(created_at__gte=period.start)
    scanned = outcome_figures(requests, today=today)
    tallied = outcome_figures_tallied(since=month_of(period.start) if period.start else None, today=today)
    assert tallied == scanned
    # The world is varied enough to mean something: reached, missing and sustained values on several lines.
    assert sum(row.reached or 0 for row in scanned.rows) > 3
    assert sum(p.missing or 0 for p in scanned.follow_ups) > 2
    assert sum(1 for row in scanned.rows for p in row.points if p.value is not None) > 4


@pytest.mark.parametrize("key", PERIODS)
def test_the_average_rating_from_the_tally_equals_a_scan(varied, key):
    with time_machine.travel(NOW, tick=False):
        period = period_for(key)
    evaluations = Evaluation.objects.all()
    if period.start is not None:
        evaluations = evaluations.filter(created_at__gte=period.start)
    scanned = evaluations.aggregate(average=Avg("rating"), count=Count("*"))
    assert scanned["count"] > 0
    assert ratings(since=period.start) == (pytest.approx(float(scanned["average"])), scanned["count"])


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_annual_report_reads_its_outcomes_and_evaluations_from_the_tally_as_a_scan_gives_them(varied, year):
    zone = timezone.get_default_timezone()
    start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    with time_machine.travel(NOW, tick=False):
        report = annual_report(year)
    filed = SupportRequest.objects.filter(FILED, created_at__gte=start, created_at__lt=end)
    assert report.outcomes == outcome_figures(filed, today=TODAY)
    assert sum(row.planned or 0 for row in report.outcomes.rows) > 5
    scanned = Evaluation.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        average=Avg("rating"), count=Count("*"), recommend=Count("pk", filter=Q(would_recommend=True))
    )
    assert 0 < scanned["recommend"] < scanned["count"]
    assert report.evaluations == scanned["count"]
    assert report.average_rating == pytest.approx(float(scanned["average"]))
    assert report.recommend_share == pytest.approx(scanned["recommend"] / scanned["count"])


def test_the_check_names_a_difference_and_the_rebuild_repairs_it(varied):
    assert outcome_tally_differences() == []
    cell = OutcomeTally.objects.filter(measure="sustained").first()
    OutcomeTally.objects.filter(pk=cell.pk).update(total=cell.total + 5)
    (difference,) = tally_differences()
    assert difference.key[0] == "outcome sustained total" and difference.recounted == cell.total
    tally_rebuild()
    assert tally_differences() == []


def _checked() -> None:
    assert outcome_tally_differences() == []


def test_every_move_that_writes_outcomes_keeps_the_tally_equal_to_a_recount(net, settings):
    settings.OUTCOMES_FOLLOW_UP_MONTHS = [3, 6]
    settings.OUTCOMES_MISSED_DAYS = 60
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    planned = [{"indicator": net.indicator.pk, "baseline": "2", "target": "10"}]
    # Planned when routed to experts, then planned again with another target when routed to the fund.
    with time_machine.travel(start, tick=False):
        request = net.request()
        for transition, who in PATHS["in_delivery"]:
            data = (
                net.data(transition, indicators=planned) if transition == "route_to_experts" else net.data(transition)
            )
            request = transition_perform(request=request, transition=transition, actor=net.people[who], data=data)
            _checked()
        replanned = net.at("funding_review_with_expert")
        _checked()
    assert OutcomeTarget.objects.filter(request=replanned).count() == 1

    def move(transition: str, who: str, at: datetime, **data: object) -> None:
        with time_machine.travel(at, tick=False):
            transition_perform(
                request=SupportRequest.objects.get(pk=request.pk),
                transition=transition,
                actor=net.people[who],
                data=net.data(transition, **data),
            )
        _checked()

    value = [{"indicator": net.indicator.pk, "value": "12"}]
    move("report_delivery", "expert", start + timedelta(days=10), values=value)
    move("evaluate", "focal", start + timedelta(days=13), values=[{"indicator": net.indicator.pk, "value": "8"}])
    delivered = SupportRequest.objects.get(pk=request.pk).delivered_at
    for at, expected in [(90, "open"), (91, None), (182, "open"), (182 + 60, "missed")]:
        with time_machine.travel(delivered + timedelta(days=at), tick=False):
            outcomes_followups_run()
        _checked()
        if expected is None:
            move("answer_follow_up", "focal", delivered + timedelta(days=at), values=value)
    assert list(FollowUp.objects.filter(request=request).values_list("months", "status")) == [
        (3, "answered"),
        (6, "missed"),
    ]
    with time_machine.travel(NOW, tick=False):
        figures = outcome_figures_tallied(since=None, today=TODAY)
    (row,) = [row for row in figures.rows if row.indicator_id == net.indicator.pk]
    # The replanned request counts too (planned, nothing delivered); 8 confirmed misses the target of 10.
    assert (row.planned, row.delivered, row.confirmed, row.reached) == (2, 1, 1, 0)
    assert [(p.asked, p.answered, p.missing, p.value) for p in row.points] == [
        (1, 1, 0, Decimal("12")),
        (1, 0, 1, None),
    ]
    assert ratings(since=None) == (4.0, 1)


def test_a_move_that_writes_outcomes_reads_the_request_twice_and_adds_in_three_queries(net):
    request = net.at("in_delivery")
    data = net.data("report_delivery")
    with CaptureQueriesContext(connection) as plain:
        request = transition_perform(request=request, transition="report_delivery", actor=net.expert, data=data)
    assert not any("outcometally" in q["sql"] for q in plain.captured_queries)  # nothing planned, nothing written
    with CaptureQueriesContext(connection) as written:
        transition_perform(request=request, transition="evaluate", actor=net.focal, data=net.data("evaluate"))
    tally = [q["sql"] for q in written.captured_queries if "outcometally" in q["sql"]]
    assert len(tally) == 3  # insert the missing cells, lock them in order, add
    month = month_of(timezone.now())
    assert contribution_of(SupportRequest.objects.get(pk=request.pk)).nonzero() == {
        (month, 0, 0, "rated", None, 0): (1, 400),
        (month, 0, 0, "recommended", None, 0): (1, 0),
    }


def test_an_edit_of_the_indicator_catalogue_changes_no_cell_and_the_figures_follow_it(varied):
    """What "reached" means is read with the figures (the unit and direction as the catalogue says them now)."""
    count, yes_no = varied[0], varied[1]
    Indicator.objects.filter(pk=count.pk).update(higher_is_better=False)
    Indicator.objects.filter(pk=yes_no.pk).update(unit="count")
    assert outcome_tally_differences() == []
    scanned = outcome_figures(SupportRequest.objects.filter(FILED), today=TODAY)
    assert outcome_figures_tallied(since=None, today=TODAY) == scanned


def test_an_admin_edit_or_deletion_of_an_evaluation_moves_the_average_rating(client):
    request = SupportRequestFactory(city=CityFactory(), state=RequestState.CLOSED)
    evaluation = Evaluation.objects.create(request=request, rating=2, outcomes="Some.", would_recommend=False)
    tally_rebuild()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/workflows/evaluation/{evaluation.pk}/change/"
    form = {"request": request.pk, "rating": 5, "outcomes": "Some.", "would_recommend": "on", "comments": ""}
    assert client.post(url, form).status_code == 302
    assert outcome_tally_differences() == [] and ratings(since=None) == (5.0, 1)
    assert client.post(f"/admin/workflows/evaluation/{evaluation.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Evaluation.objects.exists()
    assert outcome_tally_differences() == [] and ratings(since=None) == (None, 0)
