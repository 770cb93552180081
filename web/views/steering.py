"""The steering committee's page: aggregate figures only, never a request's content."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Role
from web.views.common import role_required
from workflows.stats import period_for, steering_figures


@role_required(Role.STEERING, Role.MANAGEMENT)
def figures(request: HttpRequest) -> HttpResponse:
    period = period_for(request.GET.get("period", "12m"))
    figures = steering_figures(period)
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
