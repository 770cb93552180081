"""E-mails about a person's own account: the password-reset link and the security notices.

Both are sent by a django-q2 task after the commit (``notifications.queue``), never inside the web request:
the reset page then does the same work, in the same time, whether or not an account uses the address it was
given, and a notice is sent only for a change that was saved. They carry no request content and are not
notification rows: a lost one is asked for again (a reset) or loses nothing the desk must keep (a notice).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from helpdesk.models import User
from notifications.outgoing import desk_mail_headers
from notifications.rendering import _tidy, absolute_url, language_of

logger = logging.getLogger(__name__)

# What each notice says happened, and what the reader should do if it was not them.
NOTICES: dict[str, Any] = {
    "email_changed": _("The e-mail address of your account was changed. From now on, e-mails reach the new address."),
    "password_changed": _("The password of your account was changed."),
    "two_factor_enabled": _("Two-step sign-in was turned on for your account."),
    "two_factor_removed": _("Two-step sign-in was turned off for your account: its authenticator app was removed."),
    "recovery_codes_replaced": _("New recovery codes were made for your account; the old ones no longer work."),
}


class _LocalisedResetForm(PasswordResetForm):
    """Django's reset e-mail, written in the recipient's language, whatever the asker's browser said, and with
    the headers every e-mail of the desk carries (Django's own ``send_mail`` adds none)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        language = language_of(user) if isinstance(user, User) else settings.LANGUAGE_CODE
        with translation.override(language):
            # Django's subject template may end in a newline; a header must not hold one.
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
            message = EmailMultiAlternatives(
                subject, body, from_email, [to_email], headers={**desk_mail_headers(), "Content-Language": language}
            )
            if html_email_template_name is not None:
                message.attach_alternative(render_to_string(html_email_template_name, context), "text/html")
        try:
            message.send()
        except Exception:
            # As Django's own form does: the asker is told the same whatever happened to the e-mail.
            logger.exception("Failed to send a password reset e-mail to %s", getattr(user, "pk", None))


def password_reset_send(*, email: str) -> int:
    """Send a reset link to each active account using ``email``; returns how many were sent (0 is no news)."""
    form = _LocalisedResetForm({"email": email})
    if not form.is_valid():
        return 0
    site = urlparse(settings.SITE_URL)
    sent = len(list(form.get_users(form.cleaned_data["email"])))
    form.save(
        domain_override=site.netloc or "localhost",
        use_https=site.scheme == "https",
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.txt",
        html_email_template_name="registration/password_reset_email.html",
    )
    return sent


def account_notice_send(*, user_id: int, notice: str, address: str) -> bool:
    """Tell ``address`` (the person's address at the time of the change) what changed on their account."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not address or notice not in NOTICES:
        return False
    language = language_of(user)
    with translation.override(language):
        name = user.get_full_name() or user.username
        subject = str(_("Strong Cities help desk: a change to your account"))
        context = {
            "recipient_name": name,
            "recipient_bdi": format_html("<bdi>{}</bdi>", name),
            "username": user.username,
            "what": NOTICES[notice],
            "language": language,
            "rtl": translation.get_language_bidi(),
            "subject": subject,
            "profile_link": absolute_url(reverse("profile")),
        }
        text = render_to_string("notifications/email/account_notice.txt", context)
        html = render_to_string("notifications/email/account_notice.html", context)
        message = EmailMultiAlternatives(
            subject=subject,
            body=_tidy(text),
            to=[address],
            headers={**desk_mail_headers(), "Content-Language": language},
        )
        message.attach_alternative(html, "text/html")
    return message.send() == 1
