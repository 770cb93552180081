"""Filing "after an incident": the city's short request for urgent help, on the incident fast track from the start.

A focal point says what happened, when, and what help the city needs now; ``incident_file`` files it through the
intake service (screened as always) and submits it to the hub in the same transaction, through the lifecycle's
own move. On the fast track the first answer is due in ``WORKFLOW_INCIDENT_FIRST_ANSWER_HOURS`` (every day
counted), and the hub's staff, its lead and the management unit are alerted at once (``notifications`` tells the
submit of a fast-tracked request as urgent).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpdesk.models import City, RequestState, SupportKind, SupportRequest, Theme, Urgency, User
from helpdesk.screening import PersonalDataFound
from helpdesk.services import request_create
from workflows.deadlines import deadline_for, hours_of
from workflows.services import transition_perform

# A clock a little ahead on the person's device is not an incident in the future.
CLOCK_SKEW = timedelta(minutes=10)
# What the intake service calls the texts, and what this form calls them (its fields, and screening's findings).
TEXTS = {"description": "what_happened", "summary": "help_needed"}


def first_answer_hours() -> int:
    """Within how many hours the hub first answers a request on the fast track (what the city is told)."""
    return hours_of(deadline_for(RequestState.SUBMITTED, fast_track=True))


def incident_title(incident_at: datetime) -> str:
    """The request's title, in the filer's language: no words of theirs, so nothing personal travels in the
    notifications and e-mails that name it."""
    day = timezone.localtime(incident_at).date()
    return gettext("Urgent help after an incident on %(date)s") % {"date": date_format(day, "DATE_FORMAT")}


def incident_file(
    *,
    city: City,
    filed_by: User,
    what_happened: str,
    incident_at: datetime,
    help_needed: str,
    language: str,
    confirm_personal_data: bool = False,
    now: datetime | None = None,
) -> SupportRequest:
    """File ``city``'s request for urgent help after an incident and submit it to the hub, on the fast track.

    ``what_happened`` is rich text (the form's Markdown, cleaned), ``help_needed`` plain text an expert may read
    before accepting; ``incident_at`` when it happened. The request is an expert consultation on city-led
    incident response, of critical urgency. Only a focal point of ``city`` files it (``PermissionDenied``);
    text that looks like personal data raises ``PersonalDataFound`` (named by this function's arguments) unless
    ``confirm_personal_data``; a submission the lifecycle refuses raises ``TransitionRefused``. Nothing is
    written unless the whole filing succeeds.
    """
    now = now or timezone.now()
    if city.pk not in filed_by.focal_city_ids:
        raise PermissionDenied("Only a focal point of the city files after an incident for it.")
    if incident_at > now + CLOCK_SKEW:
        raise ValidationError({"incident_at": _("The incident cannot be in the future.")}, code="future")
    with transaction.atomic():
        try:
            request = request_create(
                city=city,
                submitted_by=filed_by,
                title=incident_title(incident_at),
                description=what_happened,
                summary=help_needed,
                theme=Theme.INCIDENT_RESPONSE,
                kind=SupportKind.EXPERT,
                language=language,
                urgency=Urgency.CRITICAL,
                confirm_personal_data=confirm_personal_data,
            )
        except PersonalDataFound as found:
            renamed = {TEXTS.get(name, name): findings for name, findings in found.findings.items()}
            raise PersonalDataFound(renamed, confirmable=found.confirmable) from None
        request.fast_tracked_at = now
        request.incident_at = incident_at
        request.save(update_fields=["fast_tracked_at", "incident_at", "updated_at"])
        # The lifecycle's own move: its deadline (in hours, on the fast track), audit row and event.
        return transition_perform(request=request, transition="submit", actor=filed_by)
