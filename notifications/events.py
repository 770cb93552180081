"""The events a notification can tell of: the lifecycle's (named in its table, ``workflows.lifecycle``) and the
desk's own, with the short line that names each (subject and in-app list) and the template of its e-mail
(``templates/notifications/email/events/``: what happened, what is expected of the reader).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from workflows.lifecycle import EVENTS

MESSAGE_POSTED = "message_posted"
MENTIONED = "mentioned"
DEADLINE_REMINDER = "deadline_reminder"
DEADLINE_ESCALATION = "deadline_escalation"
WATCH_ADDED = "watch_added"
DIGEST = "digest"
# A peer introduction (``workflows.peers``): the peer city is asked, both cities accepted, one declined.
INTRODUCTION_PROPOSED = "introduction_proposed"
INTRODUCTION_MADE = "introduction_made"
INTRODUCTION_DECLINED = "introduction_declined"

# The desk's own events; a lifecycle move's event is named by its line in the table.
LABELS: dict[str, Promise] = {
    MESSAGE_POSTED: _("New message on a request"),
    MENTIONED: _("You were mentioned in an internal note"),
    DEADLINE_REMINDER: _("A deadline has passed"),
    DEADLINE_ESCALATION: _("Overdue request escalated to you"),
    WATCH_ADDED: _("You were added as a watcher of a request"),
    DIGEST: _("Your daily summary from the help desk"),
    INTRODUCTION_PROPOSED: _("Another city asks yours for a peer exchange"),
    INTRODUCTION_MADE: _("A peer introduction was made: both cities accepted"),
    INTRODUCTION_DECLINED: _("A peer introduction was declined"),
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
