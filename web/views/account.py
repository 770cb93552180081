"""Signing in and out, password reset, a person's profile and language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.access import can
from helpdesk.kept_lists import person_lists_forget
from helpdesk.models import Role, User
from helpdesk.services.accounts import (
    account_event_record,
    has_second_factor,
    mail_reply_visibility_set,
    recovery_codes_left,
    time_zone_set,
)
from helpdesk.services.ties import tied_cities_set
from notifications.queue import enqueue_account_notice_on_commit
from web.forms.account import LanguageForm, ProfileForm, QueuedPasswordResetForm
from web.two_factor import HAS_FACTOR, password_checked, signed_out
from web.views.common import signed_in

login = auth_views.LoginView.as_view(redirect_authenticated_user=True)
logout = auth_views.LogoutView.as_view()
password_reset = auth_views.PasswordResetView.as_view(
    form_class=QueuedPasswordResetForm,
    success_url=reverse_lazy("password-reset-done"),
    email_template_name="registration/password_reset_email.txt",
    html_email_template_name="registration/password_reset_email.html",
)
password_reset_done = auth_views.PasswordResetDoneView.as_view()


def password_changed(user: User) -> None:
    """Record a new password and tell the account's address, once it is saved."""
    account_event_record(user=user, message="Password changed")
    enqueue_account_notice_on_commit(user_id=user.pk, notice="password_changed", address=user.email)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            password_changed(form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's form asks the current password; wrong ones are counted as the profile's are."""

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            password_changed(form.user)
        return response

    def form_invalid(self, form: Form) -> HttpResponse:
        if "old_password" in form.errors:
            password_checked(self.request, self.request.user, "")  # type: ignore[arg-type]
            if (response := signed_out(self.request)) is not None:
                return response
        return super().form_invalid(form)


password_reset_confirm = PasswordResetConfirmView.as_view(success_url=reverse_lazy("password-reset-complete"))
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()
password_change = PasswordChangeView.as_view(success_url=reverse_lazy("password-change-done"))
password_change_done = auth_views.PasswordChangeDoneView.as_view()


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = signed_in(request)
    old_email = person.email
    choose_mail_reply = bool(settings.REPLY_EMAIL_DOMAIN) and can(person, "choose_mail_reply")
    declare_ties = can(person, "declare_ties")
    form = ProfileForm(
        request.POST or None,
        instance=person,
        request=request,
        choose_mail_reply=choose_mail_reply,
        declare_ties=declare_ties,
    )
    valid = request.method == "POST" and form.is_valid()
    if (response := signed_out(request)) is not None:
        return response
    if valid:
        with transaction.atomic():
            user = form.save()
            if {"first_name", "last_name"} & set(form.changed_data):
                person_lists_forget(user)  # the filter bars and watcher lists that name them
            if form.mail_reply_changed:
                mail_reply_visibility_set(user=user, visibility=form.cleaned_data["mail_reply_visibility"])
            if form.time_zone_changed:
                time_zone_set(user=user, time_zone=form.cleaned_data["time_zone"])
            if form.ties_changed:
                tied_cities_set(user=user, city_ids=[city.pk for city in form.cleaned_data["tied_cities"]])
            if form.email_changed:
                account_event_record(user=user, message="E-mail address changed")
                # The old address, not the new one: if the change was not its owner's, they hear of it.
                enqueue_account_notice_on_commit(user_id=user.pk, notice="email_changed", address=old_email)
        # The page that answers should already speak the language just chosen.
        translation.activate(user.preferred_language)
        messages.success(request, _("Your profile is saved."))
        return HttpResponseRedirect(reverse("profile"))
    roles = [Role(role).label for role in person.role_names]
    # The middleware noted it for this session; people without a second factor pay no query for it.
    two_factor = request.session.get(HAS_FACTOR)
    if two_factor is None:
        two_factor = has_second_factor(person)
    context = {
        "form": form,
        "choose_mail_reply": choose_mail_reply,
        "declare_ties": declare_ties,
        "roles": roles,
        "two_factor": two_factor,
        "recovery_left": recovery_codes_left(person) if two_factor else 0,
    }
    return render(request, "web/account/profile.html", context)


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
