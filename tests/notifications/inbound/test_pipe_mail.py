"""Real replies on the pipe (``manage.py receive_mail``), as common mail clients write them in the three
languages (the fixtures of ``mails/``: Gmail, Outlook, Apple Mail, Thunderbird, phones; HTML-only bodies, inline
images, forwarded chains, legacy charsets). Each becomes exactly one message on the city's channel holding the
reply's new text as the parser reads it (its expectation file), and the files it keeps, never the quoted history.
"""

from __future__ import annotations

import io
import sys
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from helpdesk.models import Attachment, Message, Visibility
from helpdesk.sanitize import markdown_html
from notifications.inbound.tokens import reply_address
from notifications.models import InboundMail
from tests.notifications.inbound.eml import EML_NAMES, eml_expected, eml_fixture

pytestmark = pytest.mark.django_db


def _pipe(monkeypatch, raw: bytes) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(raw)))
    err = io.StringIO()
    try:
        call_command("receive_mail", stdout=io.StringIO(), stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), err.getvalue()
    return 0, err.getvalue()


def test_every_client_fixture_is_replayed():
    assert len(EML_NAMES) >= 18
    assert {name.split("_")[0] for name in EML_NAMES} == {"en", "fr", "ar"}


@pytest.mark.parametrize("name", EML_NAMES)
def test_a_mail_clients_reply_becomes_one_message(world, monkeypatch, name):
    address = reply_address(user_id=world.focal1.pk, request_id=world.request.pk)
    assert address is not None
    raw = eml_fixture(name, sender=f"Amina <{world.focal1.email}>", reply_to=address, message_id=f"{name}@mail.example")
    expected = eml_expected(name)

    assert _pipe(monkeypatch, raw) == (0, "")

    message = Message.objects.get()
    assert (message.author, message.visibility) == (world.focal1, Visibility.CITY)
    assert message.body == markdown_html(expected["text"])
    assert "desk.example" not in message.body  # the quoted notification (its reply address) is left out
    files = Attachment.objects.filter(message=message).order_by("pk").values_list("original_name", flat=True)
    assert sorted(files) == sorted(file["name"] for file in expected["files"])
    row = InboundMail.objects.get()
    assert (row.outcome, row.message, row.via) == (InboundMail.Outcome.ACCEPTED, message, InboundMail.Via.PIPE)

    # The same mail again (a retried pipe) is refused and creates nothing.
    assert _pipe(monkeypatch, raw) == (65, "refused: duplicate\n")
    assert Message.objects.count() == 1
