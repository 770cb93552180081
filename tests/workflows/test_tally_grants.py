"""The grant tally: kept by the moves that approve a grant or deliver a funded request, and by the admin's edits of
an application, in their transaction; equal to a recount; and giving the reports' grant lines a scan gives."""

from __future__ import annotations

import importlib
import json
from collections import defaultdict
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from helpdesk.models import StrategicPriority, SupportRequest
from tests.factories import FundEnvelopeFactory, UserFactory
from workflows.models import FundApplication, FundEnvelope, FundingSource, GrantTally, OutcomeTally
from workflows.outcome_stats import outcome_figures
from workflows.reports import annual_report, grant_report
from workflows.services import transition_perform
from workflows.tally import tally_differences, tally_rebuild
from workflows.tally_grants import grant_tally_differences
from workflows.tally_outcomes import outcome_tally_differences

pytestmark = pytest.mark.django_db


def _scanned(applications) -> dict[tuple[str, str, str], tuple[int, Decimal, Decimal]]:
    """The approved grants per hub, priority and currency as a scan of the applications gives them (what the
    reports read before the tally)."""
    lines: dict[tuple[str, str, str], list] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for region, priority, currency, amount, delivered in applications.filter(status="approved").values_list(
        "envelope__region_id", "strategic_priority", "currency", "amount_approved", "request__delivered_at"
    ):
        line = lines[(str(region), str(priority), currency)]
        line[0] += 1
        line[1] += amount
        line[2] += amount if delivered else 0
    return {key: tuple(line) for key, line in lines.items()}


def _funded(net, priority: int, *, deliver: bool):
    """A request walked to funding review (with an expert), its grant approved, then delivered or not."""
    request = net.at("funding_review_with_expert")
    FundApplication.objects.filter(request=request).update(strategic_priority=priority)
    request = transition_perform(request=request, transition="approve_funding", actor=net.mu)
    if deliver:
        request = transition_perform(
            request=request, transition="report_delivery", actor=net.expert, data=net.data("report_delivery")
        )
    return request


def test_approving_and_delivering_keep_the_tally_equal_to_a_recount_and_the_reports_to_a_scan(net):
    year = net.envelope.fiscal_year
    _funded(net, 4, deliver=True)
    _funded(net, 4, deliver=False)
    _funded(net, 2, deliver=True)
    net.at("funding_review")  # pending: counts nowhere
    assert grant_tally_differences() == []
    assert GrantTally.objects.count() == 2
    scanned = _scanned(FundApplication.objects.filter(envelope__fiscal_year=year))
    by_hub: dict[tuple[str, str], list] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    by_priority: dict[tuple[str, str], list] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for (hub, priority, currency), line in scanned.items():
        for group, key in ((by_hub, (hub, currency)), (by_priority, (priority, currency))):
            for i, value in enumerate(line):
                group[key][i] += value
    report = annual_report(year)
    assert {(r.key, r.currency): [r.grants, r.committed, r.disbursed] for r in report.grants_by_region} == by_hub
    assert {(r.key, r.currency): [r.grants, r.committed, r.disbursed] for r in report.grants_by_priority} == (
        by_priority
    )
    (hub_line,) = report.grants_by_region
    assert hub_line.grants == 3 and hub_line.committed == Decimal("30000") and hub_line.disbursed == Decimal("20000")
    assert [r.key for r in report.grants_by_priority] == ["2", "4"]
    assert report.grants_by_priority[0].label == str(StrategicPriority(2).label)


def test_the_donors_report_reads_the_envelopes_of_its_source_and_year(net):
    source = FundingSource.objects.create(code="eu", name="European Union")
    FundEnvelope.objects.filter(pk=net.envelope.pk).update(source=source)
    _funded(net, 4, deliver=True)
    _funded(net, 2, deliver=False)
    elsewhere = FundEnvelopeFactory(
        region=net.other_region, fiscal_year=net.envelope.fiscal_year, amount=Decimal("50000")
    )
    other = _funded(net, 3, deliver=True)  # paid from an envelope of no source
    FundApplication.objects.filter(request=other).update(envelope=elsewhere)
    tally_rebuild()  # moved straight in the table
    report = grant_report(source, net.envelope.fiscal_year)
    (total,) = report.totals
    assert (total.grants, total.committed, total.disbursed) == (2, Decimal("20000"), Decimal("10000"))
    assert grant_report(source, net.envelope.fiscal_year - 1).totals == []
    # Its outcomes: those of the requests its grants paid for, from the outcome tally's cells of its envelopes, as
    # a scan of those requests gives them.
    paid = FundApplication.objects.filter(status="approved", envelope__source=source).values("request_id")
    scanned = outcome_figures(SupportRequest.objects.filter(pk__in=paid))
    assert report.outcomes == scanned
    assert sum(row.planned or 0 for row in scanned.rows) == 2


def test_a_request_a_donor_paid_for_twice_counts_once_in_its_report(net):
    """A top-up grant from the same envelope, and another from the donor's envelope of another hub: the donor's
    report counts the request's outcomes once, as a scan of the requests it paid for does (the report adds up its
    envelopes' cells)."""
    source = FundingSource.objects.create(code="eu", name="European Union")
    FundEnvelope.objects.filter(pk=net.envelope.pk).update(source=source)
    other = FundEnvelopeFactory(region=net.other_region, fiscal_year=net.envelope.fiscal_year, source=source)
    request = _funded(net, 4, deliver=True)
    _funded(net, 2, deliver=True)
    first = FundApplication.objects.get(request=request)
    for envelope in (net.envelope, other):
        FundApplication.objects.create(
            request=request,
            envelope=envelope,
            amount_requested=Decimal("2000"),
            amount_approved=Decimal("2000"),
            currency=first.currency,
            strategic_priority=4,
            status="approved",
        )
    tally_rebuild()  # the grants written straight to the table
    report = grant_report(source, net.envelope.fiscal_year)
    paid = FundApplication.objects.filter(status="approved", envelope__source=source).values("request_id")
    scanned = outcome_figures(SupportRequest.objects.filter(pk__in=paid))
    assert report.outcomes == scanned
    assert sum(row.planned or 0 for row in report.outcomes.rows) == sum(row.planned or 0 for row in scanned.rows) > 0
    assert sum(row.grants or 0 for row in report.totals) == 4  # the grants themselves all count
    assert tally_differences() == []
    # Cells written before counted the request again for each grant: migration 0018 recounts them.
    OutcomeTally.objects.filter(fund=net.envelope.pk).update(n=F("n") * 2, total=F("total") * 2)
    assert outcome_tally_differences()
    importlib.import_module("workflows.migrations.0018_outcome_tally_fund_once").outcome_tally_recount(apps, None)
    assert outcome_tally_differences() == [] and grant_report(source, net.envelope.fiscal_year).outcomes == scanned


def test_a_move_that_approves_nothing_reads_nothing_of_the_grants(net):
    request = net.at("submitted")
    with CaptureQueriesContext(connection) as queries:
        transition_perform(request=request, transition="request_info", actor=net.hub, data=net.data("request_info"))
    assert not any("grant" in q["sql"] for q in queries.captured_queries)


def test_an_admin_edit_or_deletion_of_an_approved_grant_moves_it_in_the_tally(net, client):
    request = _funded(net, 4, deliver=True)
    application = FundApplication.objects.get(request=request)
    other = FundEnvelopeFactory(region=net.region, fiscal_year=net.envelope.fiscal_year - 1, amount=Decimal("50000"))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/workflows/fundapplication/{application.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: field.value() for name, field in ((n, form[n]) for n in form.fields)}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(envelope=other.pk, strategic_priority=1, budget_lines=json.dumps(application.budget_lines))
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert grant_tally_differences() == []
    assert list(GrantTally.objects.filter(grants__gt=0).values_list("envelope_id", "priority")) == [(other.pk, 1)]
    assert client.post(f"/admin/workflows/fundapplication/{application.pk}/delete/", {"post": "yes"}).status_code == 302
    assert grant_tally_differences() == [] and not GrantTally.objects.filter(grants__gt=0).exists()


def test_the_check_names_a_difference_and_the_rebuild_repairs_it(net):
    _funded(net, 4, deliver=True)
    GrantTally.objects.update(committed=1)
    (difference,) = tally_differences()
    assert "grants" in str(difference) and difference.recounted == (1, 1_000_000, 1_000_000)
    tally_rebuild()
    assert tally_differences() == []
