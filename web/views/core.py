"""The root page, the health checks (liveness ``/healthz``, readiness ``/readyz``) and the server-error page."""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views import defaults
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


# What a visitor's browser and a load balancer are told to wait before asking again while the database is away.
RETRY_AFTER_SECONDS = 30


def _database_unreachable(exc: BaseException | None) -> bool:
    """Whether the exception (or one it was raised from) says the database cannot be reached or used now.

    ``OperationalError`` covers a refused or dropped connection and a server shutting down; ``InterfaceError``
    a connection already closed under Django's feet. Both pass once the database is back, unlike a bug.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page (``handler500``), or a 503 when the database is what failed.

    Django calls it for an exception anywhere below the outermost middleware, the session and authentication
    middleware included (they read the database before any view runs), while that exception is being
    handled. A 503 with ``Retry-After`` tells a load balancer and a browser that this passes; the page reads
    nothing from the database (no session, no user), in the language the browser asked for, or the one
    already chosen for the request.
    """
    if not _database_unreachable(sys.exc_info()[1]):
        return defaults.server_error(request)
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    with translation.override(language):
        body = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
