"""The demo's follow-ups, as a desk whose daily job ran all year would hold them.

The demo requests were delivered over the fiscal year; the follow-up job (``outcomes_followups_run``) is run at
each moment one of their follow-ups fell due, the desk's clock set to it, so each one is asked, reminded and
escalated on its day with its audit rows and notifications. Most cities answered a week after being asked, with
values a little below what they confirmed (a trained officer moved on); one in three did not, and is reminded,
escalated, then counted as missing. A follow-up due in the last days is still open: its city sees it on its home
page, as a real one would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from devtools.demo.timeline import clock
from helpdesk.models import IndicatorUnit, SupportRequest
from workflows.follow_ups import add_months, points
from workflows.models import FollowUp, OutcomeTarget, OutcomeValue
from workflows.services import outcomes_followups_run, transition_perform

ANSWER_AFTER = timedelta(days=6, hours=3)
SKIPPED_EVERY = 3  # one city in three leaves its follow-up unanswered
WHAT_CHANGED = {
    "en": "<p>The plan is still in force. Two of the officers trained have moved to other services; the others "
    "run the monthly meetings.</p>",
    "fr": "<p>Le plan est toujours en vigueur. Deux des agents formés ont changé de service ; les autres animent "
    "les réunions mensuelles.</p>",
    "ar": "<p>لا تزال الخطة سارية. انتقل اثنان من الموظفين المدرَّبين إلى مصالح أخرى، ويواصل الباقون تنظيم "
    "الاجتماعات الشهرية.</p>",
}


def _sustained(target: OutcomeTarget) -> str | None:
    """What still stands of the value the city confirmed (or was reported at delivery)."""
    kept = {value.stage: value.value for value in target.values.all() if value.follow_up_id is None}
    value = kept.get(OutcomeValue.Stage.CONFIRMED, kept.get(OutcomeValue.Stage.DELIVERED))
    if value is None:
        return None
    if target.indicator.unit == IndicatorUnit.COUNT and value > 2:
        value = (value * Decimal("0.85")).to_integral_value()
    return str(value)


def seed_follow_ups(*, now: datetime | None = None) -> int:
    """Live the demo requests' follow-ups from delivery to ``now``; returns how many follow-ups there are.

    Safe to run twice: the job asks each follow-up once, and only an open follow-up is answered.
    """
    now = now or timezone.now()
    targets = OutcomeTarget.objects.select_related("indicator").prefetch_related("values")
    delivered = list(
        SupportRequest.objects.filter(delivered_at__isnull=False, outcome_targets__isnull=False)
        .distinct()
        .select_related("submitted_by", "city")
        .prefetch_related(Prefetch("outcome_targets", queryset=targets))
        .order_by("delivered_at", "pk")
    )
    asked_at = sorted(
        {
            datetime.combine(add_months(timezone.localdate(at), months), at.timetz())
            for at in (r.delivered_at for r in delivered)
            if at is not None
            for months in points()
        }
    )
    # The job also runs on the days a follow-up asked earlier is reminded, escalated or counted as missing.
    days = (settings.OUTCOMES_REMINDER_DAYS, settings.OUTCOMES_ESCALATION_DAYS, settings.OUTCOMES_MISSED_DAYS)
    later = [timedelta(days=d) for d in days]
    runs = sorted({m for m in asked_at if m <= now} | {m + d for m in asked_at for d in later if m + d <= now})
    asked = set(asked_at)
    for index, moment in enumerate(runs):
        with clock(moment):
            outcomes_followups_run(now=moment)
        answered_at = moment + ANSWER_AFTER
        if moment not in asked or index % SKIPPED_EVERY == SKIPPED_EVERY - 1 or answered_at > now:
            continue
        opened = set(
            FollowUp.objects.filter(status=FollowUp.Status.OPEN, opened_at=moment).values_list("request_id", flat=True)
        )
        for request in (r for r in delivered if r.pk in opened):
            values = [{"indicator": t.indicator_id, "value": _sustained(t)} for t in request.outcome_targets.all()]
            with clock(answered_at):
                transition_perform(
                    request=SupportRequest.objects.get(pk=request.pk),
                    transition="answer_follow_up",
                    actor=request.submitted_by,
                    data={"values": values, "what_changed": WHAT_CHANGED.get(request.language, WHAT_CHANGED["en"])},
                )
    # Reminders, escalations and missed follow-ups up to today.
    with clock(now):
        outcomes_followups_run(now=now)
    return FollowUp.objects.filter(request__in=[r.pk for r in delivered]).count()
