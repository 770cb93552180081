"""A reply by e-mail that looks like personal data is held for its sender: kept (text and files), told by e-mail
without its content, opened on the request page in the message form to confirm or edit, and forgotten after
``HELD_REPLY_DAYS``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import Attachment, HeldFile, Message, Sensitivity
from helpdesk.retention import orphan_files_delete
from notifications.inbound.receive import HELD_REPLY_DAYS, mail_receive
from notifications.models import Channel, HeldReply, InboundMail, Notification
from notifications.services.held_replies import held_replies_expire
from tests.helpdesk.upload_corpus import clean_pdf
from tests.notifications.inbound.conftest import reply

pytestmark = pytest.mark.django_db

PHONE = "+254 712 345 678"
TEXT = f"The youth officer can be reached on {PHONE} after five."


@pytest.fixture
def held(world, django_capture_on_commit_callbacks, mailoutbox) -> HeldReply:
    raw = reply(world.focal1, world.request, TEXT, files=[("minutes.pdf", clean_pdf(), "application/pdf")])
    with django_capture_on_commit_callbacks(execute=True):
        row = mail_receive(raw=raw, via="pipe")
    assert (row.outcome, row.reason, row.message) == (InboundMail.Outcome.HELD, "personal_data", None)
    return HeldReply.objects.get(inbound=row)


def test_the_reply_is_kept_for_its_sender_and_nothing_is_posted(world, held):
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert (held.owner, held.request, held.visibility) == (world.focal1, world.request, "city")
    assert held.text == TEXT
    assert [f.original_name for f in held.files.all()] == ["minutes.pdf"]
    # Kept as long as the reply, not the few days of a form's files.
    assert held.expires_at - held.created_at == timedelta(days=HELD_REPLY_DAYS)
    assert {f.keep_until for f in held.files.all()} == {held.expires_at}


def test_the_sender_is_told_by_e_mail_without_its_content(world, held, mailoutbox):
    rows = Notification.objects.filter(recipient=world.focal1, event="reply_held")
    assert sorted(rows.values_list("channel", flat=True)) == [Channel.EMAIL, Channel.IN_APP]
    (mail,) = [m for m in mailoutbox if m.to == [world.focal1.email]]
    assert "waiting for you to confirm" in mail.subject
    html = mail.alternatives[0][0]
    for body in (mail.body, html):
        assert PHONE not in body and "youth officer" not in body and "minutes.pdf" not in body
    assert f"{world.request.get_absolute_url()}?held={held.pk}#messages" in mail.body
    # Nobody else hears of it.
    assert not Notification.objects.exclude(recipient=world.focal1).filter(event="reply_held").exists()


def test_the_page_opens_the_form_holding_the_reply_and_the_warning(world, held, client):
    client.force_login(world.focal1)
    page = client.get(f"{world.request.get_absolute_url()}?held={held.pk}").content.decode()
    assert "The youth officer can be reached on" in page
    assert "minutes.pdf" in page
    assert f'name="kept" value="{held.files.get().pk}"' in page
    assert "This looks like personal data" in page
    assert 'name="confirm_personal_data"' in page
    assert f'name="held" value="{held.pk}"' in page


@pytest.mark.parametrize("who", ["focal2", "owner"])
def test_nobody_else_sees_a_held_reply(world, held, client, who):
    client.force_login(getattr(world, who))
    page = client.get(f"{world.request.get_absolute_url()}?held={held.pk}").content.decode()
    assert "youth officer" not in page
    assert "minutes.pdf" not in page


def test_confirmed_on_the_page_it_is_posted_with_its_files(world, held, client):
    client.force_login(world.focal1)
    kept = held.files.get()
    response = client.post(
        reverse("request-message", args=[world.request.reference]),
        {
            "body": held.text,
            "visibility": "city",
            "confirm_personal_data": "on",
            "kept": [str(kept.pk)],
            "held": str(held.pk),
        },
    )
    assert response.status_code == 302
    # Sent: the held reply is forgotten, and the page no longer offers it.
    assert not HeldReply.objects.exists()
    message = Message.objects.get()
    assert (message.author, message.sensitivity) == (world.focal1, Sensitivity.RESTRICTED)
    assert list(Attachment.objects.filter(message=message).values_list("original_name", flat=True)) == ["minutes.pdf"]


def test_a_held_reply_expires_with_its_files(world, held):
    later = timezone.now() + timedelta(days=4)
    # Past a form's few days, the reply's files are still kept...
    assert held_replies_expire(now=later) == 0
    orphan_files_delete(now=later)
    assert HeldFile.objects.count() == 1
    # ... and go with the reply once it expires.
    expired = timezone.now() + timedelta(days=HELD_REPLY_DAYS, hours=1)
    assert held_replies_expire(now=expired) == 1
    orphan_files_delete(now=expired)
    assert not HeldReply.objects.exists()
    assert not HeldFile.objects.exists()


def test_a_held_reply_with_an_unsafe_file_is_refused_whole(world):
    page = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
    raw = reply(world.focal1, world.request, TEXT, files=[("report.pdf", page, "application/pdf")])
    row = mail_receive(raw=raw, via="pipe")
    assert (row.outcome, row.reason) == (InboundMail.Outcome.REFUSED, "file_refused")
    assert not HeldReply.objects.exists()
    assert not HeldFile.objects.exists()
    assert not Notification.objects.filter(event="reply_held").exists()


@pytest.fixture
def held_in_a_bucket(s3_bucket, held) -> HeldReply:
    """``held``, its file kept in a bucket (STORAGE_URL) rather than on the disk."""
    return held


@pytest.mark.s3
def test_in_a_bucket_the_reply_file_is_kept_then_posted_then_only_the_attachment_remains(
    world, s3_server, s3_bucket, held_in_a_bucket, client, django_capture_on_commit_callbacks
):
    kept = held_in_a_bucket.files.get()
    assert s3_server.keys(s3_bucket) == [kept.file.name] and kept.file.name.startswith("attachments/held/")
    client.force_login(world.focal1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("request-message", args=[world.request.reference]),
            {
                "body": held_in_a_bucket.text,
                "visibility": "city",
                "confirm_personal_data": "on",
                "kept": [str(kept.pk)],
                "held": str(held_in_a_bucket.pk),
            },
        )
    attachment = Attachment.objects.get()
    assert s3_server.keys(s3_bucket) == [attachment.file.name]
    assert attachment.file.read() == clean_pdf()


@pytest.mark.s3
def test_in_a_bucket_an_expired_reply_takes_its_file_with_it(s3_server, s3_bucket, held_in_a_bucket):
    assert held_replies_expire(now=timezone.now() + timedelta(days=HELD_REPLY_DAYS, hours=1)) == 1
    orphan_files_delete(now=timezone.now() + timedelta(days=HELD_REPLY_DAYS, hours=1))
    assert s3_server.keys(s3_bucket) == []
