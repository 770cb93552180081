"""Calls per token (and per person for the session): ``API_THROTTLE_RATE``, counted in the shared cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from helpdesk.models import ApiToken

if TYPE_CHECKING:  # DRF's settings import this module while rest_framework.views is being built
    from rest_framework.views import APIView


class PerTokenThrottle(SimpleRateThrottle):
    scope = "api"

    def allow_request(self, request: Request, view: APIView) -> bool:
        # The same switch as the pages' post limits (off in tests but for their own).
        if not settings.RATELIMIT_ENABLE:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"person-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
