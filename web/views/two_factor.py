"""Two-step sign-in: enrolment (QR code, secret, a first code), verification after sign-in, recovery codes,
and removing or replacing the app. Who must use it is ``web.two_factor``'s (the middleware)."""

from __future__ import annotations

import base64

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.models import User
from helpdesk.services.accounts import (
    app_device,
    app_device_confirm,
    app_device_start,
    recovery_codes_left,
    recovery_codes_regenerate,
    recovery_device,
    second_factor_remove,
    second_factor_required,
)
from notifications.queue import enqueue_account_notice_on_commit
from web.forms.two_factor import AppCodeForm, PasswordConfirmForm, RecoveryCodeForm, RemoveForm
from web.two_factor import ENROLLED, NONE, VERIFIED, factor_noted, safe_next, session_state, signed_out
from web.views.common import signed_in

# The recovery codes just made, kept in the session only until the page that shows them once.
FRESH_CODES = "_2fa_fresh_codes"


def qr_svg(text: str) -> SafeString:
    """The QR code as inline SVG (no image library, nothing fetched, nothing inline for the CSP to refuse)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg: str = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", '<svg class="two-factor-qr" role="img" aria-hidden="true" ', 1)
    # Only our own text is encoded and the library writes only a path of squares: safe to put in the page.
    return mark_safe(svg)


def _secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask it when typed: base32, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _wait_error(form: Form, device: Device) -> bool:
    """django-otp's throttle: after wrong codes, the next is refused for a while (1, 2, 4… seconds)."""
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        form.add_error("code", _("Too many wrong codes. Wait a minute, then try again."))
    return not allowed


def _verified_with(user: User, device: Device, code: str) -> bool:
    return django_otp.verify_token(user, device.persistent_id, code) is not None


def _notice(user: User, notice: str) -> None:
    enqueue_account_notice_on_commit(user_id=user.pk, notice=notice, address=user.email)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    state = session_state(request, person)
    if state == ENROLLED:
        return redirect(f"{reverse('two-factor-verify')}?next={reverse('two-factor')}")
    if state == VERIFIED:
        return redirect("two-factor")
    device = app_device_start(user=person)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not _wait_error(form, device):
        with transaction.atomic():
            codes = app_device_confirm(user=person, device=device, token=form.cleaned_data["code"])
            if codes is not None:
                _notice(person, "two_factor_enabled")
        if codes is None:
            form.add_error("code", _("This code is not the one the app shows now. Check the app and try again."))
        else:
            django_otp.login(request, device)
            factor_noted(request, person)
            request.session[FRESH_CODES] = codes
            return redirect(f"{reverse('two-factor-codes')}?next={safe_next(request)}")
    context = {
        "form": form,
        "qr": qr_svg(device.config_url),
        "secret": _secret(device),
        "required": second_factor_required(person),
        "next": safe_next(request),
    }
    return render(request, "web/account/two_factor_setup.html", context)


@login_required
def codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes, shown once: a reload shows that they were shown."""
    fresh = request.session.pop(FRESH_CODES, None)
    return render(request, "web/account/two_factor_codes.html", {"codes": fresh, "next": safe_next(request)})


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    state = session_state(request, person)
    if state != ENROLLED:
        return redirect(safe_next(request) if state == VERIFIED else "two-factor-setup")
    device = app_device(person)
    if device is None:  # only recovery codes are left: use one
        return redirect(f"{reverse('two-factor-recovery')}?next={safe_next(request)}")
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not _wait_error(form, device):
        if _verified_with(person, device, form.cleaned_data["code"]):
            django_otp.login(request, device)
            return HttpResponseRedirect(safe_next(request))
        form.add_error("code", _("This code is not the one the app shows now. Check the app and try again."))
    return render(request, "web/account/two_factor_verify.html", {"form": form, "next": safe_next(request)})


@login_required
def recovery(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    state = session_state(request, person)
    if state != ENROLLED:
        return redirect(safe_next(request) if state == VERIFIED else "two-factor-setup")
    device = recovery_device(person)
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (device is None or not _wait_error(form, device)):
        if device is not None and _verified_with(person, device, form.cleaned_data["code"]):
            django_otp.login(request, device)
            left = recovery_codes_left(person)
            text = ngettext(
                "You signed in with a recovery code; %(count)s is left. Replace your app or make new codes.",
                "You signed in with a recovery code; %(count)s are left. Replace your app or make new codes.",
                left,
            )
            messages.warning(request, text % {"count": left})
            return HttpResponseRedirect(safe_next(request, default="two-factor"))
        form.add_error("code", _("This recovery code is wrong or was already used."))
    return render(request, "web/account/two_factor_recovery.html", {"form": form, "next": safe_next(request)})


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Status, new recovery codes, and removing the app (to stop, or to replace it with another)."""
    person = signed_in(request)
    enrolled = session_state(request, person) != NONE
    context = {
        "enrolled": enrolled,
        "required": second_factor_required(person),
        "recovery_left": recovery_codes_left(person) if enrolled else 0,
        "remove_form": RemoveForm(request=request, user=person),
        "codes_form": PasswordConfirmForm(request=request, user=person, prefix="codes"),
    }
    return render(request, "web/account/two_factor.html", context)


@require_POST
@login_required
def remove(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    form = RemoveForm(request.POST, request=request, user=person)
    valid = form.is_valid()
    if (response := signed_out(request)) is not None:
        return response
    if valid:
        code = form.cleaned_data["code"]
        devices = [d for d in (app_device(person), recovery_device(person)) if d is not None]
        blocked = [d for d in devices if not d.verify_is_allowed()[0]]
        if blocked and len(blocked) == len(devices):
            form.add_error("code", _("Too many wrong codes. Wait a minute, then try again."))
        elif any(_verified_with(person, d, code) for d in devices if d not in blocked):
            with transaction.atomic():
                second_factor_remove(user=person)
                _notice(person, "two_factor_removed")
            factor_noted(request, person)
            messages.success(request, _("Two-step sign-in is off. Set it up again with your new phone or app."))
            return redirect("two-factor-setup" if second_factor_required(person) else "two-factor")
        else:
            form.add_error("code", _("This code is wrong. Type the one your app shows now, or a recovery code."))
    context = {
        "enrolled": True,
        "required": second_factor_required(person),
        "recovery_left": recovery_codes_left(person),
        "remove_form": form,
        "codes_form": PasswordConfirmForm(request=request, user=person, prefix="codes"),
    }
    return render(request, "web/account/two_factor.html", context)


@require_POST
@login_required
def regenerate(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    form = PasswordConfirmForm(request.POST, request=request, user=person, prefix="codes")
    valid = form.is_valid()
    if (response := signed_out(request)) is not None:
        return response
    if valid and session_state(request, person) == VERIFIED:
        with transaction.atomic():
            fresh = recovery_codes_regenerate(user=person)
            _notice(person, "recovery_codes_replaced")
        request.session[FRESH_CODES] = fresh
        return redirect(f"{reverse('two-factor-codes')}?next={reverse('two-factor')}")
    context = {
        "enrolled": True,
        "required": second_factor_required(person),
        "recovery_left": recovery_codes_left(person),
        "remove_form": RemoveForm(request=request, user=person),
        "codes_form": form,
    }
    return render(request, "web/account/two_factor.html", context)
