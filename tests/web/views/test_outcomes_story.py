"""One grant's outcomes from the hub's plan to the reports: routed to the fund with two key indicators, approved,
delivered with the values reached, confirmed (and corrected) by the city, the 3-month follow-up answered, the
6-month one reminded, escalated and left unanswered; then the annual report, the donor's report and their
workbooks read exactly those values, and count the missing follow-up as missing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from notifications.models import Notification
from tests.factories import IndicatorFactory
from tests.workflows.conftest import net  # noqa: F401  (the fixture)
from workflows.models import FollowUp, FundingSource
from workflows.reports import annual_report, grant_report
from workflows.services import outcomes_followups_run, transition_perform

pytestmark = pytest.mark.django_db

FILED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.OUTCOMES_FOLLOW_UP_MONTHS = [3, 6]
    settings.OUTCOMES_REMINDER_DAYS = 14
    settings.OUTCOMES_ESCALATION_DAYS = 28
    settings.OUTCOMES_MISSED_DAYS = 60
    cache.clear()
    yield
    cache.clear()


def _at(moment: datetime, request, transition: str, actor, **data):
    with time_machine.travel(moment, tick=False):
        return transition_perform(request=request, transition=transition, actor=actor, data=data)


def _run(moment: datetime):
    with time_machine.travel(moment, tick=False):
        return outcomes_followups_run()


def test_a_grant_walked_from_its_plan_through_both_follow_ups_reads_the_same_on_every_report(net, client):  # noqa: F811
    trained = IndicatorFactory(code="staff-trained", name="Municipal staff trained", unit="count", priority=4)
    plan = IndicatorFactory(code="plan-adopted", name="Prevention plan adopted", unit="yes_no", priority=4)
    source = FundingSource.objects.create(code="eu", name="European Union", name_fr="Union européenne")
    net.envelope.source = source
    net.envelope.save(update_fields=["source"])
    fund = net.data(
        "route_to_funding",
        indicators=[
            {"indicator": trained.pk, "baseline": "3", "target": "12"},
            {"indicator": plan.pk, "baseline": "0", "target": "1"},
        ],
    )
    with time_machine.travel(FILED, tick=False):
        request = net.request()
        request = transition_perform(request=request, transition="submit", actor=net.focal)
    request = _at(FILED + timedelta(days=2), request, "route_to_funding", net.hub, **fund)
    request = _at(FILED + timedelta(days=5), request, "approve_funding", net.mu)
    delivered_on = FILED + timedelta(days=40)
    request = _at(
        delivered_on,
        request,
        "report_delivery",
        net.hub,
        report="<p>Two training cycles held; the council adopted the plan.</p>",
        values=[{"indicator": trained.pk, "value": "14"}, {"indicator": plan.pk, "value": "1"}],
    )
    # The city corrects the count it was given: eleven, not fourteen, still work on it.
    request = _at(
        delivered_on + timedelta(days=3),
        request,
        "evaluate",
        net.focal,
        **net.data("evaluate"),
        values=[{"indicator": trained.pk, "value": "11"}, {"indicator": plan.pk, "value": "1"}],
    )
    assert request.state == "closed"

    # Three months after delivery the city is asked, and answers.
    three = delivered_on + timedelta(days=91)
    assert _run(three).opened == 1
    request = _at(
        three + timedelta(days=2),
        request,
        "answer_follow_up",
        net.focal,
        values=[{"indicator": trained.pk, "value": "9"}, {"indicator": plan.pk, "value": "1"}],
        what_changed="<p>The plan is in force; two officers moved to other services.</p>",
    )
    # Six months after: asked, reminded, the hub told, then counted as not answered.
    six = delivered_on + timedelta(days=183)
    assert _run(six).opened == 1
    assert _run(six + timedelta(days=15)).reminded == 1
    assert _run(six + timedelta(days=29)).escalated == 1
    assert _run(six + timedelta(days=61)).missed == 1
    assert _run(six + timedelta(days=61)) == _run(six + timedelta(days=62))  # nothing more to do, twice
    assert dict(FollowUp.objects.filter(request=request).values_list("months", "status")) == {
        3: "answered",
        6: "missed",
    }
    assert Notification.objects.filter(request=request, event="follow_up_escalated", recipient=net.hub).exists()

    # The annual report (the management unit's copy) reads those values.
    report = annual_report(2026)
    rows = {row.code: row for row in report.outcomes.rows}
    count, yes_no = rows["staff-trained"], rows["plan-adopted"]
    assert (count.planned, count.delivered, count.confirmed, count.reached) == (1, 1, 1, 0)  # 11 < 12
    assert (yes_no.planned, yes_no.delivered, yes_no.confirmed, yes_no.reached) == (1, 1, 1, 1)
    points = {point.months: point for point in count.points}
    assert (points[3].asked, points[3].answered, points[3].missing, points[3].value) == (1, 1, 0, Decimal("9"))
    assert (points[6].asked, points[6].answered, points[6].missing, points[6].value) == (1, 0, 1, None)
    overall = {point.months: point for point in report.outcomes.follow_ups}
    assert (overall[3].answered, overall[6].missing) == (1, 1)
    assert report.evaluations == 1

    # The donor's report: one grant from the EU's envelope, delivered, with the same outcomes.
    donor = grant_report(source, net.envelope.fiscal_year)
    assert donor.grants == 1
    assert [(t.currency, t.grants, t.committed, t.disbursed) for t in donor.totals] == [
        ("EUR", 1, Decimal("10000.00"), Decimal("10000.00"))
    ]
    reached = {row.code: row.reached for row in donor.outcomes.rows if row.planned}
    assert reached == {"staff-trained": 0, "plan-adopted": 1}

    # The page and its workbook show the same figures to the management unit.
    client.force_login(net.mu)
    url = reverse("report-annual", args=[2026])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["report"].outcomes.rows == report.outcomes.rows
    book = load_workbook(BytesIO(client.get(url, {"format": "xlsx"}).content))
    outcomes = [list(row) for row in book["Outcomes"].iter_rows(values_only=True)]
    line = next(row for row in outcomes if "Municipal staff trained" in row)
    assert line[line.index("Municipal staff trained") + 2 :][:4] == [1, 1, 1, 0]
    follow_ups = [list(row) for row in book["Follow-ups"].iter_rows(values_only=True)]
    assert ["Municipal staff trained", "after 3 months", 1, 1, 0, 9] in follow_ups
    assert ["Municipal staff trained", "after 6 months", 1, 0, 1, None] in follow_ups  # missing, not invented
