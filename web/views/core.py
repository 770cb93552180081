"""The root page and the health check."""

from __future__ import annotations

from django.db import connection
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


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
