"""The profile's time zone: a list of the zone database's places under their area, the default explained, saved
through ``helpdesk.services.accounts.time_zone_set``."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from tests.factories import CityFactory, focal_point
from tests.web.pages import profile_post
from web.forms.account import time_zone_choices

pytestmark = pytest.mark.django_db


def test_the_profile_offers_time_zones_by_area_with_the_default_explained(client):
    person = focal_point(CityFactory())
    client.force_login(person)
    html = client.get(reverse("profile")).content.decode()
    assert '<select name="time_zone"' in html
    assert '<optgroup label="Africa">' in html and '<option value="Africa/Dar_es_Salaam">Dar es Salaam</option>' in html
    assert "Default: UTC" in html
    choices = time_zone_choices()
    assert choices[0][0] == ""
    assert all("/" in name for _area, zones in choices[1:] for name, _label in zones)
    assert not any(name.startswith("US/") for _area, zones in choices[1:] for name, _label in zones)


def test_the_profile_saves_the_time_zone_and_records_it(client):
    person = focal_point(CityFactory())
    client.force_login(person)
    response = client.post(reverse("profile"), profile_post(person, time_zone="America/Montreal"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.time_zone == "America/Montreal"
    assert LogEntry.objects.filter(object_id=str(person.pk), change_message__startswith="Time zone").count() == 1
    # Saving again without touching it records nothing more; a made-up zone is refused on the field.
    client.post(reverse("profile"), profile_post(person))
    assert LogEntry.objects.filter(object_id=str(person.pk), change_message__startswith="Time zone").count() == 1
    response = client.post(reverse("profile"), profile_post(person, time_zone="Europe/Atlantis"))
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    person.refresh_from_db()
    assert person.time_zone == "America/Montreal"
