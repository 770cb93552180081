"""What every API view shares: the caller as a ``User``, their language, no caching, and the access log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import translation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk import services
from helpdesk.models import User
from helpdesk.services import Reveal
from web.middleware import client_ip


def caller(request: Request) -> User:
    """The person behind an authenticated call (every endpoint requires one)."""
    user = request.user
    assert isinstance(user, User), "an API view ran for a visitor"
    return user


def reveal(request: Request, reveals: Iterable[Reveal]) -> None:
    """Record the restricted content an answer shows its caller: the same service call as the pages'."""
    shown = list(reveals)
    if shown:
        services.access_log_reveals(user=caller(request), reveals=shown, ip=client_ip(request._request))


class DeskAPIMixin:
    """Mixed into every API view: answers in the caller's profile language (the pages' rule), never cached."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        user = request.user
        if isinstance(user, User):
            translation.activate(user.preferred_language)
            request._request.LANGUAGE_CODE = translation.get_language()

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        response["Cache-Control"] = "no-store, private"
        response.setdefault("Content-Language", translation.get_language() or "en")
        return response


class DeskAPIView(DeskAPIMixin, APIView):
    pass
