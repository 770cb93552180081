"""The rows the lifecycle owns: the audit trail, expert assignments, the fund's sources, envelopes and
applications, delivery reports and evaluations (and, in ``outcomes``, what the support aimed at and reached).
(The machine itself is a proxy model in ``workflows.machine``, registered when the app is ready.)

The engagement models were born in ``helpdesk`` and moved here without touching the database: they keep
their tables (``db_table``), and migration 0003 moved only Django's idea of where they live.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NoReturn, cast

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Currency, Region, RequestState, StrategicPriority, SupportRequest, localized_name
from workflows.errors import AuditTrailImmutable
from workflows.models.outcomes import FollowUp, OutcomeTarget, OutcomeValue
from workflows.models.peers import PeerIntroduction
from workflows.models.tally import GrantTally, OutcomeTally, RequestTally


class TransitionLogQuerySet(models.QuerySet["TransitionLog"]):
    """Refuses bulk changes: the trail is only ever appended to."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditTrailImmutable("The audit trail cannot be updated.")

    def delete(self) -> NoReturn:
        raise AuditTrailImmutable("The audit trail cannot be deleted.")

    # Django's own bulk paths route through update(); these are named so nobody wonders.
    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTrailImmutable("The audit trail cannot be updated.")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTrailImmutable("The audit trail cannot be updated.")


class TransitionLog(models.Model):
    """One move of one request: who, when, from where to where, with what, chained by hash.

    ``hash`` is SHA-256 over the row's canonical content and the previous row's hash of the same request
    (``workflows.audit``), so altering, removing or reordering a row breaks the chain that
    ``manage.py verify_audit`` walks.
    """

    request = models.ForeignKey(
        SupportRequest, on_delete=models.PROTECT, related_name="transition_log", verbose_name=_("request")
    )
    seq = models.PositiveIntegerField(_("sequence"))
    transition = models.CharField(_("transition"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, choices=RequestState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=RequestState.choices)
    # People are deactivated, never deleted, while they appear in the trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64)

    objects = TransitionLogQuerySet.as_manager()

    class Meta:
        ordering = ["request_id", "seq"]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")
        constraints = [
            # One chain per request, no forks: two writers can never both append row n.
            models.UniqueConstraint(fields=["request", "seq"], name="tlog_one_row_per_seq"),
        ]
        indexes = [
            models.Index(fields=["transition", "created_at"], name="tlog_transition_created"),
            models.Index(fields=["actor", "created_at"], name="tlog_actor_created"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.seq} {self.transition} {self.from_state}→{self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An unsaved row's pk is None: django-stubs types pk as a saved row's int, so the check would read as dead.
        if not self._state.adding or cast("int | None", self.pk) is not None:
            raise AuditTrailImmutable("An audit row cannot be changed once written.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTrailImmutable("An audit row cannot be deleted.")


class ExpertAssignment(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        # The expert declared a conflict of interest while accepting: the acceptance waits for the hub lead's
        # waiver (``waiver_reason``) or ends when the hub proposes someone else.
        CONFLICT = "conflict", _("Conflict declared: awaiting the hub lead")

    ACTIVE = (Status.PROPOSED, Status.ACCEPTED, Status.CONFLICT)

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    conflict_of_interest = models.TextField(_("conflict-of-interest declaration"), blank=True)
    has_conflict = models.BooleanField(_("declared a conflict of interest"), default=False)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The hub lead's waiver of a conflict declared on acceptance: why the expert may advise all the same. (A
    # database default, as for ``FundApplication.emergency``: the scale seeder writes rows without the column.)
    waiver_reason = models.TextField(_("reason for the waiver"), blank=True, default="", db_default="")
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "helpdesk_expertassignment"  # moved from helpdesk with its table (migration 0003)
        ordering = ["created_at", "id"]
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        indexes = [
            models.Index(fields=["expert", "status"], name="asg_expert_status"),
            models.Index(fields=["request", "status"], name="asg_request_status"),
        ]
        constraints = [
            # One live proposal per expert and request; a declined one may be followed by a new one.
            models.UniqueConstraint(
                fields=["request", "expert"],
                condition=models.Q(status__in=["proposed", "accepted", "completed", "conflict"]),
                name="asg_one_live_per_expert",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.expert_id} ({self.status})"


class FundingSource(models.Model):
    """Who finances an envelope of the technical support fund (a government, the EU): the donor a grant report is
    written for."""

    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("Used in the grant report's address."))
    name = models.CharField(_("name"), max_length=160)
    name_fr = models.CharField(_("name in French"), max_length=160, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=160, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return localized_name(self.name, self.name_fr, self.name_ar)


class FundEnvelope(models.Model):
    """The technical support fund's budget for one region and fiscal year, and who finances it."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="envelopes")
    source = models.ForeignKey(
        FundingSource,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="envelopes",
        verbose_name=_("funding source"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    committed = models.DecimalField(_("committed"), max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)

    class Meta:
        db_table = "helpdesk_fundenvelope"  # moved from helpdesk with its table (migration 0003)
        ordering = ["-fiscal_year", "region__name"]
        verbose_name = _("fund envelope")
        verbose_name_plural = _("fund envelopes")
        constraints = [
            models.UniqueConstraint(fields=["region", "fiscal_year"], name="env_one_per_region_year"),
            # The database itself refuses a balance below zero, whatever races above it.
            models.CheckConstraint(
                condition=models.Q(committed__lte=models.F("amount")) & models.Q(committed__gte=0),
                name="env_committed_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.fiscal_year}"

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.committed


class FundApplication(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="fund_applications")
    # Indexed by fund_envelope_status, which leads with it.
    envelope = models.ForeignKey(FundEnvelope, on_delete=models.PROTECT, related_name="applications", db_index=False)
    amount_requested = models.DecimalField(_("amount asked"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    budget_lines = models.JSONField(_("budget lines"), default=list)
    strategic_priority = models.PositiveSmallIntegerField(_("strategic priority"), choices=StrategicPriority.choices)
    justification = models.TextField(_("justification"))
    # An application on the incident fast track, at most ``FUND_EMERGENCY_CEILING``: one member of the management
    # unit decides it within ``WORKFLOW_INCIDENT_FUNDING_HOURS`` (the four-eyes rule above its threshold holds).
    emergency = models.BooleanField(_("emergency application"), default=False, db_default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount_approved = models.DecimalField(_("amount approved"), max_digits=12, decimal_places=2, null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    first_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "helpdesk_fundapplication"  # moved from helpdesk with its table (migration 0003)
        ordering = ["created_at", "id"]
        verbose_name = _("fund application")
        verbose_name_plural = _("fund applications")
        indexes = [
            models.Index(fields=["status", "created_at"], name="fund_status_created"),
            # What each envelope's pending applications ask, summed from the index (the fund queue's balances).
            models.Index(fields=["envelope", "status", "amount_requested"], name="fund_envelope_status"),
            # The emergency applications above the fund queue's pages: a handful, found without reading every
            # pending one (1.2 ms at 3,018 pending applications without it).
            models.Index(fields=["status"], condition=models.Q(emergency=True), name="fund_emergency_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=models.Q(status="pending"), name="fund_one_pending_per_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.amount_requested} {self.currency} ({self.status})"

    @property
    def amount_to_approve(self) -> Decimal:
        """What an approval confirms: the first approver's amount once there is one, else the amount asked."""
        if self.first_approver_id is not None and self.amount_approved is not None:
            return self.amount_approved
        return self.amount_requested


class DeliveryReport(models.Model):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="delivery_reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    report = models.TextField(_("delivery report"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "helpdesk_deliveryreport"  # moved from helpdesk with its table (migration 0003)
        verbose_name = _("delivery report")
        verbose_name_plural = _("delivery reports")

    def __str__(self) -> str:
        return f"{self.request_id} report {self.pk}"


class Evaluation(models.Model):
    request = models.OneToOneField(SupportRequest, on_delete=models.CASCADE, related_name="evaluation")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    outcomes = models.TextField(_("outcomes"))
    would_recommend = models.BooleanField(_("would recommend"))
    comments = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "helpdesk_evaluation"  # moved from helpdesk with its table (migration 0003)
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="eval_rating_1_5")]
        # The steering committee's average rating over a period, read from the index.
        indexes = [models.Index(fields=["created_at", "rating"], name="eval_created_rating")]

    def __str__(self) -> str:
        return f"{self.request_id} rated {self.rating}"


__all__ = [
    "DeliveryReport",
    "Evaluation",
    "ExpertAssignment",
    "FollowUp",
    "FundApplication",
    "FundEnvelope",
    "FundingSource",
    "GrantTally",
    "OutcomeTally",
    "OutcomeTarget",
    "OutcomeValue",
    "PeerIntroduction",
    "RequestTally",
    "TransitionLog",
]
