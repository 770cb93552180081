"""The reply gateway's fixtures: replies by e-mail on, and a reply as a mail client would send it."""

from __future__ import annotations

from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pytest

from helpdesk.models import SupportRequest, User
from notifications.inbound.tokens import reply_address

DOMAIN = "reply.example.net"


@pytest.fixture(autouse=True)
def _replies_on(settings):
    settings.REPLY_EMAIL_DOMAIN = DOMAIN
    settings.REPLY_EMAIL_PREFIX = "reply"


def reply(
    user: User,
    request: SupportRequest,
    body: str = "Thank you, the youth department will join the meeting on Tuesday.",
    *,
    sender: str | None = None,
    to: str | None = None,
    subject: str = "Re: [SC-1] New message on a request",
    headers: dict[str, str] | None = None,
    files: Iterable[tuple[str, bytes, str]] = (),
    message_id: str | None = None,
    quote: bool = True,
) -> bytes:
    """A reply to the desk's notification about ``request`` sent to ``user``: its new text above the quoted
    notification, as Gmail writes it; ``files``: (name, content, MIME type) attached."""
    mail = EmailMessage()
    mail["From"] = sender or f"{user.get_full_name()} <{user.email}>"
    mail["To"] = to or reply_address(user_id=user.pk, request_id=request.pk)
    mail["Subject"] = subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = message_id or make_msgid(domain="mail.example.org")
    for name, value in (headers or {}).items():
        mail[name] = value
    quoted = (
        "On Sun, 6 Dec 2026 at 10:02, Strong Cities help desk <helpdesk@localhost> wrote:\n"
        "> Hello,\n> A new message was posted on this request.\n"
    )
    mail.set_content(f"{body}\n\n{quoted}" if quote else f"{body}\n")
    for name, content, mime in files:
        maintype, _, subtype = mime.partition("/")
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return mail.as_bytes()
