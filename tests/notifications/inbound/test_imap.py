"""The IMAP poller against a real server (Debian's dovecot, started by the test): each reply in the inbox is read
once, becomes one message, and is moved out of the inbox to the processed or the refused folder."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from helpdesk.models import Message, Visibility
from notifications.inbound.imap import imap_poll, imap_settings
from notifications.models import InboundMail
from tests.notification_world import make_world
from tests.notifications.inbound.conftest import reply
from tests.notifications.inbound.dovecot import dovecot_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def imap(tmp_path):
    yield from dovecot_fixture(tmp_path)


@pytest.fixture
def imap_without_move(tmp_path):
    # A server that does not announce MOVE (RFC 6851): the poller copies, flags and expunges.
    yield from dovecot_fixture(tmp_path, capability='imap_capability = "IMAP4rev1 LITERAL+ UIDPLUS"')


def test_a_reply_in_the_inbox_becomes_one_message_and_moves_to_processed(world, imap):
    imap.append(reply(world.focal1, world.request))

    assert imap_poll(url=imap.url()) == {"accepted": 1, "held": 0, "refused": 0, "failed": 0}

    message = Message.objects.get()
    assert (message.author, message.visibility) == (world.focal1, Visibility.CITY)
    assert InboundMail.objects.get().via == "imap"
    # The folders did not exist: the poller made them.
    assert (imap.count("INBOX"), imap.count("Processed"), imap.count("Refused")) == (0, 1, 0)


def test_a_refused_reply_moves_to_refused_and_a_second_poll_creates_nothing(world, imap):
    imap.append(reply(world.focal1, world.request))
    imap.append(reply(world.focal1, world.request, sender="someone.else@example.org"))

    assert imap_poll(url=imap.url()) == {"accepted": 1, "held": 0, "refused": 1, "failed": 0}
    assert imap_poll(url=imap.url()) == {"accepted": 0, "held": 0, "refused": 0, "failed": 0}

    assert Message.objects.count() == 1
    assert sorted(InboundMail.objects.values_list("reason", flat=True)) == ["", "wrong_sender"]
    assert (imap.count("INBOX"), imap.count("Processed"), imap.count("Refused")) == (0, 1, 1)


def test_the_same_mail_delivered_twice_becomes_one_message(world, imap):
    raw = reply(world.focal1, world.request, message_id="<twice@mail.example.org>")
    imap.append(raw)
    imap.append(raw)

    assert imap_poll(url=imap.url()) == {"accepted": 1, "held": 0, "refused": 1, "failed": 0}
    assert Message.objects.count() == 1
    # The copy was read before: it goes with the processed mail, not among the refusals to look into.
    assert (imap.count("INBOX"), imap.count("Processed"), imap.count("Refused")) == (0, 2, 0)


def test_folders_named_in_the_url(world, imap):
    imap.append(reply(world.focal1, world.request, sender="someone.else@example.org"))
    imap_poll(url=imap.url(processed="Desk done", refused="Desk refused"))
    assert (imap.count("INBOX"), imap.count("Desk done"), imap.count("Desk refused")) == (0, 0, 1)


def test_a_message_whose_processing_failed_stays_for_the_next_poll(world, imap, monkeypatch):
    imap.append(reply(world.focal1, world.request))

    def broken(**_kwargs):
        raise RuntimeError("the desk failed")

    monkeypatch.setattr("notifications.inbound.imap.mail_receive", broken)
    assert imap_poll(url=imap.url())["failed"] == 1
    assert (imap.count("INBOX"), imap.count("Processed")) == (1, 0)
    assert not InboundMail.objects.exists()

    monkeypatch.undo()
    assert imap_poll(url=imap.url())["accepted"] == 1
    assert (imap.count("INBOX"), imap.count("Processed")) == (0, 1)


def test_without_move_the_poller_copies_and_expunges(world, imap_without_move):
    client = imap_without_move.client()
    assert "MOVE" not in client.capabilities
    client.logout()
    imap_without_move.append(reply(world.focal1, world.request))
    imap_without_move.append(reply(world.focal1, world.request, headers={"Auto-Submitted": "auto-replied"}))

    assert imap_poll(url=imap_without_move.url()) == {"accepted": 1, "held": 0, "refused": 1, "failed": 0}
    assert (
        imap_without_move.count("INBOX"),
        imap_without_move.count("Processed"),
        imap_without_move.count("Refused"),
    ) == (0, 1, 1)


def test_the_settings_of_an_imap_url():
    config = imap_settings("imaps://desk%40city.org:p%2Fss@mail.example.org/Replies?processed=Done&refused=No")
    assert (config.host, config.port, config.tls, config.user, config.password) == (
        "mail.example.org",
        993,
        True,
        "desk@city.org",
        "p/ss",
    )
    assert (config.mailbox, config.processed, config.refused) == ("Replies", "Done", "No")


def test_no_url_no_poll(settings):
    settings.IMAP_URL = ""
    assert imap_poll() == {"accepted": 0, "held": 0, "refused": 0, "failed": 0}


@pytest.mark.django_db(transaction=True)
def test_two_polls_at_once_make_each_reply_one_message(imap):
    world = make_world()
    for i in range(3):
        imap.append(reply(world.focal1, world.request, f"Reply number {i}."))

    def poll() -> dict[str, int]:
        try:
            return imap_poll(url=imap.url())
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: poll(), range(2)))

    # Each reply became one message, whichever poll read it first; a poll that read one the other had taken
    # recorded a duplicate (they overlap in most runs) and moved it with the processed mail.
    assert sum(r["accepted"] for r in results) == 3
    assert sum(r["failed"] for r in results) == 0
    assert Message.objects.count() == 3
    duplicates = InboundMail.objects.filter(reason="duplicate").count()
    assert sum(r["refused"] for r in results) == duplicates
    # The inbox is emptied and nothing refused. Two sessions moving the same message at the same instant may each
    # copy it before either expunges it (IMAP's MOVE is a copy and an expunge, not a lock), so Processed holds each
    # reply at least once, and rarely one twice: the Message-ID check is what keeps the desk from reading it twice.
    assert (imap.count("INBOX"), imap.count("Refused")) == (0, 0)
    assert 3 <= imap.count("Processed") <= 6
