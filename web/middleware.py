"""Session and response protections that hold for every page, whoever wrote the view.

- ``SessionSecurityMiddleware``: idle and absolute session timeouts; a deactivated user, or an expert
  whose vetting was suspended (and who holds no other role), is signed out on their very next request.
- ``NoStoreMiddleware``: no signed-in page may be kept by a browser or proxy cache.
- ``UserLanguageMiddleware``: a signed-in person's pages speak their profile's language.
- ``UserTimeZoneMiddleware``: and show moments in their profile's time zone (their hub's when they chose none).
- ``ControlCharacterMiddleware``: a NUL anywhere in the input, or another control character in a path, a
  query or a form's key, is a 400 before any view or query runs (and so is the admin's blank ``_to_field``).

Order in ``MIDDLEWARE``: the control characters' check first of all (nothing has read the input yet); the others
after ``AuthenticationMiddleware`` (the session checks after the messages
middleware, which they use).
"""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user, logout
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Role, User
from helpdesk.selectors.people import time_zone_of

Handler = Callable[[HttpRequest], HttpResponse]

SESSION_STARTED = "_session_started"
SESSION_SEEN = "_session_seen"
# Writing the session on every request would cost a database write per page; a minute of slack in the
# idle timeout saves it.
SEEN_RESOLUTION = 60


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or the one the ``TRUSTED_PROXY_COUNT``-th proxy saw.

    ``X-Forwarded-For`` is read only when proxies are declared, and from the right (the part the trusted
    proxies appended), because anything to its left is whatever the client chose to send.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _suspended_expert_only(user: User) -> bool:
    roles = set(user.role_names)
    if Role.EXPERT not in roles or roles - {Role.EXPERT}:
        return False
    # Read once per request (a property of the user); the pages' own checks reuse it.
    return not user.expert_in_good_standing


def session_stamp_on_login(sender: object, request: HttpRequest, user: object, **kwargs: object) -> None:
    """Start both clocks at sign-in (connected in ``WebConfig.ready``), so the first page writes nothing."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED] = request.session[SESSION_SEEN] = now


class SessionSecurityMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        user = request.user
        if not user.is_authenticated:
            # A session that still names a user the auth backend refuses (deactivated since): end it on
            # the server too, not only in this request.
            if session.get("_auth_user_id") is not None:
                session.flush()
            return
        now = int(time.time())
        started = session.get(SESSION_STARTED)
        seen = session.get(SESSION_SEEN)
        if started is None:
            session[SESSION_STARTED] = session[SESSION_SEEN] = now
            return
        expired = (now - started > settings.SESSION_COOKIE_AGE) or (
            seen is not None and now - seen > settings.SESSION_IDLE_SECONDS
        )
        if expired or _suspended_expert_only(user):
            logout(request)  # flushes the server-side session
            if expired:
                messages.info(request, _("Your session has expired. Please sign in again."))
            return
        if seen is None or now - seen >= SEEN_RESOLUTION:
            session[SESSION_SEEN] = now


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in person (and on every attachment)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """The person behind the request, read once, and their language for every page.

    Django's authentication leaves ``request.user`` a lazy wrapper, through which each attribute read is a
    function call (a page reads hundreds); the person is read here, first thing, and the rest of the request
    gets the User itself. The profile, not the browser, decides a signed-in person's language (visitors get
    the cookie's or the browser's); the language switcher stores the choice in the profile too.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user = get_user(request)
        if user.is_authenticated:
            language = getattr(user, "preferred_language", "") or ""
            if language in SUPPORTED_LANGUAGES:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


class UserTimeZoneMiddleware:
    """Moments on a signed-in person's pages in the zone they chose (``User.time_zone``), else in their hub's or
    their city's hub's (``helpdesk.selectors.people.time_zone_of``, read with their roles: no query of its own);
    the desk's default (``TIME_ZONE``) otherwise, and always once the response is made, so a reused thread starts
    clean."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        name = time_zone_of(user) if isinstance(user, User) and user.is_authenticated else ""
        zone = _zone(name) if name else None
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone of that name; None for one the zone database no longer knows (the default applies)."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


# Django's admin checks a ``_to_field`` only when it is not blank, then looks the blank name up as a field:
# a 500 (Django 5.2). Its own pages never send a blank one.
TO_FIELD_VAR = "_to_field"

# C0 control characters but tab, line feed and carriage return (which forms and pasted text carry).
_CONTROL = frozenset(chr(code) for code in range(32)) - {"\t", "\n", "\r"}


def _has_control(text: str) -> bool:
    return not _CONTROL.isdisjoint(text)


class ControlCharacterMiddleware:
    """No NUL reaches a view: PostgreSQL refuses it in any text with an error (a 500 otherwise), and no person
    types one. Other control characters are refused where no person puts them (a path, a query, a form's
    keys); in a form's values (text pasted from elsewhere) they are the forms' and the sanitiser's business.

    A plain 400 (Django's ``BadRequest``, the project's 400 page), one check for every page, whoever wrote it.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_control(request.path) or self._query_refused(request) or self._form_refused(request):
            raise BadRequest("control character in the request")
        if "" in (request.GET.get(TO_FIELD_VAR), request.POST.get(TO_FIELD_VAR)):
            raise BadRequest("empty admin to-field")
        return self.get_response(request)

    @staticmethod
    def _query_refused(request: HttpRequest) -> bool:
        return any(_has_control(key) or any(map(_has_control, values)) for key, values in request.GET.lists())

    @staticmethod
    def _form_refused(request: HttpRequest) -> bool:
        if request.method != "POST":
            return False
        for key, values in request.POST.lists():
            if _has_control(key) or any("\x00" in value for value in values):
                return True
        return any(
            _has_control(key) or any("\x00" in (upload.name or "") for upload in uploads)
            for key, uploads in request.FILES.lists()
        )
