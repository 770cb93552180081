"""Filing after an incident from the focal point's home: the short form, its errors on the fields, the screening
confirmation that keeps what was typed, and who may file."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.models import RequestState, Sensitivity, SupportRequest
from tests.factories import CityFactory, RegionFactory, focal_point, hub_staff

pytestmark = pytest.mark.django_db

URL = "/requests/incident/"
NOW = datetime(2026, 12, 3, 18, 30, tzinfo=UTC)  # Thursday, 20:30 in Saida
TYPED = {
    "what_happened": "An arson attack on a community centre near the old souk, late this afternoon.",
    "incident_at": "2026-12-03T17:30",  # in the focal point's time zone (Beirut): 15:30 UTC
    "help_needed": "Advice on a community meeting tomorrow and on the mayor's first statement.",
}


@pytest.fixture
def saida():
    region = RegionFactory(code="mena", name="MENA", time_zone="Asia/Beirut", working_days=[7, 1, 2, 3, 4])
    return CityFactory(region=region, name="Saida", country="LB")


@pytest.fixture
def focal(client, saida, time_machine):
    time_machine.move_to(NOW, tick=False)
    hub_staff(saida.region, username="hub.mena", is_hub_lead=True)
    user = focal_point(saida, username="focal.saida", time_zone="Asia/Beirut")
    client.force_login(user)
    return user


def test_the_home_page_leads_to_the_form(client, focal):
    home = client.get("/city/").content.decode()

    assert 'href="/requests/incident/"' in home and "Ask for urgent help after an incident" in home
    assert "within 24 hours" in home


def test_filed_it_goes_to_the_hub_on_the_fast_track_and_says_who_was_alerted(client, focal, saida):
    form = client.get(URL).content.decode()
    assert 'type="datetime-local"' in form and "Asia/Beirut" in form
    assert f'name="city" value="{saida.pk}"' in form  # one city: not asked

    response = client.post(URL, {**TYPED, "city": saida.pk}, follow=True)

    request = SupportRequest.objects.get()
    assert response.redirect_chain == [(request.get_absolute_url(), 302)]
    assert request.state == RequestState.SUBMITTED and request.fast_tracked_at == NOW
    assert request.incident_at == datetime(2026, 12, 3, 15, 30, tzinfo=UTC)
    assert request.due_at == NOW + timedelta(hours=24)
    page = html.unescape(response.content.decode())
    assert "The staff of the MENA hub, its lead and the network's management unit were alerted" in page
    assert "Fast track" in page and "Answer due in 24 hours" in page
    assert "When the incident happened" in page


def test_errors_are_shown_on_their_fields_and_nothing_typed_is_lost(client, focal, saida):
    response = client.post(URL, {**TYPED, "city": saida.pk, "what_happened": "", "incident_at": "yesterday"})

    page = response.content.decode()
    assert response.status_code == 200 and not SupportRequest.objects.exists()
    assert 'id="id_what_happened_error"' in page and 'id="id_incident_at_error"' in page
    assert "Advice on a community meeting tomorrow" in page


def test_an_incident_in_the_future_is_an_error_on_its_field(client, focal, saida):
    response = client.post(URL, {**TYPED, "city": saida.pk, "incident_at": "2026-12-04T23:00"})

    page = response.content.decode()
    assert response.status_code == 200 and not SupportRequest.objects.exists()
    assert 'id="id_incident_at_error"' in page and "cannot be in the future" in page


def test_personal_data_asks_to_confirm_and_keeps_the_text(client, focal, saida):
    typed = {**TYPED, "city": saida.pk, "help_needed": "Call the deputy mayor on +961 71 123 456."}

    response = client.post(URL, typed)

    page = response.content.decode()
    assert response.status_code == 200 and not SupportRequest.objects.exists()
    assert "This looks like personal data" in page and 'id="id_help_needed_error"' in page
    assert "Call the deputy mayor on +961 71 123 456." in page and "An arson attack" in page
    assert 'name="confirm_personal_data"' in page

    response = client.post(URL, {**typed, "confirm_personal_data": "on"})

    request = SupportRequest.objects.get()
    assert response.status_code == 302 and request.sensitivity == Sensitivity.RESTRICTED
    assert request.state == RequestState.SUBMITTED


def test_a_focal_point_of_several_cities_chooses_one(client, focal, saida):
    tyre = CityFactory(region=saida.region, name="Tyre", country="LB")
    focal.cities.add(tyre)

    form = client.get(URL).content.decode()
    assert '<select name="city"' in form and "Tyre" in form
    client.post(URL, {**TYPED, "city": tyre.pk})

    assert SupportRequest.objects.get().city == tyre


def test_another_citys_focal_point_cannot_file_for_it(client, focal):
    other = CityFactory(region=RegionFactory())

    assert client.get(f"{URL}?city={other.pk}").status_code == 404
    assert client.post(URL, {**TYPED, "city": other.pk}).status_code == 404
    assert not SupportRequest.objects.exists()


def test_someone_who_is_no_focal_point_is_refused(client, saida):
    client.force_login(hub_staff(saida.region))

    assert client.get(URL).status_code == 403
    assert client.post(URL, {**TYPED, "city": saida.pk}).status_code == 403


def test_the_form_speaks_arabic_right_to_left(client, focal):
    focal.preferred_language = "ar"
    focal.save(update_fields=["preferred_language"])

    page = client.get(URL).content.decode()

    assert 'lang="ar" dir="rtl"' in page
    assert 'name="what_happened"' in page and 'dir="auto"' in page
