"""Who may read, write, review, publish and archive a resource, answer for a city's consent, start publishing
from a closed request, and propose or answer a peer introduction; and ``visible_resources`` agrees with ``can``."""

import pytest
from django.utils import timezone

from helpdesk.access import can
from helpdesk.models import Consent
from helpdesk.selectors import visible_resources
from tests.access_world import ROLES, build_world
from tests.factories import ResourceVersionFactory, SupportRequestFactory, resource
from workflows.models import PeerIntroduction

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _allowed(world, action, obj):
    return {role for role in ROLES if can(world.user(role), action, obj)}


def test_a_published_resource_is_read_by_every_signed_in_person_the_steering_committee_included(world):
    item = resource(state="published", region=world.req.region)
    assert _allowed(world, "view_resource", item) == set(ROLES) - {"anonymous"}


def test_a_draft_is_read_by_its_author_the_staff_of_its_hub_and_the_management_unit(world):
    item = resource(state="draft", region=world.req.region, created_by=world.user("own_city"))
    assert _allowed(world, "view_resource", item) == {"own_city", "hub_region", "management"}
    assert _allowed(world, "edit_resource", item) == {"own_city", "hub_region", "management"}
    assert _allowed(world, "submit_resource", item) == {"own_city", "hub_region", "management"}
    # A resource of no hub is any hub's to read and edit.
    anywhere = resource(state="draft", created_by=world.user("own_city"))
    assert _allowed(world, "view_resource", anywhere) == {"own_city", "hub_region", "hub_other_region", "management"}


def test_review_is_for_staff_who_did_not_write_it_and_publishing_waits_for_the_citys_consent(world):
    hub = world.user("hub_region")
    item = resource(state="review", region=world.req.region, created_by=hub, city=world.req.city)
    assert _allowed(world, "submit_resource", item) == set()  # already in review
    assert _allowed(world, "review_resource", item) == {"management"}
    item.consent = Consent.ASKED
    assert _allowed(world, "publish_resource", item) == set()
    assert _allowed(world, "answer_consent", item) == {"own_city"}
    item.consent = Consent.ANONYMOUS
    assert _allowed(world, "publish_resource", item) == {"management"}
    # Whoever wrote or translated a language version is an author too.
    ResourceVersionFactory(resource=item, language="fr", written_by=world.user("management"))
    item = type(item).objects.get(pk=item.pk)
    assert _allowed(world, "review_resource", item) == set()


def test_propose_and_archive(world):
    assert _allowed(world, "propose_resource", None) == {
        "own_city",
        "same_region_city",
        "other_region_city",
        "hub_region",
        "hub_other_region",
        "management",
    }
    item = resource(state="published", region=world.req.region)
    assert _allowed(world, "archive_resource", item) == {"hub_region", "management"}


def test_visible_resources_agrees_with_can(world):
    own = world.user("own_city")
    items = [
        resource(state="published", region=world.req.region),
        resource(state="draft", region=world.req.region, created_by=own),
        resource(state="review", region=world.req_other_region.region),
        resource(state="archived"),
    ]
    for role in ROLES:
        person = world.user(role)
        seen = set(visible_resources(person).values_list("pk", flat=True))
        assert seen == {item.pk for item in items if can(person, "view_resource", item)}, role


def test_publishing_from_a_request_is_for_its_hub_once_it_is_closed(world):
    closed = SupportRequestFactory(city=world.req.city, state="closed")
    assert _allowed(world, "publish_from_request", closed) == {"hub_region"}


def test_an_introduction_is_proposed_by_the_overseers_and_answered_once_by_each_city(world):
    asking = SupportRequestFactory(city=world.req.city, state="submitted", kind="peer_exchange")
    assert _allowed(world, "propose_introduction", asking) == {"hub_region", "management"}
    peer_city = world.req_other_region.city
    introduction = PeerIntroduction.objects.create(request=asking, peer_city=peer_city, proposed_at=timezone.now())
    assert _allowed(world, "answer_introduction", introduction) == {"own_city", "other_region_city"}
    # Its hub may take it back while it waits (the management unit proposes none, so withdraws none).
    assert _allowed(world, "withdraw_introduction", introduction) == {"hub_region"}
    introduction.asking_answer = "accepted"
    assert _allowed(world, "answer_introduction", introduction) == {"other_region_city"}
    introduction.status = PeerIntroduction.Status.DECLINED
    assert _allowed(world, "answer_introduction", introduction) == set()
    assert _allowed(world, "withdraw_introduction", introduction) == set()


def test_an_introduction_is_seen_by_both_cities_and_the_requests_overseers(world):
    asking = SupportRequestFactory(city=world.req.city, state="submitted", kind="peer_exchange")
    peer_city = world.req_other_region.city
    introduction = PeerIntroduction.objects.create(request=asking, peer_city=peer_city, proposed_at=timezone.now())

    assert _allowed(world, "view_introduction", introduction) == {
        "own_city",
        "other_region_city",
        "hub_region",
        "management",
    }


def test_a_city_chooses_its_own_peer_exchange_themes_only(world):
    assert _allowed(world, "set_peer_contact", world.req.city) == {"own_city"}
    assert _allowed(world, "set_peer_contact", world.req_other_region.city) == {"other_region_city"}
