"""What the lifecycle does when the domain tells it something: connected in ``WorkflowsConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from helpdesk.retention import admin_history_scrub
from workflows.models import DeliveryReport, Evaluation, ExpertAssignment, FollowUp, FundApplication
from workflows.tally import tally_city_moved


def on_city_country_changed(sender: Any, *, city_id: int, before: str, **kwargs: Any) -> None:
    """A city's country changed: its requests move to the new country in the needs map's tally."""
    tally_city_moved(city_id=city_id, before=before)


def on_requests_anonymised(sender: Any, *, request_ids: list[int], **kwargs: Any) -> None:
    """Blank the free text people wrote in the lifecycle's rows of anonymised requests (inside the retention
    job's transaction): conflict declarations and the reasons of their waivers, decline reasons, fund
    justifications, conditions and budget labels, delivery reports, evaluation outcomes and comments, what the city
    said changed at a follow-up. Amounts, ratings, indicator values and dates stay."""
    engaged: dict[type[Model], list[int]] = {
        model: list(model.objects.filter(request_id__in=request_ids).values_list("pk", flat=True))
        for model in (ExpertAssignment, FundApplication, DeliveryReport, Evaluation, FollowUp)
    }
    ExpertAssignment.objects.filter(request_id__in=request_ids).update(
        conflict_of_interest="", decline_reason="", waiver_reason=""
    )
    FundApplication.objects.filter(request_id__in=request_ids).update(
        justification="", conditions="", decision_reason="", budget_lines=[]
    )
    DeliveryReport.objects.filter(request_id__in=request_ids).update(report="")
    Evaluation.objects.filter(request_id__in=request_ids).update(outcomes="", comments="", author=None)
    FollowUp.objects.filter(request_id__in=request_ids).update(what_changed="", still_needed="", answered_by=None)
    admin_history_scrub(engaged)
