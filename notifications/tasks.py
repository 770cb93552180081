"""django-q2 tasks: each takes ids (or nothing), re-reads fresh data and is safe to run twice."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from notifications import services


def send_email(notification_id: int) -> str:
    return services.email_send(notification_id=notification_id)


def sweep_outbox() -> dict[str, int]:
    return services.outbox_sweep()


def sweep_deadlines() -> dict[str, int]:
    return services.deadlines_sweep()


def send_digests() -> int:
    return services.digest_send()


def close_overdue() -> Any:
    """Delivered requests whose evaluation period is over are closed through the lifecycle."""
    from workflows.services import auto_close_overdue

    return auto_close_overdue(now=timezone.now())


def anonymise_closed() -> Any:
    from helpdesk.retention import anonymise_closed as anonymise

    return anonymise(older_than_days=settings.RETENTION_DAYS)


def expire_expert_grants() -> Any:
    from workflows.services import expert_grants_expire

    return expert_grants_expire(now=timezone.now())
