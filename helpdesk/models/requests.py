import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from helpdesk.models.choices import (
    TERMINAL_STATES,
    Currency,
    Language,
    RequestState,
    Sensitivity,
    StrategicPriority,
    SupportKind,
    Theme,
    Urgency,
    Visibility,
)
from helpdesk.models.geography import City, Region


class ReferenceSequence(models.Model):
    """The last number handed out per year, so references are gap-free and human-sized."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference sequence")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class SupportRequest(ConcurrentTransitionMixin, models.Model):
    """A city's request for help.

    The state column is django-fsm's protected field and the model carries its optimistic-lock mixin,
    because both must sit on the concrete model to guard every save; the machine itself (transitions,
    guards, permissions) is defined in ``workflows`` on a proxy of this model, and nothing else moves it.
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="requests", verbose_name=_("city"))
    # Copied from the city when the request is filed: every hub page filters on it, and a join through
    # the city on each of those queries costs more than keeping the column in step.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="requests", editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_requests",
        verbose_name=_("submitted by"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # ``helpdesk.sanitize.seal`` of the description as the intake service cleaned it: lets pages skip
    # re-cleaning it on every view. Empty or stale means "clean it again".
    description_seal = models.CharField(max_length=64, blank=True, default="", editable=False)
    summary = models.TextField(
        _("shareable summary"),
        blank=True,
        help_text=_("The brief experts see: no names, contact details or incident details."),
    )
    theme = models.CharField(_("theme"), max_length=24, choices=Theme.choices, default=Theme.OTHER)
    kind = models.CharField(
        _("kind of support"), max_length=16, choices=SupportKind.choices, default=SupportKind.ADVICE
    )
    strategic_priority = models.PositiveSmallIntegerField(
        _("strategic priority"), choices=StrategicPriority.choices, null=True, blank=True
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.EN)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    # The incident fast track: set when the city files "after an incident" or the hub puts the request on it;
    # its deadlines then count in hours, every day included (``workflows.deadlines``). ``incident_at``: when
    # the incident happened, as the city said.
    fast_tracked_at = models.DateTimeField(_("on the incident fast track since"), null=True, blank=True)
    incident_at = models.DateTimeField(_("when the incident happened"), null=True, blank=True)
    desired_by = models.DateField(_("desired timeline"), null=True, blank=True)
    funding_requested = models.DecimalField(
        _("funding asked"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    sensitivity = models.CharField(
        _("sensitivity"), max_length=12, choices=Sensitivity.choices, default=Sensitivity.SHAREABLE
    )
    state = FSMField(
        _("state"), max_length=20, choices=RequestState.choices, default=RequestState.DRAFT, protected=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_requests",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    due_at = models.DateTimeField(_("deadline of the current step"), null=True, blank=True, editable=False)
    delivery_due = models.DateField(_("agreed delivery date"), null=True, blank=True)
    budget_lines = models.JSONField(_("budget lines"), default=list, blank=True)
    screening_flags = models.JSONField(_("personal data found at intake"), default=list, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    # Milestones the lifecycle stamps once (``workflows.services``), so the steering committee's medians read
    # one indexed column instead of ranking every audit row of the period (1.3 s at 100,000 requests).
    triaged_at = models.DateTimeField(_("first triage decision"), null=True, blank=True, editable=False)
    time_to_triage = models.DurationField(_("time to triage"), null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True, editable=False)
    time_to_delivery = models.DurationField(_("time to delivery"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        indexes = [
            # A hub's queue by state, newest first; the columns its filter bar offers follow, so that a filtered
            # count (capped at 1,000) reads the index alone instead of a row per candidate (closed and in
            # English: 0.4 ms instead of 2 ms at 17,000 requests in the hub).
            models.Index(
                fields=["region", "state", "-created_at", "language", "theme", "kind", "owner", "city"],
                name="req_region_state_facets",
            ),
            models.Index(fields=["region", "-created_at"], name="req_region_created"),
            models.Index(fields=["city", "-created_at"], name="req_city_created"),
            models.Index(fields=["owner", "state"], name="req_owner_state"),
            models.Index(fields=["state", "due_at"], name="req_state_due"),
            models.Index(fields=["region", "due_at"], name="req_region_due"),
            # The steering committee's counts by state, hub and theme over a period: one walk of this index in
            # group order, no row read and nothing to sort (17 ms at 100,000 requests on SQLite, where
            # grouping a year's rows of req_created_facets took 29 ms).
            models.Index(fields=["state", "region", "theme", "created_at"], name="req_state_facets"),
            # The management unit's cross-hub list, newest first, without a region to lead the index; and,
            # holding the columns they group by, the steering committee's counts over a period, read from
            # the index alone (PostgreSQL read 12,000 table pages for a year's 32,000 requests without it).
            models.Index(fields=["created_at", "state", "region", "theme"], name="req_created_facets"),
            # The medians of a period: its rows counted by milestone date, then the middle one found by walking
            # the durations in order (7 ms where sorting a year's 30,000 durations took 28 ms).
            models.Index(fields=["triaged_at", "time_to_triage"], name="req_triage_time"),
            models.Index(fields=["time_to_triage", "triaged_at"], name="req_triage_rank"),
            models.Index(fields=["delivered_at", "time_to_delivery"], name="req_delivery_time"),
            models.Index(fields=["time_to_delivery", "delivered_at"], name="req_delivery_rank"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(funding_requested__isnull=True) | models.Q(funding_requested__gt=0),
                name="req_funding_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("request-detail", kwargs={"reference": self.reference})

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    @property
    def asks_funding(self) -> bool:
        return self.funding_requested is not None


class Message(models.Model):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    body = models.TextField(_("message"))
    body_seal = models.CharField(max_length=64, blank=True, default="", editable=False)  # see description_seal
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.CITY)
    sensitivity = models.CharField(
        _("sensitivity"), max_length=12, choices=Sensitivity.choices, default=Sensitivity.SHAREABLE
    )
    screening_flags = models.JSONField(_("personal data found at intake"), default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["request", "visibility", "created_at"], name="msg_request_vis_created")]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.pk} ({self.visibility})"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never derives from user input: the original name is kept in a column.
    return f"attachments/{instance.request_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=120)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.CITY)
    sensitivity = models.CharField(
        _("sensitivity"), max_length=12, choices=Sensitivity.choices, default=Sensitivity.SHAREABLE
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The content's SHA-256: the same file chosen twice for the request (or twice on one message) is kept once.
    sha256 = models.CharField(_("content hash"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            models.Index(fields=["request", "created_at"], name="att_request_created"),
            models.Index(fields=["request", "sha256"], name="att_request_sha256"),
        ]

    def __str__(self) -> str:
        return self.original_name


def held_file_path(instance: "HeldFile", filename: str) -> str:
    return f"attachments/held/{uuid.uuid4().hex}"


class HeldFile(models.Model):
    """A checked file chosen on a form that could not be saved yet (a refused submit, a message held back by
    the personal-data check): kept for the person who chose it, shown on the form again, and turned into an
    ``Attachment`` when the form succeeds, so nobody has to choose it twice. Expired by
    ``helpdesk.retention.orphan_files_delete``."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The request the form was about; none for a request not yet saved.
    request = models.ForeignKey(SupportRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to=held_file_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=120)
    sha256 = models.CharField(_("content hash"), max_length=64)
    created_at = models.DateTimeField(_("chosen"), auto_now_add=True)
    # Kept longer than a form's few days until then (a reply by e-mail held for its sender to confirm); none:
    # the usual ``HELD_FILE_DAYS``.
    keep_until = models.DateTimeField(_("kept until"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("file kept for a form")
        verbose_name_plural = _("files kept for forms")
        indexes = [models.Index(fields=["owner", "sha256"], name="held_owner_sha256")]

    def __str__(self) -> str:
        return self.original_name
