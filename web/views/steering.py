"""The steering committee's page: aggregate figures only, never a request's content."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Role
from web.views.common import role_required
from workflows.stats import PERIODS, steering_figures_recent


@role_required(Role.STEERING, Role.MANAGEMENT)
def figures(request: HttpRequest) -> HttpResponse:
    period_key = request.GET.get("period", "12m")
    period, figures = steering_figures_recent(period_key if period_key in PERIODS else "12m")
    tables = [
        (_("By hub"), figures.by_region),
        (_("By theme"), figures.by_theme),
        (_("By state"), figures.by_state),
    ]
    return render(
        request,
        "web/steering/figures.html",
        {"figures": figures, "figures_tables": tables, "period": period},
    )
