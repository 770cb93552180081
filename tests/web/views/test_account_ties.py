"""The profile's "Cities I am tied to": offered to the management unit and hub staff, saved through
``helpdesk.services.ties.tied_cities_set`` (a people-log line per change)."""

import pytest
from django.urls import reverse

from helpdesk.models import PeopleLog
from helpdesk.services.ties import TIES_DECLARED
from tests.factories import CityFactory, focal_point, management
from tests.web.pages import profile_post

pytestmark = pytest.mark.django_db


def test_a_management_member_declares_the_cities_they_are_tied_to(client):
    person = management()
    amman, _other = CityFactory(name="Amman"), CityFactory(name="Irbid")
    client.force_login(person)

    html = client.get(reverse("profile")).content.decode()
    assert "Cities I am tied to" in html and "does not decide its grants" in html
    response = client.post(reverse("profile"), profile_post(person, tied_cities=[amman.pk]))

    assert response.status_code == 302
    assert list(person.tied_cities.all()) == [amman]
    assert PeopleLog.objects.filter(person=person, action=TIES_DECLARED).count() == 1
    # Saving the profile again without touching them records nothing more; clearing them is a change.
    client.post(reverse("profile"), profile_post(person, tied_cities=[amman.pk]))
    assert PeopleLog.objects.filter(person=person, action=TIES_DECLARED).count() == 1
    client.post(reverse("profile"), profile_post(person))
    assert not person.tied_cities.exists()
    assert PeopleLog.objects.filter(person=person, action=TIES_DECLARED).count() == 2


def test_a_focal_point_is_not_asked_and_cannot_post_ties(client):
    city = CityFactory()
    person = focal_point(city)
    client.force_login(person)

    assert "Cities I am tied to" not in client.get(reverse("profile")).content.decode()
    response = client.post(reverse("profile"), profile_post(person, tied_cities=[city.pk]))

    assert response.status_code == 302
    assert not person.tied_cities.exists()


def test_an_unknown_city_is_refused_on_the_field(client):
    person = management()
    client.force_login(person)

    response = client.post(reverse("profile"), profile_post(person, tied_cities=["999999"]))

    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert not person.tied_cities.exists()
