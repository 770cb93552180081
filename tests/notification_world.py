"""A small network around one request, with someone in every role the lifecycle names as an audience: what the
notification tests, and the notification pages' tests, are told about."""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.models import RequestState, SupportRequest, User
from helpdesk.services import expert_access_grant
from notifications.models import Watch
from tests.factories import CityFactory, RegionFactory, SupportRequestFactory, expert, focal_point, hub_staff
from tests.factories import management as management_user
from tests.factories import steering as steering_user
from workflows.models import ExpertAssignment


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


def make_world(
    state: str = RequestState.SUBMITTED, suffix: str = "", assignments: bool = True, **request_fields: object
) -> World:
    """The network around one request; ``suffix`` tells the people of several worlds apart."""
    region, other_region = RegionFactory(), RegionFactory()
    city, other_city = CityFactory(region=region), CityFactory(region=other_region)
    owner = hub_staff(region, username=f"hub.officer{suffix}")
    request_fields.setdefault("owner", owner)
    request = SupportRequestFactory(city=city, state=state, **request_fields)
    world = World(
        request=request,
        hub_lead=hub_staff(region, username=f"hub.lead{suffix}", is_hub_lead=True),
        owner=owner,
        hub_colleague=hub_staff(region, username=f"hub.colleague{suffix}"),
        other_hub=hub_staff(other_region, username=f"hub.other{suffix}", is_hub_lead=True),
        focal1=focal_point(city, username=f"focal.one{suffix}"),
        focal2=focal_point(city, username=f"focal.two{suffix}"),
        other_focal=focal_point(other_city, username=f"focal.other{suffix}"),
        proposed=expert(username=f"expert.proposed{suffix}"),
        accepted=expert(username=f"expert.accepted{suffix}"),
        declined=expert(username=f"expert.declined{suffix}"),
        mu1=management_user(username=f"mu.one{suffix}"),
        mu2=management_user(username=f"mu.two{suffix}"),
        steering=steering_user(username=f"steering.one{suffix}"),
    )
    if assignments:
        # One expert proposed, one accepted, one who declined (and so lost access).
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
