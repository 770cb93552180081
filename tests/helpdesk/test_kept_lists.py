"""The kept lists (``helpdesk.kept_lists``): the write that changes one drops it when it commits, so the next page
reads the change at once rather than within the minute they are kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpdesk.models import Role
from helpdesk.selectors import queue_filter_choices
from helpdesk.services import user_set_roles
from helpdesk.services.cities import city_create
from notifications.selectors import watch_candidates
from notifications.services.people import person_deactivate, person_reactivate
from tests.factories import CityFactory, RegionFactory, SupportRequestFactory, UserFactory, hub_staff, management
from tests.web.pages import profile_post

pytestmark = pytest.mark.django_db


def _names(colleagues: list) -> list[str]:
    return [colleague.name for colleague in colleagues]


def test_a_new_city_shows_in_its_hubs_filter_bar_at_once(django_capture_on_commit_callbacks, django_assert_num_queries):
    region = RegionFactory()
    CityFactory(region=region, name="Alpha", country="KE")
    staff = hub_staff(region)
    unit = management()
    queue_filter_choices(staff)
    with django_assert_num_queries(0):
        kept = queue_filter_choices(staff)  # kept: no read
    assert [name for _, name in kept.cities] == ["Alpha"]

    with django_capture_on_commit_callbacks(execute=True):
        city_create(actor=unit, region=region, name="Beta", country="TZ", languages=["en"])
    assert [name for _, name in queue_filter_choices(staff).cities] == ["Alpha", "Beta"]
    assert ("TZ", "Tanzania") in queue_filter_choices(staff).countries


def test_the_drop_waits_for_the_commit(django_capture_on_commit_callbacks):
    region = RegionFactory()
    staff = hub_staff(region)
    queue_filter_choices(staff)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        city_create(actor=management(), region=region, name="Gamma", country="KE", languages=["en"])
        # A page read before the commit still sees the kept list (and would otherwise keep the old one again).
        assert queue_filter_choices(staff).cities == []
    assert len(pending) == 1


def test_a_new_colleague_and_a_deactivated_one_show_at_once(django_capture_on_commit_callbacks):
    region = RegionFactory()
    request = SupportRequestFactory(city=CityFactory(region=region))
    lead = hub_staff(region, first_name="Amina", last_name="Odhiambo", is_hub_lead=True)
    unit = management(first_name="Zoe", last_name="Unit")
    newcomer = UserFactory(first_name="Bruno", last_name="Diallo", region=region)
    assert _names(watch_candidates(request)) == ["Amina Odhiambo", "Zoe Unit"]
    assert [name for _, name in queue_filter_choices(lead).owners] == ["Amina Odhiambo"]

    with django_capture_on_commit_callbacks(execute=True):
        user_set_roles(user=newcomer, roles=[Role.HUB_STAFF])
    assert _names(watch_candidates(request)) == ["Amina Odhiambo", "Bruno Diallo", "Zoe Unit"]
    assert [name for _, name in queue_filter_choices(lead).owners] == ["Amina Odhiambo", "Bruno Diallo"]

    with django_capture_on_commit_callbacks(execute=True):
        person_deactivate(actor=unit, person=newcomer, reason="Left the hub")
    assert _names(watch_candidates(request)) == ["Amina Odhiambo", "Zoe Unit"]
    with django_capture_on_commit_callbacks(execute=True):
        person_reactivate(actor=unit, person=newcomer, reason="Back from leave")
    assert _names(watch_candidates(request)) == ["Amina Odhiambo", "Bruno Diallo", "Zoe Unit"]


def test_a_role_taken_away_leaves_every_hubs_lists(django_capture_on_commit_callbacks):
    """The management unit is among every hub's watcher candidates: one of them leaving drops every hub's list."""
    first, second = RegionFactory(), RegionFactory()
    requests = [SupportRequestFactory(city=CityFactory(region=region)) for region in (first, second)]
    unit = management(first_name="Zoe", last_name="Unit")
    assert all(_names(watch_candidates(request)) == ["Zoe Unit"] for request in requests)
    with django_capture_on_commit_callbacks(execute=True):
        user_set_roles(user=unit, roles=[Role.FOCAL_POINT])
    assert all(watch_candidates(request) == [] for request in requests)


def test_a_name_changed_on_the_profile_shows_in_the_lists(client, django_capture_on_commit_callbacks):
    region = RegionFactory()
    request = SupportRequestFactory(city=CityFactory(region=region))
    staff = hub_staff(region, first_name="Amina", last_name="Odhiambo", email="amina@example.org")
    assert _names(watch_candidates(request)) == ["Amina Odhiambo"]
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("profile"), profile_post(staff, last_name="Wanjiru"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _names(watch_candidates(request)) == ["Amina Wanjiru"]
