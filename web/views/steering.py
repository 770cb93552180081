"""The steering committee's page: aggregate figures only, never a request's content."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from helpdesk.models import Role
from web.charts import figures_charts_recent, outcome_chart_recent
from web.views.common import role_required
from workflows.outcome_stats import outcome_figures_recent
from workflows.stats import PERIODS, steering_figures_recent


def period_key(request: HttpRequest) -> str:
    key = request.GET.get("period", "12m")
    return key if key in PERIODS else "12m"


@role_required(Role.STEERING, Role.MANAGEMENT)
def figures(request: HttpRequest) -> HttpResponse:
    # Small counts suppressed, and no link to any queue: the steering committee has none.
    period, figures = steering_figures_recent(period_key(request))
    outcomes = outcome_figures_recent(period.key, suppressed=True)
    return render(
        request,
        "web/steering/figures.html",
        {
            "figures": figures,
            "charts": figures_charts_recent(figures, drill_down=False),
            "period": period,
            "outcomes": outcomes,
            "outcome_charts": [outcome_chart_recent(outcomes)],
        },
    )
