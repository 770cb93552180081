"""What the desk told whom: one row per recipient and channel, watchers, and the deadline alerts sent.

A ``Notification`` row is written in the same transaction as the move that caused it; the row, not the task
queue, is the truth about what remains to be sent (see ``notifications.delivery``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models import RequestState, SupportRequest


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the desk")
    EMAIL = "email", _("E-mail")


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    HELD = "held", _("Held for the daily digest")
    BATCHED = "batched", _("Sent in a digest")
    SKIPPED = "skipped", _("Not sent")


class Reason(models.TextChoices):
    """Why a person received a notification: it decides what the text says is expected of them."""

    CITY = "city", _("Focal point of the city")
    OWNER = "owner", _("Owner of the request")
    HUB = "hub", _("Hub staff of the region")
    HUB_LEAD = "hub_lead", _("Hub lead of the region")
    EXPERT = "expert", _("Expert on the request")
    RELEASED = "released", _("Expert whose proposal was closed")
    MANAGEMENT = "management", _("Management unit")
    WATCHER = "watcher", _("Watching the request")
    MENTION = "mention", _("Mentioned in a note")
    DIGEST = "digest", _("Daily digest")
    WRITER = "writer", _("Writer of the resource")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def in_app(self) -> NotificationQuerySet:
        return self.filter(channel=Channel.IN_APP)

    def unread(self) -> NotificationQuerySet:
        return self.filter(channel=Channel.IN_APP, read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    # None only for a digest e-mail, which gathers the rows pointing at it through ``digest``.
    request = models.ForeignKey(
        SupportRequest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("request"),
    )
    event = models.CharField(_("event"), max_length=40)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Ids, amounts, states and dates only: never free text from the request or a message.
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Delivery bookkeeping of e-mail rows.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    digest = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        verbose_name=_("sent in digest"),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "channel", "-created_at"], name="ntf_recipient_list"),
            # Every page counts the reader's unread notifications. The columns of the condition are in the
            # key too: without statistics SQLite picks the index matching the most columns of the query,
            # which otherwise was ntf_recipient_list (34 ms for a hub member with 23,000 notifications).
            models.Index(
                fields=["recipient", "channel", "read_at"],
                condition=models.Q(channel="in_app", read_at__isnull=True),
                name="ntf_unread_count",
            ),
            # Opening a request marks its unread notifications read: all four columns in the key, for the same
            # reason as above (so SQLite prefers it to ntf_unread_count for that UPDATE).
            models.Index(
                fields=["recipient", "request", "channel", "read_at"],
                condition=models.Q(channel="in_app", read_at__isnull=True),
                name="ntf_unread_request",
            ),
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending", "held"]),
                name="ntf_outbox",
            ),
            models.Index(fields=["status", "created_at"], name="ntf_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_id} ({self.channel}, {self.status})"


class Watch(models.Model):
    """A colleague who follows a request and hears of its events."""

    request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="watches", verbose_name=_("request")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches", verbose_name=_("watcher")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("watcher")
        verbose_name_plural = _("watchers")
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="watch_one_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.request_id}"


class DeadlineAlert(models.Model):
    """A reminder or escalation already sent for one step of one request, so each goes out once.

    A step is identified by the state and the deadline it was given on entry: re-entering a state, or a
    new deadline, is a new step and earns a new reminder.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        ESCALATION = "escalation", _("Escalation")
        # A step of the incident fast track left untouched at half its time, escalated before it is overdue.
        HALF_TIME = "half_time", _("Half-time escalation (fast track)")

    request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="deadline_alerts", verbose_name=_("request")
    )
    state = models.CharField(_("state"), max_length=20, choices=RequestState.choices)
    due_at = models.DateTimeField(_("deadline"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        constraints = [models.UniqueConstraint(fields=["request", "state", "due_at", "kind"], name="dla_once_per_step")]

    def __str__(self) -> str:
        return f"{self.kind} {self.request_id} {self.state} {self.due_at:%Y-%m-%d %H:%M}"


class InboundMail(models.Model):
    """One e-mail the desk's reply gateway read, and what became of it: each Message-ID is read once.

    Kept without its content (the message it became holds that): who sent it, for which request, and why it
    was refused, so an administrator can answer "my reply never arrived".
    """

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Became a message")
        HELD = "held", _("Held for the sender to confirm")
        REFUSED = "refused", _("Refused")

    class Via(models.TextChoices):
        PIPE = "pipe", _("Mail server's pipe")
        IMAP = "imap", _("IMAP mailbox")

    # SHA-256 of the Message-ID header (or, without one, of the whole message): unique, so a message read
    # twice (a retried pipe, a poller that died before moving it) is refused as a duplicate the second time.
    message_key = models.CharField(max_length=64, unique=True)
    header_message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    via = models.CharField(_("received through"), max_length=8, choices=Via.choices)
    sender = models.EmailField(_("sender"), max_length=254, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    request = models.ForeignKey(SupportRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The message it became (a held reply: none until the sender confirms it on the page).
    message = models.ForeignKey("helpdesk.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    # A stable code: wrong_sender, forged_token, expired_token, auto_reply, bounce, loop, duplicate,
    # file_refused, too_large, no_token, empty, not_allowed, invalid, unreadable, personal_data (held).
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("e-mail received")
        verbose_name_plural = _("e-mails received")

    def __str__(self) -> str:
        return f"{self.via} {self.outcome} {self.reason} {self.received_at:%Y-%m-%d %H:%M}"


class HeldReply(models.Model):
    """A reply by e-mail held back because it looks like personal data: its text and files kept for its sender,
    who confirms or edits it on the request page (``?held=<id>`` opens the message form with them) and sends it
    with the page's form. Nothing of it is shown to anyone else; it expires (``HELD_REPLY_DAYS``) and is swept
    by the daily clean-up of kept files.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="+")
    inbound = models.OneToOneField(InboundMail, null=True, blank=True, on_delete=models.SET_NULL, related_name="held")
    # What the sender wrote, as Markdown (the message box takes it as typed); the channel the reply was for.
    text = models.TextField(_("text"))
    visibility = models.CharField(_("visibility"), max_length=10)
    files = models.ManyToManyField("helpdesk.HeldFile", blank=True, related_name="+")
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    expires_at = models.DateTimeField(_("kept until"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reply held for its sender")
        verbose_name_plural = _("replies held for their senders")
        indexes = [models.Index(fields=["expires_at"], name="held_reply_expires")]

    def __str__(self) -> str:
        return f"held reply {self.pk} of {self.owner_id} on {self.request_id}"
