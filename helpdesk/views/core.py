from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from helpdesk.selectors import visible_requests


def home(request: HttpRequest) -> HttpResponse:
    """The login page for visitors; the person's own list of requests once signed in."""
    if not request.user.is_authenticated:
        return auth_views.LoginView.as_view(redirect_authenticated_user=True)(request)
    requests_ = visible_requests(request.user).select_related("city", "region").order_by("-created_at")[:50]
    return render(request, "helpdesk/home.html", {"requests": requests_})


def request_detail(request: HttpRequest, reference: str) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    support_request = get_object_or_404(
        visible_requests(request.user).select_related("city", "region", "owner"), reference=reference
    )
    return render(request, "helpdesk/request_detail.html", {"req": support_request})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
