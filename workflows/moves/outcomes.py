"""Outcomes as the moves record them: the indicators planned when the hub routes support, and the values
reached at delivery, confirmed by the city's evaluation and still standing at each follow-up.

Every step runs inside the move's transaction, so its rows and the move's audit row are written together (the
audit row carries the ids and counts the handler puts in ``move.record``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from helpdesk.models import Indicator, SupportRequest
from workflows.errors import TransitionRefused
from workflows.models import FollowUp, OutcomeTarget, OutcomeValue
from workflows.moves.base import Move
from workflows.tally_outcomes import outcome_tally_mark


def _refuse(move: Move, field: str, message: str) -> TransitionRefused:
    return TransitionRefused(message, code="invalid_data", transition=move.spec.name, fields={field: message})


def _value(move: Move, field: str, indicator: Indicator, raw: str | None) -> Decimal | None:
    if raw is None:
        return None
    try:
        return indicator.clean_value(raw)
    except ValueError as exc:
        raise _refuse(move, field, f"{indicator.localized_name}: {exc}") from None


def outcomes_plan(request: SupportRequest, move: Move, field: str = "indicators") -> list[int]:
    """Record the indicators ``move.data[field]`` names as the request's planned outcomes (a baseline and a
    target where given); an indicator planned before keeps its row and takes the new figures. Returns the
    indicators' ids."""
    rows: Sequence[dict[str, Any]] = move.data.get(field) or []
    if not rows:
        return []
    wanted = [row["indicator"] for row in rows]
    indicators = Indicator.objects.in_bulk(wanted)
    if len(indicators) != len(wanted) or any(not indicators[pk].is_active for pk in wanted):
        raise _refuse(move, field, _("Choose indicators from the catalogue."))
    planned = {t.indicator_id: t for t in OutcomeTarget.objects.filter(request_id=request.pk, indicator_id__in=wanted)}
    new: list[OutcomeTarget] = []
    changed: list[OutcomeTarget] = []
    for row in rows:
        indicator = indicators[row["indicator"]]
        baseline = _value(move, field, indicator, row.get("baseline"))
        target = _value(move, field, indicator, row.get("target"))
        kept = planned.get(indicator.pk)
        if kept is None:
            new.append(
                OutcomeTarget(
                    request_id=request.pk,
                    indicator=indicator,
                    baseline=baseline,
                    target=target,
                    planned_by=move.actor,
                    created_at=move.now,
                )
            )
        elif (kept.baseline, kept.target) != (baseline, target):
            kept.baseline, kept.target = baseline, target
            changed.append(kept)
    outcome_tally_mark(request, move)
    OutcomeTarget.objects.bulk_create(new)
    if changed:
        OutcomeTarget.objects.bulk_update(changed, ["baseline", "target"])
    move.record["indicators"] = wanted
    return wanted


def planned_targets(request: SupportRequest) -> dict[int, OutcomeTarget]:
    """The request's planned outcomes by indicator id, with their indicators."""
    targets = OutcomeTarget.objects.filter(request_id=request.pk).select_related("indicator")
    return {t.indicator_id: t for t in targets}


def outcome_values_record(
    request: SupportRequest,
    move: Move,
    *,
    stage: OutcomeValue.Stage,
    field: str = "values",
    follow_up: FollowUp | None = None,
) -> int:
    """Record the values ``move.data[field]`` gives for the request's planned indicators at ``stage``; a value
    left blank is unknown and writes nothing. Returns how many values were recorded (also in the audit row)."""
    rows: Sequence[dict[str, Any]] = move.data.get(field) or []
    if not rows:
        move.record[f"{stage}_values"] = 0
        return 0
    targets = planned_targets(request)
    values: list[OutcomeValue] = []
    for row in rows:
        target = targets.get(row["indicator"])
        if target is None:
            raise _refuse(move, field, _("Give values only for the indicators this support planned."))
        value = _value(move, field, target.indicator, row.get("value"))
        if value is None:
            continue
        values.append(
            OutcomeValue(
                target=target,
                stage=stage,
                follow_up=follow_up,
                value=value,
                recorded_by=move.actor,
                recorded_at=move.now,
            )
        )
    outcome_tally_mark(request, move)
    # A stage recorded twice (a delivery reported again after a correction) keeps the newest figures.
    if follow_up is None:
        OutcomeValue.objects.filter(target__in=[v.target for v in values], stage=stage, follow_up=None).delete()
    OutcomeValue.objects.bulk_create(values)
    move.record[f"{stage}_values"] = len(values)
    return len(values)
