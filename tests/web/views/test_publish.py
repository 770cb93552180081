""" "Publish what was learned" as people use it: hub staff start the draft from a closed request (prefilled from
its shareable summary and outcomes only, refusals shown on their field), the city's focal point reads exactly
what would be published and answers, and the request page links to the resource for those who may see both."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk import services
from helpdesk.models import Consent, Resource
from tests.factories import CityFactory, focal_point, hub_staff
from tests.publishing_world import CITY_NAME, EMAIL, MARKERS, PHONE, build, everything_about, leaks

pytestmark = pytest.mark.django_db


def _url(world):
    return reverse("request-publish", kwargs={"reference": world.request.reference})


def _form_values(html: str) -> str:
    """What the form's fields hold (inputs' values, text areas' text): what the draft would save."""
    values = re.findall(r'<input[^>]*name="(?:title|kind|language)"[^>]*value="([^"]*)"', html)
    areas = re.findall(r"<textarea[^>]*>(.*?)</textarea>", html, re.S)
    return " ".join(values + areas)


def _post(client, world, **changes):
    data = {
        "kind": "practice",
        "language": "fr",
        "title": "Former les agents municipaux",
        "summary": "La ville a formé 40 agents.",
        "body": "**Ce qui a été fait**\n\nUne formation.",
        "themes": ["multi_agency"],
        "priorities": ["3"],
        **changes,
    }
    return client.post(_url(world), data)


def test_the_hub_sees_the_draft_prefilled_from_the_summary_and_outcomes_only(client):
    world = build()
    client.force_login(world.hub)
    response = client.get(_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    fields = _form_values(html)
    assert "La ville a formé 40 agents municipaux" in fields
    assert "Agents municipaux formés" in fields  # the outcome, in the request's language
    assert leaks(fields) == []
    # Nothing of the request but its reference and title (in the link back) reaches the page.
    for name, marker in MARKERS.items():
        if name != "title":
            assert marker not in html
    assert PHONE not in html and EMAIL not in html
    assert 'value="practice" selected' in html or 'value="practice" selected>' in html.replace("\n", "")


def test_the_page_warns_when_the_prefill_names_the_city(client):
    world = build()
    type(world.request).objects.filter(pk=world.request.pk).update(summary=f"{CITY_NAME} trained its staff.")
    client.force_login(world.hub)
    assert 'id="names-city"' in client.get(_url(world)).content.decode()


def test_saving_starts_the_draft_and_asks_the_city(client):
    world = build()
    client.force_login(world.hub)
    response = _post(client, world)
    resource = Resource.objects.get(source_request=world.request)
    assert response.status_code == 302
    assert response["Location"] == reverse("resource-consent", kwargs={"slug": resource.slug})
    assert resource.consent == Consent.ASKED and resource.created_by_id == world.hub.pk
    assert leaks(everything_about(resource)) == []


def test_personal_data_and_the_citys_name_are_refused_on_their_field(client):
    world = build()
    client.force_login(world.hub)
    response = _post(client, world, summary=f"Call {PHONE}.")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_summary_error"' in html and "personal data" in html
    response = _post(client, world, title=f"Ce que {CITY_NAME} a appris")
    assert 'id="id_title_error"' in response.content.decode()
    assert not Resource.objects.exists()


def test_only_the_hub_of_a_closed_request_opens_the_page(client):
    world = build()
    for person in (world.other_hub, world.focal, world.management):
        client.force_login(person)
        assert client.get(_url(world)).status_code == 404
    open_world = build(state="delivered", city_name="Elsewhere")
    client.force_login(open_world.hub)
    assert client.get(_url(open_world)).status_code == 404


def _started(client, world):
    client.force_login(world.hub)
    _post(client, world)
    resource = Resource.objects.get(source_request=world.request)
    services.resource_version_save(
        resource=resource, actor=world.hub, language="en", title="Training municipal staff", body="<p>Training.</p>"
    )
    services.resource_file_add(
        resource=resource,
        actor=world.hub,
        upload=SimpleUploadedFile("guide.txt", b"Steps of the training.\n", "text/plain"),
    )
    return resource


def test_the_focal_point_reads_every_version_and_file_and_answers(client):
    world = build()
    resource = _started(client, world)
    url = reverse("resource-consent", kwargs={"slug": resource.slug})
    client.force_login(world.focal)
    html = client.get(url).content.decode()
    assert "Former les agents municipaux" in html and "Training municipal staff" in html and "guide.txt" in html
    assert 'name="answer"' in html
    response = client.post(url, {"answer": "anonymous"})
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.consent == Consent.ANONYMOUS and resource.consent_by_id == world.focal.pk
    # Answered: the page says so, and asks nothing more.
    html = client.get(url).content.decode()
    assert 'name="answer"' not in html and str(Consent.ANONYMOUS.label) in html
    assert client.post(url, {"answer": "named"}).status_code == 200
    resource.refresh_from_db()
    assert resource.consent == Consent.ANONYMOUS


def test_the_consent_page_is_for_the_city_and_the_staff_over_the_resource(client):
    world = build()
    resource = _started(client, world)
    url = reverse("resource-consent", kwargs={"slug": resource.slug})
    client.force_login(world.hub)
    html = client.get(url).content.decode()
    assert 'name="answer"' not in html and str(Consent.ASKED.label) in html
    for person in (world.other_hub, focal_point(CityFactory(region=world.request.region))):
        client.force_login(person)
        assert client.get(url).status_code == 404


def test_the_request_page_links_to_the_resource_for_those_who_see_both(client):
    world = build()
    client.force_login(world.hub)
    html = client.get(world.request.get_absolute_url()).content.decode()
    assert _url(world) in html and "Publish what was learned" in html
    resource = _started(client, world)
    consent_url = reverse("resource-consent", kwargs={"slug": resource.slug})
    for person in (world.hub, world.focal, world.management):
        client.force_login(person)
        html = client.get(world.request.get_absolute_url()).content.decode()
        assert consent_url in html and "Draft resource:" in html
    client.force_login(world.focal)
    assert _url(world) not in client.get(world.request.get_absolute_url()).content.decode()
    # Another hub's staff cannot see the request at all.
    client.force_login(hub_staff(world.other_hub.region))
    assert client.get(world.request.get_absolute_url()).status_code == 404
