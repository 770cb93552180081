"""The lifecycle's audit trail. (The machine itself is a proxy model in ``workflows.machine``.)"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models import RequestState, SupportRequest
from workflows.errors import AuditTrailImmutable


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
        if not self._state.adding or self.pk is not None:
            raise AuditTrailImmutable("An audit row cannot be changed once written.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTrailImmutable("An audit row cannot be deleted.")


# The proxy must be imported with the app's models so Django registers it (and its migration).
from workflows.machine import RequestLifecycle  # noqa: E402

__all__ = ["RequestLifecycle", "TransitionLog"]
