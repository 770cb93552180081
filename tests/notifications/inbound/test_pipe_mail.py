"""Real replies on the pipe (``manage.py receive_mail``), as common mail clients write them in the three
languages: Gmail, Outlook, Apple Mail, an iPhone; an HTML-only body, an inline image, a forwarded chain. Each
becomes exactly one message holding the new text, without the quoted notification (``QUOTED-NOTIFICATION``).

The files in ``pipe_mail/`` name their sender, reply address and Message-ID as ``{FROM}``, ``{TO}`` and
``{MSGID}``, filled in for the person and request of each test.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from helpdesk.models import Attachment, Message, Visibility
from notifications.inbound.tokens import reply_address

pytestmark = pytest.mark.django_db
MAILS = Path(__file__).parent / "pipe_mail"

CASES = {
    "gmail_en.eml": "The youth department will join the meeting on Tuesday.",
    "outlook_fr.eml": "Le service jeunesse participera à la réunion de mardi.",
    "apple_mail_ar.eml": "سينضم قسم الشباب إلى الاجتماع يوم الثلاثاء",
    "iphone_en.eml": "Tuesday at 10 works for the youth department.",
    "html_only_fr.eml": "le service jeunesse",
    "inline_image_en.eml": "photo of the venue we propose",
    "forwarded_chain_en.eml": "the hall is free on Tuesday.",
}


def _pipe(monkeypatch, raw: bytes) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(raw)))
    err = io.StringIO()
    try:
        call_command("receive_mail", stdout=io.StringIO(), stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), err.getvalue()
    return 0, err.getvalue()


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_mail_clients_reply_becomes_one_message(world, monkeypatch, name):
    raw = (MAILS / name).read_bytes()
    address = reply_address(user_id=world.focal1.pk, request_id=world.request.pk)
    assert address is not None
    raw = raw.replace(b"{FROM}", f"Amina <{world.focal1.email}>".encode())
    raw = raw.replace(b"{TO}", address.encode()).replace(b"{MSGID}", f"<{name}@mail.example.org>".encode())

    assert _pipe(monkeypatch, raw) == (0, "")

    message = Message.objects.get()
    assert (message.author, message.visibility) == (world.focal1, Visibility.CITY)
    assert CASES[name] in message.body
    assert "QUOTED-NOTIFICATION" not in message.body
    if name == "inline_image_en.eml":
        assert list(Attachment.objects.filter(message=message).values_list("original_name", flat=True)) == ["venue.png"]
