"""The events a notification can tell of, with the short line that names each (subject and in-app list).

The longer text of each e-mail (what happened, what is expected of the reader) lives in its templates,
``templates/notifications/email/<event>.txt`` and ``.html``.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGE_POSTED = "message_posted"
MENTIONED = "mentioned"
DEADLINE_REMINDER = "deadline_reminder"
DEADLINE_ESCALATION = "deadline_escalation"
WATCH_ADDED = "watch_added"
DIGEST = "digest"

LABELS: dict[str, Promise] = {
    # Lifecycle moves (workflows.lifecycle), by their event name.
    "submit": _("New request submitted to the hub"),
    "request_info": _("The hub asks the city for more information"),
    "provide_info": _("The city answered the hub's question"),
    "answer_directly": _("The hub answered the request"),
    "route_to_experts": _("An expert assignment is proposed"),
    "expert_proposed": _("An expert assignment is proposed"),
    "route_to_funding": _("A fund application awaits a decision"),
    "funding_first_approval": _("A fund application awaits a second approval"),
    "assignment_accepted": _("An expert accepted the assignment"),
    "assignment_declined": _("An expert declined the assignment"),
    "start_delivery": _("Delivery of the support has started"),
    "approve_funding": _("The fund application was approved"),
    "reject_funding": _("The fund application was rejected"),
    "report_delivery": _("The support was delivered"),
    "evaluate": _("The city evaluated the support and the request is closed"),
    "auto_close": _("The request closed after its evaluation period"),
    "decline": _("The request was declined"),
    "withdraw": _("The city withdrew the request"),
    # The desk's own events.
    MESSAGE_POSTED: _("New message on a request"),
    MENTIONED: _("You were mentioned in an internal note"),
    DEADLINE_REMINDER: _("A deadline has passed"),
    DEADLINE_ESCALATION: _("Overdue request escalated to you"),
    WATCH_ADDED: _("You were added as a watcher of a request"),
    DIGEST: _("Your daily summary from the help desk"),
}

FALLBACK_LABEL = _("A request you follow has changed")


def label(event: str) -> Promise:
    return LABELS.get(event, FALLBACK_LABEL)
