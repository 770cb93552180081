"""``workflows.services.reply_post``: while the hub waits for the city's answer, a city message is that answer;
otherwise a message is a message. And the question it answers (``workflows.selectors.open_question``)."""

from __future__ import annotations

import io

import pytest

from helpdesk.attachments import AttachmentRefused
from helpdesk.models import Attachment, Message, RequestState, Sensitivity, Visibility
from helpdesk.screening import PersonalDataFound
from tests.access_world import PDF_BYTES as PDF
from tests.workflows.conftest import row_counts
from workflows.models import TransitionLog
from workflows.selectors import message_of_last, open_question
from workflows.services import reply_post, transition_perform

S = RequestState


def _pdf(name: str = "plan.pdf") -> io.BytesIO:
    # Each name its own content: the same content twice on one message is stored once.
    upload = io.BytesIO(PDF.replace(b"startxref", f"% {name}\nstartxref".encode()))
    upload.name = name
    return upload


def test_the_open_question_is_the_message_the_hub_asked_with_until_it_is_answered(net):
    request = net.at("info_requested")
    asked = message_of_last(request, "request_info")
    assert asked is not None and open_question(request) == asked
    assert "Which services" in Message.objects.get(pk=asked).body

    answer = net.data("provide_info")
    request = transition_perform(request=request, transition="provide_info", actor=net.focal, data=answer)
    assert open_question(request) is None
    assert open_question(net.at("submitted")) is None


def test_a_city_message_while_the_hub_asks_is_the_answer_and_carries_its_files(net):
    request = net.at("info_requested")

    message = reply_post(
        request=request, author=net.focal, body="<p>The youth department.</p>", attachments=[_pdf(), _pdf("b.pdf")]
    )

    request.refresh_from_db()
    assert request.state == S.SUBMITTED
    answer = TransitionLog.objects.filter(request=request).latest("seq")
    assert (answer.transition, answer.actor_id, answer.data["message"]) == ("provide_info", net.focal.pk, message.pk)
    # One message: the answer itself, on the city's channel, with both files on it.
    assert Message.objects.filter(request=request, author=net.focal).count() == 1
    assert message.visibility == Visibility.CITY and "youth department" in message.body
    files = Attachment.objects.filter(request=request).order_by("pk")
    assert [(f.original_name, f.message_id) for f in files] == [("plan.pdf", message.pk), ("b.pdf", message.pk)]


@pytest.mark.parametrize(
    ("path", "author", "visibility"),
    [
        ("submitted", "focal", Visibility.CITY),  # nothing is asked
        ("info_requested", "hub", Visibility.CITY),  # the hub writes; the city still owes the answer
        ("info_requested", "hub", Visibility.INTERNAL),
    ],
)
def test_any_other_message_is_just_a_message(net, path, author, visibility):
    request = net.at(path)
    moves = TransitionLog.objects.count()

    message = reply_post(
        request=request, author=getattr(net, author), body="<p>A note.</p>", visibility=visibility, attachments=[_pdf()]
    )

    request.refresh_from_db()
    assert request.state == path and TransitionLog.objects.count() == moves
    assert message.visibility == visibility
    assert Attachment.objects.get(request=request).message_id == message.pk


def test_an_answer_with_unconfirmed_personal_data_writes_nothing_and_a_confirmed_one_is_restricted(net):
    request = net.at("info_requested")
    before = row_counts()

    with pytest.raises(PersonalDataFound):
        reply_post(request=request, author=net.focal, body="<p>Call the mayor on +33 6 12 34 56 78.</p>")

    assert row_counts() == before
    message = reply_post(
        request=request,
        author=net.focal,
        body="<p>Call the mayor on +33 6 12 34 56 78.</p>",
        confirm_personal_data=True,
    )
    request.refresh_from_db()
    assert request.state == S.SUBMITTED and message.sensitivity == Sensitivity.RESTRICTED


def test_a_refused_file_undoes_the_answer(net):
    request = net.at("info_requested")
    before = row_counts()
    bad = io.BytesIO(b"MZ\x90\x00 not a document")
    bad.name = "tool.exe"

    with pytest.raises(AttachmentRefused):
        reply_post(request=request, author=net.focal, body="<p>Here.</p>", attachments=[bad])

    request.refresh_from_db()
    assert request.state == S.INFO_REQUESTED
    assert row_counts() == before and not Message.objects.filter(author=net.focal).exists()
