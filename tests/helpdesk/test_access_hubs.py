"""Who may read and keep a hub's calendar (``helpdesk.access_hubs``, asked through ``can``)."""

from __future__ import annotations

import pytest

from helpdesk.access import can
from helpdesk.models import Role
from tests.access_world import ROLES, World, build_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def _allowed(world: World, action: str, obj: object = None) -> set[str]:
    people = {**{role: world.user(role) for role in ROLES}, "hub_lead": world.extra["hub_lead"]}
    return {name for name, person in people.items() if can(person, action, obj)}


def test_a_hubs_staff_and_the_management_unit_read_its_calendar(world):
    region_a, region_b = world.req.region, world.req_other_region.region
    assert _allowed(world, "view_hub_calendar", region_a) == {"hub_region", "hub_lead", "management"}
    assert _allowed(world, "view_hub_calendar", region_b) == {"hub_other_region", "management"}
    # Without a hub: whether the person reads one at all.
    assert _allowed(world, "view_hub_calendar") == {"hub_region", "hub_other_region", "hub_lead", "management"}


def test_its_lead_and_the_management_unit_keep_it(world):
    region_a = world.req.region
    assert _allowed(world, "edit_hub_calendar", region_a) == {"hub_lead", "management"}
    assert _allowed(world, "edit_hub_calendar", world.req_other_region.region) == {"management"}
    assert _allowed(world, "edit_hub_calendar") == set()


def test_a_deactivated_lead_and_a_steering_member_who_leads_a_hub_may_not(world):
    region_a = world.req.region
    lead = world.extra["hub_lead"]
    lead.is_active = False
    assert not can(lead, "view_hub_calendar", region_a)
    both = UserFactory(roles=[Role.HUB_STAFF, Role.STEERING], region=region_a, is_hub_lead=True)
    assert not can(both, "view_hub_calendar", region_a) and not can(both, "edit_hub_calendar", region_a)
