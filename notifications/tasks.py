"""django-q2 tasks: each takes ids (or nothing), re-reads fresh data and is safe to run twice."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from helpdesk import retention
from notifications import services
from notifications.inbound.imap import imap_poll
from notifications.services.held_replies import held_replies_expire
from notifications.services.invitations import invitation_mail_send
from workflows.services import (
    access_grants_reconcile,
    auto_close_overdue,
    expert_grants_expire,
    outcomes_followups_run,
)


def send_email(notification_id: int) -> str:
    return services.email_send(notification_id=notification_id)


def send_emails(notification_ids: list[int]) -> dict[str, int]:
    """Send each row; a row another worker claimed, or already sent, is skipped by ``email_send``."""
    outcomes: dict[str, int] = {}
    for notification_id in notification_ids:
        outcome = services.email_send(notification_id=notification_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def send_password_reset(email: str) -> int:
    return services.password_reset_send(email=email)


def send_account_notice(user_id: int, notice: str, address: str) -> bool:
    return services.account_notice_send(user_id=user_id, notice=notice, address=address)


def send_invitation(invitation_id: int) -> bool:
    """The invitation's e-mail, if it is still waiting for an answer (``invitation_mail_send`` re-reads it)."""
    return invitation_mail_send(invitation_id=invitation_id)


def sweep_outbox() -> dict[str, int]:
    return services.outbox_sweep()


def sweep_deadlines() -> dict[str, int]:
    return services.deadlines_sweep()


def send_digests() -> int:
    return services.digest_send()


def close_overdue() -> int:
    """Delivered requests whose evaluation period is over are closed through the lifecycle."""
    return auto_close_overdue(now=timezone.now())


def outcome_follow_ups() -> dict[str, int]:
    """The follow-ups after delivery: opened, reminded, escalated and missed through the lifecycle."""
    run = outcomes_followups_run(now=timezone.now())
    return {"opened": run.opened, "reminded": run.reminded, "escalated": run.escalated, "missed": run.missed}


def expire_expert_grants() -> int:
    """Experts lose access to a request a grace period after it ended (the lifecycle's rule)."""
    return expert_grants_expire(now=timezone.now())


def anonymise_closed() -> int:
    return retention.anonymise_closed(older_than_days=settings.RETENTION_DAYS)


def delete_orphan_files() -> int:
    # Replies by e-mail held past their time first: their kept files go with the other expired ones.
    held_replies_expire()
    return retention.orphan_files_delete()


def reconcile_access_grants() -> dict[str, int]:
    """The access layer's safety net: no guardian grant outlives the assignment that explains it."""
    result = access_grants_reconcile()
    return {"orphaned": result.orphaned, "expired": result.expired, "group_rows": result.group_rows}


def poll_imap() -> dict[str, int]:
    """Replies by e-mail from the IMAP mailbox (``IMAP_URL``): each read once, then moved out of the inbox."""
    return imap_poll()
