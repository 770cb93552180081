"""The focal point's guided request form: drafts, personal-data warning, submission, nothing lost on error."""

import re

import pytest
from django.urls import reverse

from helpdesk.models import Sensitivity, SupportRequest
from tests.access_world import PDF_BYTES as PDF
from tests.factories import CityFactory, focal_point

pytestmark = pytest.mark.django_db

NEW = "/requests/new/"

COMPLETE = {
    "title": "Youth council across communities",
    "theme": "young_cities",
    "kind": "expert",
    "strategic_priority": "4",
    "description": "We want a youth council that brings young people of every community together.",
    "summary": "A youth council across communities.",
    "language": "en",
    "urgency": "normal",
    "desired_by": "2027-03-01",
    "currency": "EUR",
}


@pytest.fixture
def city():
    return CityFactory()


@pytest.fixture
def focal(client, city):
    user = focal_point(city)
    client.force_login(user)
    return user


def test_a_draft_needs_only_a_title_and_can_be_edited_later(client, focal, city):
    response = client.post(NEW, {"city": city.pk, "title": "Half-formed idea", "save": "1"})
    draft = SupportRequest.objects.get(title="Half-formed idea")
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    assert draft.state == "draft" and draft.city == city and draft.submitted_by == focal
    edit = reverse("request-edit", args=[draft.reference])
    assert 'value="Half-formed idea"' in client.get(edit).content.decode()
    client.post(edit, {**COMPLETE, "city": city.pk, "title": "Better title", "save": "1"})
    draft.refresh_from_db()
    assert (draft.title, draft.theme, draft.strategic_priority) == ("Better title", "young_cities", 4)


def test_nothing_typed_is_lost_on_a_validation_error(client, focal, city):
    response = client.post(NEW, {**COMPLETE, "city": city.pk, "title": "", "save": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "We want a youth council" in page and 'value="2027-03-01"' in page
    assert "is-invalid" in page
    assert not SupportRequest.objects.exists()


def test_personal_data_is_flagged_and_can_be_removed_or_confirmed(client, focal, city):
    typed = {**COMPLETE, "city": city.pk, "description": "Call the victim's mother on +44 20 7946 0958.", "save": "1"}
    response = client.post(NEW, typed)
    page = response.content.decode()
    assert response.status_code == 200 and not SupportRequest.objects.exists()
    assert "This looks like personal data" in page and "+44 20 7946 0958" in page
    assert "Call the victim" in page  # kept in the form
    response = client.post(NEW, {**typed, "confirm_personal_data": "on"})
    request = SupportRequest.objects.get()
    assert response.status_code == 302 and request.sensitivity == Sensitivity.RESTRICTED


def test_a_city_outside_ones_own_cannot_be_chosen(client, focal):
    other = CityFactory()
    response = client.post(NEW, {**COMPLETE, "city": other.pk, "save": "1"})
    assert response.status_code == 200 and not SupportRequest.objects.exists()


def test_submitting_sends_the_request_to_the_hub(client, focal, city):
    response = client.post(NEW, {**COMPLETE, "city": city.pk, "submit": "1"})
    request = SupportRequest.objects.get()
    assert response.status_code == 302
    assert request.state == "submitted"


def test_posted_fields_outside_the_form_change_nothing(client, focal, city):
    client.post(
        NEW,
        {
            **COMPLETE,
            "city": city.pk,
            "save": "1",
            "state": "closed",
            "owner": focal.pk,
            "reference": "SCN-1-1",
            "sensitivity": "shareable",
            "region": "1",
        },
    )
    request = SupportRequest.objects.get()
    assert request.state == "draft" and request.owner is None and request.reference != "SCN-1-1"


def test_only_a_draft_opens_the_edit_form(client, focal, city):
    from tests.web.pages import in_state

    submitted = in_state("submitted", city=city)
    response = client.get(reverse("request-edit", args=[submitted.reference]))
    assert response.status_code == 302 and response["Location"] == submitted.get_absolute_url()
    assert client.get(reverse("request-edit", args=[in_state("draft").reference])).status_code == 404


def test_a_file_can_be_attached_when_filing(client, focal, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        NEW, {**COMPLETE, "city": city.pk, "submit": "1", "attachment": SimpleUploadedFile("plan.pdf", PDF)}
    )
    request = SupportRequest.objects.get()
    assert response.status_code == 302 and request.state == "submitted"
    assert [a.original_name for a in request.attachments.all()] == ["plan.pdf"]
    assert "plan.pdf" in client.get(request.get_absolute_url()).content.decode()


def test_a_refused_file_keeps_the_draft_and_says_why(client, focal, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        NEW,
        {**COMPLETE, "city": city.pk, "submit": "1", "attachment": SimpleUploadedFile("x.pdf", b"<html>no</html>")},
    )
    request = SupportRequest.objects.get()
    page = response.content.decode()
    assert response.status_code == 200 and request.state == "draft" and not request.attachments.exists()
    assert "is-invalid" in page and "We want a youth council" in page
    assert f'action="/requests/{request.reference}/edit/"' in page


def _pdf(name="plan.pdf", content=PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_refused_submission_marks_each_missing_field_and_brings_the_first_into_view(client, focal, city):
    response = client.post(NEW, {**COMPLETE, "city": city.pk, "description": "", "summary": "", "submit": "1"})
    page = response.content.decode()
    draft = SupportRequest.objects.get()
    assert response.status_code == 200 and draft.state == "draft"
    # On the field: highlighted, its message next to it, read with it, and the first one focused.
    assert 'class="form-control is-invalid"' in page
    assert 'id="id_description_error"' in page and 'id="id_summary_error"' in page
    assert 'aria-describedby="id_description_error id_description_helptext"' in page
    assert page.count(" autofocus") == 1
    assert re.search(r'<textarea name="description"[^>]* aria-invalid="true" autofocus[^>]*>', page)
    # The summary above the form links to each field at fault.
    assert 'href="#id_description"' in page and 'href="#id_summary"' in page
    assert "Needed to submit the request." in page


def test_the_fields_needed_to_submit_are_marked_and_explained(client, focal):
    page = client.get(NEW).content.decode()
    assert "Fields marked * are needed to submit" in page
    for name in ("title", "description", "summary", "funding_requested"):
        label = page.split(f'for="id_{name}">')[1].split("</label>")[0]
        assert 'aria-hidden="true">*</span>' in label, name
    assert (
        "needed when you ask the fund for a grant" in page.split('for="id_funding_requested">')[1].split("</label>")[0]
    )
    assert "*" not in page.split('for="id_desired_by">')[1].split("</label>")[0]


def test_a_file_chosen_before_a_refused_submission_is_attached_once(client, focal, city):
    response = client.post(NEW, {**COMPLETE, "city": city.pk, "summary": "", "submit": "1", "attachment": _pdf()})
    draft = SupportRequest.objects.get()
    page = response.content.decode()
    assert [a.original_name for a in draft.attachments.all()] == ["plan.pdf"]
    assert (
        "Attached:" in page and "<bdi>plan.pdf</bdi>" in page and f'value="file-{draft.attachments.get().pk}"' in page
    )
    # Chosen again out of habit: still one copy once submitted.
    edit = reverse("request-edit", args=[draft.reference])
    response = client.post(edit, {**COMPLETE, "city": city.pk, "submit": "1", "attachment": _pdf()})
    draft.refresh_from_db()
    assert response.status_code == 302 and draft.state == "submitted"
    assert draft.attachments.count() == 1


def test_a_file_chosen_on_a_form_that_could_not_be_saved_is_kept_and_shown(client, focal, city):
    from helpdesk.models import HeldFile

    response = client.post(NEW, {**COMPLETE, "city": city.pk, "title": "", "save": "1", "attachment": _pdf()})
    page = response.content.decode()
    held = HeldFile.objects.get()
    assert not SupportRequest.objects.exists()
    assert "Kept:" in page and "<bdi>plan.pdf</bdi>" in page and f'name="kept" value="{held.pk}"' in page
    response = client.post(NEW, {**COMPLETE, "city": city.pk, "kept": [str(held.pk)], "submit": "1"})
    request = SupportRequest.objects.get()
    assert response.status_code == 302 and request.state == "submitted"
    assert [a.original_name for a in request.attachments.all()] == ["plan.pdf"]
    assert not HeldFile.objects.exists()


def test_a_kept_file_can_be_removed_and_nobody_elses_is_taken(client, focal, city):
    from helpdesk.models import HeldFile

    client.post(NEW, {**COMPLETE, "city": city.pk, "title": "", "save": "1", "attachment": _pdf()})
    held = HeldFile.objects.get()
    other = focal_point(city)
    client.force_login(other)
    client.post(NEW, {**COMPLETE, "city": city.pk, "kept": [str(held.pk)], "save": "1"})
    assert not SupportRequest.objects.get().attachments.exists()
    client.force_login(focal)
    client.post(NEW, {**COMPLETE, "city": city.pk, "kept": [str(held.pk)], "remove": [f"held-{held.pk}"], "save": "1"})
    assert not HeldFile.objects.exists()
    assert not SupportRequest.objects.filter(submitted_by=focal).get().attachments.exists()


def test_a_file_of_the_draft_can_be_removed_from_its_form(client, focal, city):
    client.post(NEW, {**COMPLETE, "city": city.pk, "save": "1", "attachment": _pdf()})
    draft = SupportRequest.objects.get()
    attachment = draft.attachments.get()
    edit = reverse("request-edit", args=[draft.reference])
    assert f'value="file-{attachment.pk}"' in client.get(edit).content.decode()
    client.post(edit, {**COMPLETE, "city": city.pk, "remove": [f"file-{attachment.pk}"], "save": "1"})
    assert not draft.attachments.exists()


def test_a_draft_is_continued_from_its_page_and_from_the_citys_home(client, focal, city):
    from tests.factories import hub_staff

    client.post(NEW, {"city": city.pk, "title": "Half-formed idea", "submit": "1"})
    draft = SupportRequest.objects.get()
    edit = reverse("request-edit", args=[draft.reference])
    page = client.get(draft.get_absolute_url()).content.decode()
    assert f'class="btn btn-primary" href="{edit}"' in page
    home = client.get(reverse("city-home")).content.decode()
    assert home.count(f'href="{edit}"') == 2  # waiting for you, and the list of all requests
    assert client.get(edit).status_code == 200
    client.force_login(hub_staff(city.region))
    assert edit not in client.get(draft.get_absolute_url()).content.decode()


def test_personal_data_marks_the_field_it_was_found_in(client, focal, city):
    response = client.post(
        NEW, {**COMPLETE, "city": city.pk, "description": "Call Jane on jane.doe@example.org", "save": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and not SupportRequest.objects.exists()
    assert 'id="id_description_error"' in page and 'href="#id_description"' in page
    assert re.search(r'<textarea name="description"[^>]* autofocus[^>]*>', page)


def test_the_citys_home_says_where_a_request_stands_without_repeating_its_state(client, focal, city):
    from tests.web.pages import in_state

    for state in ("draft", "closed", "delivered"):
        in_state(state, city=city, title=f"Request {state}")
    home = client.get(reverse("city-home")).content.decode()
    assert "Not sent to the hub yet" in home and "Draft:" not in home
    assert "The desk is waiting for your evaluation" in home and "Delivered:" not in home
    # A closed request's badge says it all: no phrase beside it saying "Closed" again.
    closed_cell = re.search(r'>Closed</span>\s*<span class="small">([^<]*)</span>', home)
    assert closed_cell is not None and closed_cell.group(1) == ""
