"""Signing in and out, password reset, a person's profile and language."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.models import Role
from web.forms.account import LanguageForm, LocalisedPasswordResetForm, ProfileForm
from web.views.common import signed_in

login = auth_views.LoginView.as_view(redirect_authenticated_user=True)
logout = auth_views.LogoutView.as_view()
password_reset = auth_views.PasswordResetView.as_view(
    form_class=LocalisedPasswordResetForm,
    success_url=reverse_lazy("password-reset-done"),
    email_template_name="registration/password_reset_email.txt",
    html_email_template_name="registration/password_reset_email.html",
)
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    success_url=reverse_lazy("password-reset-complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()
password_change = auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password-change-done"))
password_change_done = auth_views.PasswordChangeDoneView.as_view()


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # The page that answers should already speak the language just chosen.
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile is saved."))
        return HttpResponseRedirect(reverse("profile"))
    roles = [Role(role).label for role in person.role_names]
    return render(request, "web/account/profile.html", {"form": form, "roles": roles})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: a cookie for visitors, the profile too for a signed-in person."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    if not form.is_valid():
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated and request.user.preferred_language != language:
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )
    return response


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    """Signed in but given no role yet: say so instead of showing an empty desk."""
    return render(request, "web/account/no_role.html")
