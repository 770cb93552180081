"""A small network around one request, with someone in every role the recipients table names."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import translation
from django_q.conf import Conf

from helpdesk.models import ExpertAssignment, RequestState, SupportRequest, User
from helpdesk.services import expert_access_grant
from notifications.models import Watch
from tests.factories import CityFactory, RegionFactory, SupportRequestFactory, expert, focal_point, hub_staff
from tests.factories import management as management_user
from tests.factories import steering as steering_user


@pytest.fixture(autouse=True)
def _sync_tasks(monkeypatch):
    """django-q2 runs a queued task at once, in this process (its documented mode for tests).

    The qcluster integration tests turn it off to hand the tasks to a real cluster.
    """
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@dataclass
class World:
    request: SupportRequest
    hub_lead: User
    owner: User
    hub_colleague: User
    other_hub: User
    focal1: User
    focal2: User
    other_focal: User
    proposed: User
    accepted: User
    declined: User
    mu1: User
    mu2: User
    steering: User

    def everyone(self) -> list[User]:
        return [getattr(self, name) for name in self.__dataclass_fields__ if name != "request"]


def make_world(state: str = RequestState.SUBMITTED, **request_fields: object) -> World:
    region, other_region = RegionFactory(), RegionFactory()
    city, other_city = CityFactory(region=region), CityFactory(region=other_region)
    owner = hub_staff(region, username="hub.officer")
    request_fields.setdefault("owner", owner)
    request = SupportRequestFactory(city=city, state=state, **request_fields)
    world = World(
        request=request,
        hub_lead=hub_staff(region, username="hub.lead", is_hub_lead=True),
        owner=owner,
        hub_colleague=hub_staff(region, username="hub.colleague"),
        other_hub=hub_staff(other_region, username="hub.other", is_hub_lead=True),
        focal1=focal_point(city, username="focal.one"),
        focal2=focal_point(city, username="focal.two"),
        other_focal=focal_point(other_city, username="focal.other"),
        proposed=expert(username="expert.proposed"),
        accepted=expert(username="expert.accepted"),
        declined=expert(username="expert.declined"),
        mu1=management_user(username="mu.one"),
        mu2=management_user(username="mu.two"),
        steering=steering_user(username="steering.one"),
    )
    for person, status in [
        (world.proposed, ExpertAssignment.Status.PROPOSED),
        (world.accepted, ExpertAssignment.Status.ACCEPTED),
        (world.declined, ExpertAssignment.Status.DECLINED),
    ]:
        ExpertAssignment.objects.create(request=request, expert=person, status=status, proposed_by=owner)
        if status != ExpertAssignment.Status.DECLINED:
            expert_access_grant(request=request, expert=person)
    # A management colleague follows the request.
    Watch.objects.create(request=request, user=world.mu2, added_by=owner)
    return world


@pytest.fixture
def world(db) -> World:
    return make_world()
