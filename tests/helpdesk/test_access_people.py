"""Who may manage the network's people and city records (``helpdesk.access_people``, asked through ``can``), and
a former focal point's kept read access (``RetainedRead``): read, never write."""

from __future__ import annotations

import pytest
from django.utils import timezone

from helpdesk.access import can, readable_channels
from helpdesk.models import ExpertProfile, Invitation, RetainedRead, Role, Visibility
from helpdesk.selectors import visible_requests
from tests.access_world import ROLES, World, build_world
from tests.factories import CityFactory, focal_point, hub_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def _people(world: World) -> dict[str, object]:
    """Every column of the matrix plus region A's lead."""
    return {**{role: world.user(role) for role in ROLES}, "hub_lead": world.extra["hub_lead"]}


def _allowed(world: World, action: str, obj: object = None, **context: object) -> set[str]:
    return {name for name, person in _people(world).items() if can(person, action, obj, **context)}


def test_who_may_invite_into_each_role(world):
    a1, region_a = world.req.city, world.req.region
    b1, region_b = world.req_other_region.city, world.req_other_region.region
    everyone_who_invites = {"hub_region", "hub_other_region", "hub_lead", "management"}
    assert _allowed(world, "invite") == everyone_who_invites
    # A focal point of a city: its hub's lead and the management unit, never a hub officer or another hub.
    assert _allowed(world, "invite", role=Role.FOCAL_POINT, city=a1) == {"hub_lead", "management"}
    assert _allowed(world, "invite", role=Role.FOCAL_POINT, city=b1) == {"management"}
    # Hub staff: an officer of the lead's own hub; a lead, or another hub's staff, only from the management unit.
    assert _allowed(world, "invite", role=Role.HUB_STAFF, region=region_a) == {"hub_lead", "management"}
    assert _allowed(world, "invite", role=Role.HUB_STAFF, region=region_a, is_hub_lead=True) == {"management"}
    assert _allowed(world, "invite", role=Role.HUB_STAFF, region=region_b) == {"management"}
    # Nominating an expert: any hub staff; the roles above a hub lead's, the management unit only.
    assert _allowed(world, "invite", role=Role.EXPERT) == everyone_who_invites
    assert _allowed(world, "invite", role=Role.MANAGEMENT) == {"management"}
    assert _allowed(world, "invite", role=Role.STEERING) == {"management"}
    # A scope is required where the role has one.
    assert _allowed(world, "invite", role=Role.FOCAL_POINT) == set()
    assert _allowed(world, "invite", role=Role.HUB_STAFF) == set()


def test_who_may_resend_or_revoke_an_invitation(world):
    lead = world.extra["hub_lead"]
    invitation = Invitation.objects.create(
        email="new@example.org",
        role=Role.FOCAL_POINT,
        city=world.req.city,
        invited_by=lead,
        nonce="n",
        expires_at=timezone.now(),
    )
    assert _allowed(world, "manage_invitation", invitation) == {"hub_lead", "management"}
    nomination = Invitation.objects.create(
        email="expert@example.org",
        role=Role.EXPERT,
        invited_by=world.user("hub_region"),
        nonce="n",
        expires_at=timezone.now(),
    )
    assert _allowed(world, "manage_invitation", nomination) == {"hub_region", "management"}


def test_who_may_deactivate_whom(world):
    region_a = world.req.region
    lead = world.extra["hub_lead"]
    other_lead = hub_staff(region_a, is_hub_lead=True)
    # The management unit: anyone but themselves.
    assert _allowed(world, "manage_person", world.user("own_city")) == {"hub_lead", "management"}
    assert _allowed(world, "manage_person", world.user("other_region_city")) == {"management"}
    assert _allowed(world, "manage_person", world.user("hub_region")) == {"hub_lead", "management"}
    assert _allowed(world, "manage_person", world.user("hub_other_region")) == {"management"}
    assert _allowed(world, "manage_person", other_lead) == {"management"}
    assert _allowed(world, "manage_person", world.user("assigned_expert")) == {"management"}
    assert _allowed(world, "manage_person", world.user("steering")) == {"management"}
    assert _allowed(world, "manage_person", world.user("management")) == set()
    assert not can(lead, "manage_person", lead)
    # A focal point of two cities in two hubs is the management unit's (no lead reaches both).
    both = focal_point(world.req.city)
    both.cities.add(world.req_other_region.city)
    assert _allowed(world, "manage_person", both) == {"management"}


def test_city_records_are_their_hubs_and_anonymity_the_citys_own(world):
    a1, b1 = world.req.city, world.req_other_region.city
    assert _allowed(world, "edit_city", a1) == {"hub_region", "hub_lead", "management"}
    assert _allowed(world, "edit_city", b1) == {"hub_other_region", "management"}
    assert _allowed(world, "handover_city", a1) == {"hub_region", "hub_lead", "management"}
    assert _allowed(world, "add_city", region=a1.region) == {"hub_region", "hub_lead", "management"}
    assert _allowed(world, "set_city_anonymity", a1) == {"own_city"}
    assert _allowed(world, "view_city_directory") == set(ROLES) - {"anonymous"} | {"hub_lead"}
    staff = {"hub_region", "hub_other_region", "hub_lead", "management"}
    assert _allowed(world, "view_membership_gaps") == staff
    assert _allowed(world, "view_people") == staff


def test_the_expert_pool_and_vetting(world):
    profile = ExpertProfile.objects.get(user=world.user("assigned_expert"))
    assert _allowed(world, "view_expert_pool") == {"hub_region", "hub_other_region", "hub_lead", "management"}
    assert _allowed(world, "vet_expert", profile) == {"management"}
    assert _allowed(world, "edit_expert_profile", profile) == {"assigned_expert", "management"}


def test_leave_standby_and_conflict_review(world):
    profile = ExpertProfile.objects.get(user=world.user("assigned_expert"))
    # Only the expert declares their own periods; the management unit and their own hubs' staff read them.
    assert _allowed(world, "manage_expert_availability", profile) == {"assigned_expert"}
    assert _allowed(world, "view_expert_availability", profile) == {"assigned_expert", "management"}
    profile.regions.add(world.req.region)
    profile = ExpertProfile.objects.prefetch_related("regions").get(pk=profile.pk)
    assert _allowed(world, "view_expert_availability", profile) == {
        "assigned_expert",
        "management",
        "hub_region",
        "hub_lead",
    }
    assert _allowed(world, "review_expert_conflicts", profile) == {"management"}
    assert _allowed(world, "review_expert_conflicts") == {"management"}
    own = ExpertProfile.objects.create(user=world.user("management"))
    assert not can(world.user("management"), "review_expert_conflicts", own)


def test_a_deactivated_person_may_manage_nothing(world):
    lead = world.extra["hub_lead"]
    lead.is_active = False
    assert not can(lead, "invite", role=Role.EXPERT)
    assert not can(lead, "view_people")
    assert not can(lead, "edit_city", world.req.city)


def test_a_former_focal_point_who_kept_read_access_reads_and_never_writes(world):
    former = world.extra["former_city"]
    assert can(former, "view", world.req)
    assert readable_channels(former, world.req) == frozenset({Visibility.CITY})
    assert can(former, "see_message", world.messages["city"])
    for action in ("act", "oversee", "view_grant", "edit_draft", "manage_owner"):
        assert not can(former, action, world.req), action
    assert not can(former, "comment", world.req, visibility=Visibility.CITY)
    assert not can(former, "view", world.req_same_region)
    assert not can(former, "view", world.draft)
    assert set(visible_requests(former)) == {world.req}


def test_kept_read_access_counts_only_for_a_focal_point(world):
    """A handover leaves the former focal point their role when the city asks to keep their read access; without
    the role the row reads nothing (and nobody else's access reads the rows at all)."""
    former = world.extra["former_city"]
    former.groups.clear()
    former.access_changed()
    assert not can(former, "view", world.req)
    assert not visible_requests(former).exists()


def test_kept_read_access_of_another_city_does_not_widen_a_current_focal_point(world):
    """A focal point of A2 who formerly filed world.req for A1 reads it, and still acts only for A2."""
    neighbour = world.user("same_region_city")
    RetainedRead.objects.create(user=neighbour, request=world.req)
    neighbour.access_changed()
    assert can(neighbour, "view", world.req)
    assert not can(neighbour, "act", world.req)
    assert can(neighbour, "act", world.req_same_region)
    assert set(visible_requests(neighbour)) == {world.req, world.req_same_region}


def test_a_new_city_of_the_hub_is_its_staffs_to_keep(world):
    c = CityFactory(region=world.req.region)
    assert _allowed(world, "edit_city", c) == {"hub_region", "hub_lead", "management"}
