"""The request page's messages through HTTP: Markdown kept in shape, a preview, files on the message that carried
them, and the hub's open question above every box the city answers in (a city message then is the answer)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk.models import Attachment, Message, RequestState, SupportRequest
from helpdesk.sanitize import LINK_REL
from tests.access_world import PDF_BYTES as PDF
from tests.factories import CityFactory, focal_point, hub_staff
from tests.web.pages import in_state
from workflows.models import TransitionLog
from workflows.services import transition_perform

pytestmark = pytest.mark.django_db

ANSWERS = "Your message answers the hub's question and sends the request back to them."


@pytest.fixture
def asked():
    """A request on which the hub asked the city a question, the city's focal point and the hub officer."""
    city = CityFactory()
    focal, hub = focal_point(city), hub_staff(city.region)
    request = in_state("submitted", city=city, submitted_by=focal)
    request = transition_perform(
        request=request, transition="request_info", actor=hub, data={"question": "<p>QUESTION: who else?</p>"}
    )
    return request, focal, hub


def _message_url(request: SupportRequest) -> str:
    return reverse("request-message", args=[request.reference])


def test_a_message_keeps_its_paragraphs_lists_emphasis_and_links(client, asked):
    request, _, hub = asked
    client.force_login(hub)
    body = "Dear city,\nthank you.\n\n**Important**:\n\n- one\n- two\n\nSee https://example.org/guide <b>raw</b>"

    client.post(_message_url(request), {"body": body, "visibility": "internal"})

    page = client.get(request.get_absolute_url()).content.decode()
    assert "<p>Dear city,<br>\nthank you.</p>" in page
    assert "<strong>Important</strong>" in page and "<li>one</li>" in page
    assert f'<a href="https://example.org/guide" rel="{LINK_REL}">https://example.org/guide</a>' in page
    assert "&lt;b&gt;raw&lt;/b&gt;" in page


def test_a_preview_shows_the_message_as_it_will_read_and_keeps_what_was_typed(client, asked):
    request, _, hub = asked
    client.force_login(hub)
    url = reverse("request-message-preview", args=[request.reference])
    typed = {"body": "**Draft** with https://example.org", "visibility": "internal"}

    fragment = client.post(url, typed, headers={"X-Preview": "fragment"}).content.decode()
    page = client.post(url, {**typed, "attachment": SimpleUploadedFile("a.pdf", PDF)}).content.decode()

    for html in (fragment, page):
        assert "<strong>Draft</strong>" in html and f'rel="{LINK_REL}"' in html
    assert "<html" not in fragment
    # The page again: the text as typed, the channel still chosen, a word that the file must be chosen again.
    assert "**Draft** with https://example.org</textarea>" in page
    assert re.search(r'value="internal"[^>]*checked', page)
    assert "does not keep the files" in page
    assert not Message.objects.filter(body__contains="Draft").exists()


def test_a_preview_is_for_those_who_may_write(client, asked):
    request, *_ = asked
    client.force_login(hub_staff(CityFactory().region))  # another hub's staff
    url = reverse("request-message-preview", args=[request.reference])
    assert client.post(url, {"body": "x"}).status_code == 404


def test_each_message_lists_its_files_and_the_side_list_names_sender_and_date(client, asked):
    request, _, hub = asked
    client.force_login(hub)
    client.post(
        _message_url(request),
        {"body": "Notes attached.", "visibility": "city", "attachment": SimpleUploadedFile("notes.pdf", PDF)},
    )
    file = Attachment.objects.get(original_name="notes.pdf")
    assert file.message_id is not None

    page = client.get(request.get_absolute_url()).content.decode()
    article = page[page.index("Notes attached.") :].split("</article>")[0]
    assert f'<a href="{reverse("attachment-download", args=[file.pk])}"><bdi>notes.pdf</bdi></a>' in article
    files = page[page.index('id="files-title"') :].split("</section>")[0]
    assert f"<bdi>{hub}</bdi>" in files and "<time" in files


def test_the_city_sees_the_question_above_both_boxes_and_its_message_is_the_answer(client, asked):
    request, focal, _ = asked
    client.force_login(focal)

    page = client.get(request.get_absolute_url()).content.decode()
    assert page.count("The hub's question") == 2  # above the message box and the answer form
    assert page.count("QUESTION: who else?") >= 3  # and in the messages
    assert ANSWERS in page
    move_page = client.get(reverse("request-move", args=[request.reference, "provide_info"])).content.decode()
    assert "QUESTION: who else?" in move_page

    typed = {"body": "The **youth** department.", "visibility": "city"}
    response = client.post(_message_url(request), typed, follow=True)

    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED
    assert "Your answer was sent to the hub." in response.content.decode()
    answer = TransitionLog.objects.filter(request=request).latest("seq")
    assert answer.transition == "provide_info"
    assert Message.objects.get(pk=answer.data["message"]).body == "<p>The <strong>youth</strong> department.</p>"
    assert "The hub's question" not in response.content.decode()


def test_the_hub_is_not_shown_the_citys_question_box(client, asked):
    request, _, hub = asked
    client.force_login(hub)
    page = client.get(request.get_absolute_url()).content.decode()
    assert "The hub's question" not in page and ANSWERS not in page


def test_files_on_messages_cost_no_query_per_message(client, asked, django_assert_max_num_queries):
    request, focal, hub = asked
    client.force_login(focal)
    counts = []
    for total in (3, 30):
        while Message.objects.filter(request=request).count() < total:
            message = Message.objects.create(request=request, author=hub, body="<p>Note</p>", visibility="city")
            Attachment.objects.create(
                request=request,
                message=message,
                file=f"attachments/{request.pk}/{message.pk}",
                original_name=f"n-{message.pk}.pdf",
                size=1000,
                content_type="application/pdf",
                visibility="city",
                uploaded_by=hub,
            )
        client.get(request.get_absolute_url())
        with django_assert_max_num_queries(20) as captured:
            page = client.get(request.get_absolute_url()).content.decode()
        assert page.count('<ul class="file-list list-unstyled small mt-1 mb-0"') == total - 1  # all but the question
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_description_keeps_the_shape_it_was_typed_in(client):
    city = CityFactory()
    focal = focal_point(city)
    client.force_login(focal)
    typed = "What we need:\n\n- a **youth** council\n- a budget\n\nhttps://example.org/plan"
    client.post("/requests/new/", {"city": city.pk, "title": "Youth council", "description": typed})
    request = SupportRequest.objects.get()

    page = client.get(request.get_absolute_url()).content.decode()
    assert "<li>a <strong>youth</strong> council</li>" in page
    assert f'<a href="https://example.org/plan" rel="{LINK_REL}">' in page
    # The draft is edited as it was typed.
    edit = client.get(reverse("request-edit", args=[request.reference])).content.decode()
    assert "- a **youth** council" in edit
