"""``manage.py receive_mail``: one e-mail on standard input; sysexits status and the reason on standard error."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from helpdesk.models import Message
from notifications.models import InboundMail
from tests.notifications.inbound.conftest import reply

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def _run(monkeypatch, raw: bytes) -> tuple[int, str, str]:
    """Run the command with ``raw`` on standard input: its exit status, standard output and standard error."""
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BytesIO(raw)))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("receive_mail", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_a_reply_on_the_pipe_becomes_one_message_and_exits_0(world, monkeypatch):
    status, out, err = _run(monkeypatch, reply(world.focal1, world.request))
    assert (status, out.strip(), err) == (0, "accepted", "")
    assert Message.objects.filter(request=world.request, author=world.focal1).count() == 1
    assert InboundMail.objects.get().via == "pipe"


def test_a_refusal_exits_65_with_its_reason(world, monkeypatch):
    status, _out, err = _run(monkeypatch, reply(world.focal1, world.request, sender="someone.else@example.org"))
    assert (status, err.strip()) == (65, "refused: wrong_sender")
    assert not Message.objects.exists()


def test_the_same_mail_piped_twice_is_refused_the_second_time(world, monkeypatch):
    raw = reply(world.focal1, world.request)
    assert _run(monkeypatch, raw)[0] == 0
    status, _out, err = _run(monkeypatch, raw)
    assert (status, err.strip()) == (65, "refused: duplicate")
    assert Message.objects.count() == 1


def test_a_held_reply_exits_0(world, monkeypatch):
    status, out, _err = _run(monkeypatch, reply(world.focal1, world.request, "Call me on +254 712 345 678."))
    assert (status, out.strip()) == (0, "held: personal_data")
    assert not Message.objects.exists()


def test_an_unreachable_database_exits_75_so_the_mta_retries(tmp_path):
    # The command as an MTA runs it, against a PostgreSQL server that is not there (nothing listens on port 9).
    env = {**os.environ, "DATABASE_URL": "postgres://desk@127.0.0.1:9/desk", "PGCONNECT_TIMEOUT": "3"}
    raw = b"From: a@example.org\r\nTo: reply+x@reply.example.net\r\nMessage-ID: <m@x>\r\n\r\nHello\r\n"
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "receive_mail"],
        input=raw,
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 75, done.stderr.decode()
    assert b"temporary failure" in done.stderr
