"""The events a notification can tell of: the lifecycle's (named in its table, ``workflows.lifecycle``) and the
desk's own, with the short line that names each (subject and in-app list) and the template of its e-mail
(``templates/notifications/email/events/``: what happened, what is expected of the reader).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.models import SupportRequest
from workflows.lifecycle import EVENTS

MESSAGE_POSTED = "message_posted"
MENTIONED = "mentioned"
DEADLINE_REMINDER = "deadline_reminder"
DEADLINE_ESCALATION = "deadline_escalation"
WATCH_ADDED = "watch_added"
DIGEST = "digest"
RESOURCE_SUBMITTED = "resource_submitted"
RESOURCE_RETURNED = "resource_returned"
RESOURCE_PUBLISHED = "resource_published"
# A resource's move (``helpdesk.services.resources``) and the event it is told as; the others are told to nobody.
RESOURCE_EVENTS = {"submitted": RESOURCE_SUBMITTED, "returned": RESOURCE_RETURNED, "published": RESOURCE_PUBLISHED}
RESOURCE_CONSENT_ASKED = "resource_consent_asked"
RESOURCE_CONSENT_ANSWERED = "resource_consent_answered"
# The city's consent to a resource drawn from its request: opened on the resource's consent page.
CONSENT_EVENTS = frozenset({RESOURCE_CONSENT_ASKED, RESOURCE_CONSENT_ANSWERED})
# A peer introduction (``workflows.peers``): the peer city is asked, both cities accepted, one declined.
INTRODUCTION_PROPOSED = "introduction_proposed"
INTRODUCTION_MADE = "introduction_made"
INTRODUCTION_DECLINED = "introduction_declined"
INTRODUCTION_WITHDRAWN = "introduction_withdrawn"
# A reply by e-mail held back by the personal-data check: its sender confirms it on the request page.
REPLY_HELD = "reply_held"
# The network's people (``notifications.services.people``): a city's focal point handover, told to both focal
# points (about no request: the counts only), and an expert deactivated while proposed or engaged on a request.
HANDOVER_RECEIVED = "handover_received"
HANDOVER_GIVEN = "handover_given"
EXPERT_DEACTIVATED = "expert_deactivated"
# The management unit's vetting decision, told to the expert (never its reason: a vetted expert reads it on their
# profile page; a suspended one no longer opens the desk and is told whom to write to).
EXPERT_VETTED = "expert_vetted"
EXPERT_SUSPENDED = "expert_suspended"
# The incident fast track (``workflows.incidents``, the lifecycle's ``fast_track`` move): a request filed after an
# incident (its submit is told as this), the hub's move putting a request on it, and the escalation of a step left
# untouched at half its time (``notifications.services.deadlines``). Told at once, by e-mail whatever a person's
# notification mode (``notifications.services.recording``), and without the request's title: the reference, the
# city and the link only.
INCIDENT_FILED = "incident_filed"
FAST_TRACK = "fast_track"
FAST_TRACK_ESCALATION = "fast_track_escalation"
URGENT_EVENTS = frozenset({INCIDENT_FILED, FAST_TRACK, FAST_TRACK_ESCALATION})
# Where a notification about no request opens, by event (the e-mail's link and the desk's entry alike).
EVENT_PAGES = {HANDOVER_RECEIVED: "city-home", EXPERT_VETTED: "expert-profile-edit"}

# The desk's own events; a lifecycle move's event is named by its line in the table.
LABELS: dict[str, Promise] = {
    MESSAGE_POSTED: _("New message on a request"),
    MENTIONED: _("You were mentioned in an internal note"),
    DEADLINE_REMINDER: _("A deadline has passed"),
    DEADLINE_ESCALATION: _("Overdue request escalated to you"),
    WATCH_ADDED: _("You were added as a watcher of a request"),
    DIGEST: _("Your daily summary from the help desk"),
    RESOURCE_SUBMITTED: _("A resource is waiting for review"),
    RESOURCE_RETURNED: _("Your resource was sent back to you"),
    RESOURCE_PUBLISHED: _("Your resource is published"),
    RESOURCE_CONSENT_ASKED: _("Your city is asked whether a resource may be published"),
    RESOURCE_CONSENT_ANSWERED: _("The city answered about publishing a resource"),
    INTRODUCTION_PROPOSED: _("Another city asks yours for a peer exchange"),
    INTRODUCTION_MADE: _("A peer introduction was made: both cities accepted"),
    INTRODUCTION_DECLINED: _("A peer introduction was declined"),
    INTRODUCTION_WITHDRAWN: _("The hub withdrew a peer introduction"),
    REPLY_HELD: _("Your reply by e-mail is waiting for you to confirm it"),
    HANDOVER_RECEIVED: _("Your city's requests were handed over to you"),
    HANDOVER_GIVEN: _("Your city's requests were handed over to its new focal point"),
    EXPERT_DEACTIVATED: _("An expert of this request was deactivated"),
    EXPERT_VETTED: _("You are vetted: hubs may now propose you to cities"),
    EXPERT_SUSPENDED: _("Your place in the expert pool is suspended"),
    INCIDENT_FILED: _("Urgent: a city asks for help after an incident"),
    FAST_TRACK_ESCALATION: _("Urgent: a fast-track request is still waiting at half its time"),
}
TEMPLATES = "notifications/email/events/{event}.txt"
GENERIC_TEMPLATE = TEMPLATES.format(event="generic")

FALLBACK_LABEL = _("A request you follow has changed")


def label(event: str) -> Promise:
    """The short line that names ``event``: the subject of its e-mail and its line in the notification list."""
    if event in EVENTS:
        return EVENTS[event].line
    return LABELS.get(event, FALLBACK_LABEL)


def template(event: str) -> str:
    """The content template of ``event``'s e-mail (what happened, what is expected of the reader)."""
    if event in EVENTS:
        return EVENTS[event].template
    return TEMPLATES.format(event=event)


def fast_track_entered(event: str, request: SupportRequest) -> str | None:
    """The event a request entering the incident fast track is told as (an urgent one), or None when ``event``
    (a lifecycle event) is not that: the hub's ``fast_track`` move, or the submit of a request filed after an
    incident (already on the fast track when it reaches the hub)."""
    if event == FAST_TRACK:
        return FAST_TRACK
    if event == "submit" and request.fast_tracked_at is not None:
        return INCIDENT_FILED
    return None
