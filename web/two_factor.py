"""The second factor at the door: who must have one, whose session has shown it, and the password re-checks.

``TwoFactorMiddleware`` is the one place that enforces it. A signed-in person whose session has not shown a
code reaches only the pages of ``EXEMPT_VIEWS``: someone who has an authenticator app (whatever their role)
is sent to the verification page; someone who has none but must (``second_factor_required``) to enrolment.
A session that showed a code carries django-otp's device id; whether the person has a device at all is
noted in the session at sign-in, so that people without one pay no query per page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from helpdesk.models import User
from helpdesk.services.accounts import has_second_factor, second_factor_required

Handler = Callable[[HttpRequest], HttpResponse]

# Whether the signed-in person has a confirmed device, noted at sign-in and after each change.
HAS_FACTOR = "_2fa_enrolled"
# Wrong passwords typed while signed in (profile, second factor): the sign-in throttle does not see them.
PASSWORD_FAILURES = "_password_failures"  # noqa: S105 - a session key

EXEMPT_VIEWS = frozenset(
    {
        "login",
        "logout",
        "healthz",
        "readyz",
        "set-language",
        "set_language",
        "password-reset",
        "password-reset-done",
        "password-reset-confirm",
        "password-reset-complete",
        "two-factor-setup",
        "two-factor-verify",
        "two-factor-recovery",
        "admin:logout",
    }
)

VERIFIED, ENROLLED, NONE = "verified", "enrolled", "none"


def factor_noted(request: HttpRequest, user: User) -> bool:
    """Note in the session whether ``user`` has a second factor now (after sign-in, enrolment, removal)."""
    enrolled = has_second_factor(user)
    request.session[HAS_FACTOR] = enrolled
    return enrolled


def note_on_login(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    """Each sign-in asks the code again, even in a session that showed one before (connected in ``ready``)."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        request.session.pop(PASSWORD_FAILURES, None)
        factor_noted(request, user)


def session_state(request: HttpRequest, user: User) -> str:
    """VERIFIED (the session showed a code of a device the person still has), ENROLLED or NONE."""
    session = request.session
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    if persistent_id:
        device = Device.from_persistent_id(persistent_id)
        if device is not None and device.user_id == user.pk and device.confirmed:
            user.otp_device = device  # type: ignore[attr-defined]  # as django-otp's own middleware leaves it
            return VERIFIED
        # The device was removed (from another session, by an administrator): this session showed nothing.
        del session[DEVICE_ID_SESSION_KEY]
        factor_noted(request, user)
    enrolled = session.get(HAS_FACTOR)
    if enrolled is None:
        enrolled = factor_noted(request, user)
    return ENROLLED if enrolled else NONE


def safe_next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


class TwoFactorMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, view_args: object, view_kwargs: object
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        assert isinstance(user, User)
        state = session_state(request, user)
        if state == VERIFIED:
            return None
        target = "two-factor-verify" if state == ENROLLED else None
        if target is None and second_factor_required(user):
            target = "two-factor-setup"
        if target is None:
            return None
        # Until the code is shown, the header offers no page the person could not reach (web.context_processors).
        request.second_step_pending = True  # type: ignore[attr-defined]
        match = request.resolver_match
        if match is not None and match.view_name in EXEMPT_VIEWS:
            return None
        path = request.get_full_path() if request.method == "GET" else reverse("home")
        return redirect_to_login(path, login_url=reverse(target))


def password_checked(request: HttpRequest, user: User, raw: str) -> bool:
    """Check the password of a signed-in person, counting wrong ones: a stolen session may not guess it here
    where the sign-in throttle does not look. After ``AXES_FAILURE_LIMIT`` wrong ones the session ends."""
    if raw and user.check_password(raw):
        request.session.pop(PASSWORD_FAILURES, None)
        return True
    failures = int(request.session.get(PASSWORD_FAILURES, 0)) + 1
    request.session[PASSWORD_FAILURES] = failures
    if failures >= settings.AXES_FAILURE_LIMIT:
        logout(request)
    return False


def signed_out(request: HttpRequest) -> HttpResponse | None:
    """After too many wrong passwords (``password_checked``), the sign-in page instead of the form."""
    if request.user.is_authenticated:
        return None
    return redirect("login")
