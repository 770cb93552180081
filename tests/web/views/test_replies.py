"""A hub's reply templates: the staff's page, and "Insert a template" on a request's message form."""

import pytest
from django.urls import reverse

from helpdesk.models import ReplyTemplate
from tests.factories import CityFactory, RegionFactory, focal_point, hub_staff, management
from tests.web.pages import in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return RegionFactory()


@pytest.fixture
def staff(client, region):
    user = hub_staff(region)
    client.force_login(user)
    return user


def test_hub_staff_write_edit_and_delete_their_hubs_templates(client, staff, region):
    assert "No template yet." in client.get(reverse("reply-templates")).content.decode()
    data = {
        "title": "Ask for the budget",
        "body_en": "Dear {focal_point}, the budget of {city}?",
        "body_fr": "",
        "body_ar": "ما هي الميزانية؟",
    }
    response = client.post(reverse("reply-template-new"), data)
    assert response.status_code == 302
    template = ReplyTemplate.objects.get()
    assert (template.region, template.created_by, template.body_ar) == (region, staff, "ما هي الميزانية؟")
    html = client.get(reverse("reply-templates")).content.decode()
    assert "<bdi>Ask for the budget</bdi>" in html and "{deadline}" in html
    edit = reverse("reply-template-edit", args=[template.pk])
    assert 'lang="ar" dir="rtl"' in client.get(edit).content.decode()
    client.post(edit, {**data, "body_fr": "Le budget de {city} ?"})
    template.refresh_from_db()
    assert template.body_fr == "Le budget de {city} ?"
    # Nothing written in any language: the form says so and keeps what was typed.
    refused = client.post(edit, {"title": "Empty", "body_en": "", "body_fr": "", "body_ar": ""})
    assert refused.status_code == 200 and "at least one language" in refused.content.decode()
    client.post(reverse("reply-template-delete", args=[template.pk]))
    assert not ReplyTemplate.objects.exists()


def test_another_hubs_templates_are_not_found(client, staff):
    theirs = ReplyTemplate.objects.create(region=RegionFactory(), title="Theirs", body_en="x")
    assert client.get(reverse("reply-template-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("reply-template-delete", args=[theirs.pk])).status_code == 404
    assert "Theirs" not in client.get(reverse("reply-templates")).content.decode()


def test_the_message_form_offers_the_hubs_templates_written_for_the_request(client, staff, region):
    city = CityFactory(region=region, name="Sfax")
    request = in_state("submitted", city=city, language="fr", submitted_by=focal_point(city, first_name="Leila"))
    template = ReplyTemplate.objects.create(
        region=region,
        title="Relance",
        body_en="Hello {focal_point}",
        body_fr="Bonjour {focal_point} ({city}, {reference})",
    )
    ReplyTemplate.objects.create(region=RegionFactory(), title="Other hub", body_en="x")
    html = client.get(request.get_absolute_url()).content.decode()
    assert "Insert a template" in html and "Other hub" not in html
    offered = html.split(f'<option value="{template.pk}" data-body="')[1].split('"')[0]
    assert offered.startswith("Bonjour Leila") and offered.endswith(f"(Sfax, {request.reference})")
    # Without scripting: the page again, the message box holding the template.
    prefilled = client.get(request.get_absolute_url(), {"template": template.pk})
    body = prefilled.context["message_form"]["body"].value()
    assert body == offered  # the same text the script inserts
    assert f'<option value="{template.pk}" data-body=' in prefilled.content.decode()
    # Another hub's template id fills nothing.
    other = ReplyTemplate.objects.get(title="Other hub")
    assert (
        client.get(request.get_absolute_url(), {"template": other.pk}).context["message_form"]["body"].value() is None
    )


def test_people_outside_the_hub_are_offered_no_template(client, region):
    request = in_state("submitted", city=CityFactory(region=region))
    ReplyTemplate.objects.create(region=region, title="Ours", body_en="x")
    for person in (focal_point(request.city), management()):
        client.force_login(person)
        html = client.get(request.get_absolute_url(), {"template": "1"}).content.decode()
        assert "Insert a template" not in html


def test_the_request_page_has_the_keyboard_help_for_staff(client, staff, region):
    request = in_state("submitted", city=CityFactory(region=region))
    html = client.get(request.get_absolute_url()).content.decode()
    assert 'data-shortcuts="request"' in html and "<kbd>r</kbd>" in html
    client.force_login(focal_point(request.city))
    assert "shortcuts-help" not in client.get(request.get_absolute_url()).content.decode()


def test_the_templates_page_names_the_hub_in_the_readers_language(client, staff, region):
    region.name, region.name_fr = "East Africa", "Afrique de l'Est"
    region.save(update_fields=["name", "name_fr"])
    client.post(reverse("set-language"), {"language": "fr", "next": "/"})
    html = client.get(reverse("reply-templates")).content.decode()
    assert "Afrique de l&#x27;Est" in html and "East Africa" not in html
