"""The reports: the annual report to the steering committee and the grant report per funding source.

Who sees what: the steering committee reads both with small counts suppressed and never a link to a request;
the management unit reads every figure as it is, each line linked to the matching hub queue (its drill-down),
and may download the committee's copy (``?copy=steering``) to hand on. A donor's report is the management
unit's to send; the steering committee may read its suppressed copy. Both pages download as Excel
(``?format=xlsx``) and print (``desk.css``'s print rules).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext

from helpdesk.models import Role, User
from web.charts import Chart, charts_recent, outcome_chart, queue_url, ranked_chart
from web.downloads import xlsx_response
from web.reports_xlsx import annual_tables, grant_tables
from web.views.common import role_required, signed_in
from workflows.models import FundingSource
from workflows.reports import (
    annual_report_recent,
    grant_report_recent,
    report_sources,
    report_years,
)

FIRST_YEAR, LAST_YEAR = 2000, 2100  # a year outside these is no report: 404 before any query
STEERING_COPY = "steering"


def reads_every_figure(user: User, copy: str | None) -> bool:
    """Every figure as it is: the management unit's own copy (not the committee's it asked to see with
    ``copy=steering``); the pages and the API both ask."""
    return user.has_role(Role.MANAGEMENT) and copy != STEERING_COPY


def _full(request: HttpRequest) -> bool:
    return reads_every_figure(signed_in(request), request.GET.get("copy"))


def report_year(year: int) -> int:
    """The year of a report's address; 404 before any query for one outside ``FIRST_YEAR``–``LAST_YEAR``."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


@role_required(Role.STEERING, Role.MANAGEMENT)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "web/reports/index.html", {"years": report_years(), "sources": report_sources()})


@role_required(Role.STEERING, Role.MANAGEMENT)
def annual(request: HttpRequest, year: int) -> HttpResponse:
    full = _full(request)
    report = annual_report_recent(report_year(year), suppressed=not full)
    copy = "" if full or not signed_in(request).has_role(Role.MANAGEMENT) else STEERING_COPY
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            annual_tables(report), f"annual-report-{year}{'-committee' if report.suppressed else ''}.xlsx"
        )
    # The management unit's bars open the matching queue: requests filed in the year for the lines that count them
    # (the queue filters by filing date); support given by kind counts deliveries, which the queue cannot bound.
    filed = {"filed_from": f"{year}-01-01", "filed_before": f"{year + 1}-01-01"}
    by_hub = (lambda row: queue_url(region=row.key, **filed)) if full else None
    by_kind = (lambda row: queue_url(kind=row.key)) if full else None

    def draw() -> list[Chart]:
        return [
            ranked_chart("hubs", gettext("Requests by hub"), gettext("Hub"), report.filed_by_region, url_for=by_hub),
            ranked_chart(
                "kinds",
                gettext("Support given by kind"),
                gettext("Kind of support"),
                report.delivered_by_kind,
                url_for=by_kind,
            ),
            outcome_chart(report.outcomes),
        ]

    *charts, outcomes_chart = charts_recent(
        f"annual:{year}:{int(full)}:{int(report.suppressed)}", report.computed_at, draw
    )
    return render(
        request,
        "web/reports/annual.html",
        {
            "report": report,
            "drill_down": full,
            "filed_in_year": urlencode(filed),
            "copy": copy,
            "years": report_years(),
            "charts": charts,
            "outcomes": report.outcomes,
            "outcome_charts": [outcomes_chart],
        },
    )


@role_required(Role.STEERING, Role.MANAGEMENT)
def grants(request: HttpRequest, source: str, year: int) -> HttpResponse:
    funding_source = get_object_or_404(FundingSource, code=source)
    full = _full(request)
    report = grant_report_recent(funding_source, report_year(year), suppressed=not full)
    copy = "" if full or not signed_in(request).has_role(Role.MANAGEMENT) else STEERING_COPY
    if request.GET.get("format") == "xlsx":
        committee = "-committee" if report.suppressed else ""
        return xlsx_response(grant_tables(report), f"grant-report-{funding_source.code}-{year}{committee}.xlsx")
    return render(
        request,
        "web/reports/grants.html",
        {
            "report": report,
            "drill_down": full,
            "copy": copy,
            "outcomes": report.outcomes,
            "outcome_charts": charts_recent(
                f"grants:{funding_source.pk}:{year}:{int(report.suppressed)}",
                report.computed_at,
                lambda: [outcome_chart(report.outcomes)],
            ),
        },
    )
