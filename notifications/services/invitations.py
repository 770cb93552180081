"""The invitation e-mail: who invites, to what role and scope, the single-use link and when it expires.

Sent by a django-q2 task after the commit that created or renewed the invitation (``notifications.queue``), in
the invitation's language. The task re-reads the row: an invitation revoked, accepted or expired in between is
not sent, and the link is rebuilt from the row's current nonce, so a resend's e-mail never carries a voided link.
It carries no request content.
"""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from helpdesk.models import Invitation, InvitationStatus
from helpdesk.selectors.invitations import invitation_role_label, invitation_scope_label
from helpdesk.services.invitations import invitation_token
from notifications.outgoing import desk_mail_headers
from notifications.rendering import _tidy, absolute_url


def invitation_link(invitation: Invitation) -> str:
    return absolute_url(reverse("invitation-accept", kwargs={"token": invitation_token(invitation)}))


def invitation_mail_send(*, invitation_id: int) -> bool:
    """Send the invitation to its address if it is still waiting for an answer; returns whether it was sent."""
    invitation = (
        Invitation.objects.select_related("city__region", "region", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.status != InvitationStatus.PENDING:
        return False
    supported = {code for code, _name in settings.LANGUAGES}
    language = invitation.language if invitation.language in supported else settings.LANGUAGE_CODE
    with translation.override(language):
        inviter = str(invitation.invited_by) if invitation.invited_by else _("The Strong Cities help desk")
        name = f"{invitation.first_name} {invitation.last_name}".strip()
        subject = _("Strong Cities help desk: you are invited to join")
        context = {
            "recipient_name": name,
            "recipient_bdi": format_html("<bdi>{}</bdi>", name),
            "inviter": inviter,
            "inviter_bdi": format_html("<bdi>{}</bdi>", inviter),
            "role": invitation_role_label(invitation),
            "scope": invitation_scope_label(invitation),
            "note": invitation.message,
            "existing": invitation.existing_user_id is not None,
            "link": invitation_link(invitation),
            "expires": formats.date_format(invitation.expires_at.astimezone(UTC), "DATETIME_FORMAT"),
            "language": language,
            "rtl": translation.get_language_bidi(),
            "subject": subject,
        }
        text = render_to_string("notifications/email/invitation.txt", context)
        html = render_to_string("notifications/email/invitation.html", context)
        message = EmailMultiAlternatives(
            subject=subject,
            body=_tidy(text),
            to=[invitation.email],
            headers={**desk_mail_headers(), "Content-Language": language},
        )
        message.attach_alternative(html, "text/html")
    return message.send() == 1
