"""Pages speak the signed-in person's preferred language; visitors get the cookie's or the browser's."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """Runs after authentication: the profile, not the browser, decides for a signed-in person.

    The language switcher stores the choice in the profile too, so the two never disagree.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = getattr(user, "preferred_language", "") or ""
            if language in SUPPORTED:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
