"""The management unit's pages: fund applications with envelopes, the cross-hub overview, access logs."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from helpdesk.access import can
from helpdesk.models import Role
from helpdesk.selectors import access_log_for, intake_deflection
from web import presenters
from web.charts import figures_charts_recent, outcome_chart_recent
from web.lists.fund import fund_queue as fund_queue_read
from web.params import parse_id
from web.views.common import request_or_404, role_required, signed_in
from web.views.steering import period_key
from workflows.outcome_stats import outcome_figures_recent
from workflows.stats import hub_overview, management_figures_recent

# The new-request form's suggestions, counted over this many days on the overview.
DEFLECTION_DAYS = 90


@role_required(Role.MANAGEMENT)
def fund_queue(request: HttpRequest) -> HttpResponse:
    year = parse_id(request.GET.get("year", ""))
    fiscal_year = year if year is not None and 2000 <= year <= 2100 else None
    queue = fund_queue_read(
        signed_in(request), fiscal_year=fiscal_year, after=request.GET.get("after"), before=request.GET.get("before")
    )
    return render(request, "web/management/fund_queue.html", {"queue": queue, "page": queue.page})


@role_required(Role.MANAGEMENT)
def overview(request: HttpRequest) -> HttpResponse:
    # Every count as it is (the management unit sees every request), each bar and line linked to its queue.
    period, figures = management_figures_recent(period_key(request))
    outcomes = outcome_figures_recent(period.key, suppressed=False)
    return render(
        request,
        "web/management/overview.html",
        {
            "regions": hub_overview(),
            "charts": figures_charts_recent(figures, drill_down=True),
            "period": period,
            "outcomes": outcomes,
            "outcome_charts": [outcome_chart_recent(outcomes)],
            "deflection": intake_deflection(days=DEFLECTION_DAYS),
        },
    )


@role_required(Role.MANAGEMENT)
def access_log(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in(request)
    support_request = request_or_404(user, reference)
    if not can(user, "view_access_log", support_request):
        raise Http404
    entries = access_log_for(support_request, user)[:500]
    return render(
        request,
        "web/management/access_log.html",
        {"req": support_request, "view": presenters.request_view(support_request, user), "entries": entries},
    )
