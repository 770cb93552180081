"""``mail_receive``: a real reply becomes exactly one message on the channel its sender writes on; each kind of
mail the gateway must not take is refused with its reason, creating no message."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from helpdesk.models import Attachment, Message, RequestState, Visibility
from notifications.inbound.receive import mail_receive
from notifications.inbound.tokens import LOOP_HEADER, loop_value, reply_address
from notifications.models import InboundMail
from tests.helpdesk.upload_corpus import big_clean_pdf, clean_pdf
from tests.notifications.inbound.conftest import reply
from workflows.services import transition_perform

pytestmark = pytest.mark.django_db


def _refused(raw: bytes, reason: str) -> InboundMail:
    """``raw`` is refused for ``reason``: one row says so, and no message was created."""
    messages, rows = Message.objects.count(), InboundMail.objects.count()
    row = mail_receive(raw=raw, via="pipe")
    assert (row.outcome, row.reason) == (InboundMail.Outcome.REFUSED, reason)
    assert InboundMail.objects.count() == rows + 1
    assert Message.objects.count() == messages
    return row


def _accepted(raw: bytes) -> Message:
    messages = Message.objects.count()
    row = mail_receive(raw=raw, via="pipe")
    assert (row.outcome, row.reason) == (InboundMail.Outcome.ACCEPTED, "")
    assert Message.objects.count() == messages + 1
    assert row.message is not None
    return row.message


# --- Accepted: one message, on the right channel ------------------------------------------------------------------


def test_a_citys_reply_is_one_message_on_the_city_channel(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _accepted(reply(world.focal1, world.request))
    assert message.author == world.focal1
    assert message.request == world.request
    assert message.visibility == Visibility.CITY
    # The new text only, as rich text: the quoted notification is left out.
    assert "youth department will join" in message.body
    assert "A new message was posted" not in message.body
    row = InboundMail.objects.get(message=message)
    assert (row.user, row.request, row.via, row.sender) == (world.focal1, world.request, "pipe", world.focal1.email)


def test_a_citys_reply_while_the_hub_waits_is_its_answer(world):
    world.request = transition_perform(
        request=world.request, transition="request_info", actor=world.owner, data={"question": "<p>Who?</p>"}
    )
    message = _accepted(reply(world.focal1, world.request, "The youth department."))
    world.request.refresh_from_db()
    assert world.request.state != RequestState.INFO_REQUESTED
    assert message.visibility == Visibility.CITY
    assert "The youth department." in message.body


def test_hub_staff_reply_is_internal_by_default(world):
    message = _accepted(reply(world.owner, world.request))
    assert (message.author, message.visibility) == (world.owner, Visibility.INTERNAL)


def test_hub_staff_who_chose_the_city_reply_to_the_city(world):
    world.owner.mail_reply_visibility = Visibility.CITY
    world.owner.save(update_fields=["mail_reply_visibility"])
    message = _accepted(reply(world.owner, world.request))
    assert message.visibility == Visibility.CITY


def test_the_management_units_reply_is_internal(world):
    assert _accepted(reply(world.mu1, world.request)).visibility == Visibility.INTERNAL


def test_an_experts_reply_is_on_the_expert_channel(world):
    message = _accepted(reply(world.accepted, world.request))
    assert (message.author, message.visibility) == (world.accepted, Visibility.EXPERT)


def test_a_reply_with_a_clean_file_carries_it(world):
    message = _accepted(reply(world.focal1, world.request, files=[("minutes.pdf", clean_pdf(), "application/pdf")]))
    assert list(Attachment.objects.filter(message=message).values_list("original_name", flat=True)) == ["minutes.pdf"]


def test_an_out_of_office_subject_alone_is_a_persons_reply(world):
    _accepted(reply(world.focal1, world.request, subject="Re: Absent next week? Yes, out of office until Monday"))


def test_the_sender_address_is_compared_without_case(world):
    _accepted(reply(world.focal1, world.request, sender=world.focal1.email.upper()))


# --- Refused, one test each -----------------------------------------------------------------------------------------


def test_wrong_sender(world):
    row = _refused(reply(world.focal1, world.request, sender="someone.else@example.org"), "wrong_sender")
    assert row.user == world.focal1


def test_forged_token(world):
    address = reply_address(user_id=world.focal1.pk, request_id=world.request.pk)
    assert address is not None
    local, _, domain = address.partition("@")
    forged = f"{local[:-1]}{'a' if local[-1] != 'a' else 'b'}@{domain}"
    _refused(reply(world.focal1, world.request, to=forged), "forged_token")


def test_a_token_naming_another_request_is_forged(world):
    address = reply_address(user_id=world.focal1.pk, request_id=world.request.pk)
    assert address is not None
    token = address.partition("+")[2].partition("@")[0]
    ids = token.split(".")
    ids[1] = "zz"
    _refused(reply(world.focal1, world.request, to=f"reply+{'.'.join(ids)}@reply.example.net"), "forged_token")


def test_expired_token(world, settings):
    raw = reply(world.focal1, world.request)
    with time_machine.travel(timezone.now() + timedelta(days=settings.REPLY_TOKEN_DAYS + 2)):
        _refused(raw, "expired_token")


def test_auto_reply(world):
    raw = reply(
        world.focal1,
        world.request,
        "I am out of the office until 4 January.",
        subject="Réponse automatique : [SC-1] New message on a request",
        headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
    )
    _refused(raw, "auto_reply")


def test_bounce(world):
    # A delivery-status report, as Postfix writes it, sent back to the reply address.
    address = reply_address(user_id=world.focal1.pk, request_id=world.request.pk)
    report = (
        "From: Mail Delivery System <MAILER-DAEMON@mail.example.org>\r\n"
        f"To: {address}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-1@mail.example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not"
        " be delivered.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mail.example.org\r\n\r\n"
        "Final-Recipient: rfc822; focal@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "--b1--\r\n"
    )
    _refused(report.encode(), "bounce")


def test_loop(world):
    raw = reply(world.focal1, world.request, headers={LOOP_HEADER: loop_value()})
    _refused(raw, "loop")


def test_duplicate_message_id(world):
    raw = reply(world.focal1, world.request, message_id="<same-reply@mail.example.org>")
    _accepted(raw)
    row = _refused(raw, "duplicate")
    assert row.header_message_id == "<same-reply@mail.example.org>"
    assert Message.objects.filter(request=world.request).count() == 1


def test_oversized_attachment(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 20_000
    raw = reply(world.focal1, world.request, files=[("scan.pdf", big_clean_pdf(40_000), "application/pdf")])
    _refused(raw, "file_refused")
    assert not Attachment.objects.exists()


def test_unsafe_attachment(world):
    # A web page renamed as a PDF: refused as an upload would be, and the whole reply with it.
    page = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
    raw = reply(
        world.focal1,
        world.request,
        files=[("minutes.pdf", clean_pdf(), "application/pdf"), ("report.pdf", page, "application/pdf")],
    )
    _refused(raw, "file_refused")
    assert not Attachment.objects.exists()


# --- The other refusals ----------------------------------------------------------------------------------------------


def test_a_message_over_the_limit_is_refused_unread(world, settings):
    settings.INBOUND_MAIL_MAX_BYTES = 2_000
    raw = reply(world.focal1, world.request, "x " * 2_000, message_id="<big@mail.example.org>")
    row = _refused(raw, "too_large")
    assert (row.size, row.header_message_id, row.sender) == (len(raw), "<big@mail.example.org>", world.focal1.email)


def test_no_desk_token(world):
    _refused(reply(world.focal1, world.request, to="helpdesk@example.org"), "no_token")


def test_a_person_who_cannot_see_the_request(world):
    _refused(reply(world.other_focal, world.request), "not_allowed")


def test_an_expert_who_declined(world):
    _refused(reply(world.declined, world.request), "not_allowed")


def test_a_deactivated_person(world):
    world.focal1.is_active = False
    world.focal1.save(update_fields=["is_active"])
    _refused(reply(world.focal1, world.request), "not_allowed")


def test_an_empty_reply(world):
    _refused(reply(world.focal1, world.request, " \n\n - \n", quote=False), "empty")


def test_the_desks_own_address_is_a_loop(world, settings):
    settings.DEFAULT_FROM_EMAIL = f"Help desk <{world.focal1.email}>"
    _refused(reply(world.focal1, world.request), "loop")
