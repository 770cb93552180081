"""The profile's choice of where hub staff's and the management unit's replies by e-mail land: shown only to them
(and only when replies by e-mail are on), saved through its service, recorded in the person's history."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from helpdesk.models import Visibility
from helpdesk.services.accounts import mail_reply_visibility_set
from tests.factories import CityFactory, RegionFactory, expert, focal_point, hub_staff, management, steering

pytestmark = pytest.mark.django_db

FIELD = 'name="mail_reply_visibility"'


@pytest.fixture(autouse=True)
def _replies_on(settings):
    settings.REPLY_EMAIL_DOMAIN = "reply.example.org"


def posted(person, **changes: str) -> dict[str, str]:
    """The profile form as the page sends it back, with ``changes``."""
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": person.phone,
        "organisation": person.organisation,
        "preferred_language": person.preferred_language,
        "notification_mode": person.notification_mode,
        **changes,
    }


def history(person) -> list[str]:
    entries = LogEntry.objects.filter(object_id=str(person.pk)).order_by("pk")
    return list(entries.values_list("change_message", flat=True))


def test_shown_to_hub_staff_and_the_management_unit_only(client):
    shown = {
        "hub staff": hub_staff(RegionFactory()),
        "management": management(),
    }
    hidden = {
        "focal point": focal_point(CityFactory()),
        "expert": expert(),
        "steering": steering(),
    }
    for who, person in {**shown, **hidden}.items():
        client.force_login(person)
        page = client.get(reverse("profile")).content.decode()
        assert (FIELD in page) == (who in shown), who
        if who in shown:
            assert "When you reply to a notification e-mail about a request" in page
            assert 'value="internal" id="id_mail_reply_visibility_0" checked' in page


def test_not_shown_when_replies_by_email_are_off(client, settings):
    settings.REPLY_EMAIL_DOMAIN = ""
    client.force_login(hub_staff(RegionFactory()))
    assert FIELD not in client.get(reverse("profile")).content.decode()


def test_hub_staff_choose_the_city_channel_and_the_change_is_recorded(client):
    person = hub_staff(RegionFactory())
    client.force_login(person)
    response = client.post(reverse("profile"), posted(person, mail_reply_visibility=Visibility.CITY))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.mail_reply_visibility == Visibility.CITY
    assert history(person) == ["Replies by e-mail: internal → city"]
    # Saving the profile again without changing the choice records nothing more.
    client.post(reverse("profile"), posted(person, mail_reply_visibility=Visibility.CITY, organisation="Hub"))
    person.refresh_from_db()
    assert person.organisation == "Hub" and len(history(person)) == 1


def test_a_value_outside_the_choices_is_refused_on_the_page(client):
    person = management()
    client.force_login(person)
    response = client.post(reverse("profile"), posted(person, mail_reply_visibility=Visibility.EXPERT))
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    person.refresh_from_db()
    assert person.mail_reply_visibility == Visibility.INTERNAL and history(person) == []


def test_a_focal_point_posting_the_choice_changes_nothing(client):
    person = focal_point(CityFactory())
    client.force_login(person)
    response = client.post(reverse("profile"), posted(person, mail_reply_visibility=Visibility.CITY))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.mail_reply_visibility == Visibility.INTERNAL and history(person) == []


def test_the_service_refuses_anyone_with_one_channel_and_any_other_value():
    for person in (focal_point(CityFactory()), expert(), steering()):
        with pytest.raises(PermissionDenied):
            mail_reply_visibility_set(user=person, visibility=Visibility.CITY)
        person.refresh_from_db()
        assert person.mail_reply_visibility == Visibility.INTERNAL and history(person) == []
    staff = hub_staff(RegionFactory())
    with pytest.raises(ValidationError):
        mail_reply_visibility_set(user=staff, visibility=Visibility.EXPERT)
    assert mail_reply_visibility_set(user=staff, visibility=Visibility.CITY) is True
    assert mail_reply_visibility_set(user=staff, visibility=Visibility.CITY) is False
    assert mail_reply_visibility_set(user=staff, visibility=Visibility.INTERNAL) is True
    assert history(staff) == ["Replies by e-mail: internal → city", "Replies by e-mail: city → internal"]
