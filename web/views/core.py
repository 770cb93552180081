"""The root page and the health checks: liveness (``/healthz``) and readiness (``/readyz``)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.views.decorators.http import require_GET

from helpdesk.models import Role
from web.views import account, city, expert, hub, management, steering


def home(request: HttpRequest) -> HttpResponseBase:
    """The sign-in page for visitors; the home of the person's first role once signed in."""
    if not request.user.is_authenticated:
        return account.login(request)
    # The steering committee's role overrides any other (aggregates only), so it is asked first.
    pages = [
        (Role.STEERING, steering.figures),
        (Role.FOCAL_POINT, city.home),
        (Role.HUB_STAFF, hub.queue),
        (Role.EXPERT, expert.inbox),
        (Role.MANAGEMENT, management.fund_queue),
    ]
    page = next((view for role, view in pages if request.user.has_role(role)), account.no_role)
    return page(request)


logger = logging.getLogger(__name__)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. It asks nothing of the database, so a load balancer does not kill web
    workers that would serve again as soon as the database is back (``/readyz`` says whether they can)."""
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and the task broker both answer; a 503 with which one failed, as JSON, when not."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        logger.warning("readyz: the database does not answer", exc_info=True)
        checks["database"] = "unavailable"
    try:
        from django_q.brokers import get_broker

        checks["broker"] = "ok" if get_broker().ping() else "unavailable"
    except Exception:  # any broker's own error (Redis, the ORM's): the broker is not ready
        logger.warning("readyz: the task broker does not answer", exc_info=True)
        checks["broker"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)
