import pytest
from django.contrib.auth.models import AnonymousUser

from helpdesk import access, access_hubs, access_people
from helpdesk.access import can, readable_channels
from helpdesk.models import ExpertProfile, Visibility
from helpdesk.selectors import visible_requests
from tests.access_world import ROLES, build_world
from tests.factories import SupportRequestFactory, expert, focal_point

pytestmark = pytest.mark.django_db

# Who may do what on the world's request (city A1, region A). One row per action, one column per role.
EXPECTED = {
    "view": {"own_city", "assigned_expert", "hub_region", "management"},
    "see_restricted": {"own_city", "hub_region", "management"},  # own_city: the submitter is its author
    "act": {"own_city", "assigned_expert", "hub_region", "management"},
    "edit_draft": set(),  # the world's request is submitted: no longer anyone's to edit (drafts below)
    "manage_owner": {"hub_region", "management"},
    "oversee": {"hub_region", "management"},
    "match_experts": {"hub_region", "management"},
    "manage_watchers": {"hub_region", "management"},
    "view_access_log": {"management"},
    "release_restricted": {"hub_region", "management"},
    # The whole record: the city sees its grant, the overseers every decision and the evaluation too.
    "view_grant": {"own_city", "hub_region", "management"},
    "view_fund_decision": {"hub_region", "management"},
    "view_evaluation": {"own_city", "hub_region", "management"},
    "share_file": {"hub_region"},  # the hub chooses which city files its experts read
    # The world's request is submitted advice: nothing to publish yet, no peer to introduce.
    "publish_from_request": set(),
    "propose_introduction": set(),
}
# Actions asked with more than the request (a channel, an expert, no object at all) have tests of their own.
CONTEXTUAL = {"comment", "see_message", "download", "propose_expert", "export", "view_delivery_report"}
# The resource hub's and the peer introductions' questions: tests/helpdesk/test_access_resources.py.
NOT_ABOUT_A_REQUEST = {
    "view_resource",
    "propose_resource",
    "edit_resource",
    "submit_resource",
    "review_resource",
    "publish_resource",
    "archive_resource",
    "answer_consent",
    "answer_introduction",
    "withdraw_introduction",
    "view_introduction",
    "set_peer_contact",
    "choose_mail_reply",
    "declare_ties",
    # People, invitations, city records and the expert pool: tests/helpdesk/test_access_people.py.
    *access_people.RULES,
    # A hub's calendar: tests/helpdesk/test_access_hubs.py.
    *access_hubs.RULES,
}


def test_every_action_has_its_row():
    assert set(EXPECTED) | CONTEXTUAL | NOT_ABOUT_A_REQUEST == access.ACTIONS


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_request_actions_by_role(world, action):
    allowed = {role for role in ROLES if can(world.user(role), action, world.req)}
    assert allowed == EXPECTED[action]


@pytest.mark.parametrize("state", ["closed", "declined", "withdrawn"])
def test_a_finished_request_has_no_owner_to_give_or_take(world, state):
    """Nothing more happens to a closed, declined or withdrawn request: its page offers neither "Take it" nor
    "Give to a colleague", and the owner services refuse."""
    finished = SupportRequestFactory(city=world.req.city, state=state)
    assert {role for role in ROLES if can(world.user(role), "manage_owner", finished)} == set()
    assert {role for role in ROLES if can(world.user(role), "oversee", finished)} == EXPECTED["oversee"]


def test_comment_channels_by_role(world):
    expected = {
        "own_city": {Visibility.CITY},
        "assigned_expert": {Visibility.EXPERT},
        "hub_region": set(Visibility.values),
        "management": set(Visibility.values),
    }
    for role in ROLES:
        channels = {v for v in Visibility.values if can(world.user(role), "comment", world.req, visibility=v)}
        assert channels == expected.get(role, set()), role
        assert set(readable_channels(world.user(role), world.req)) == expected.get(role, set()), role


def test_messages_by_channel_and_role(world):
    expected = {
        "city": {"own_city", "hub_region", "management"},
        "restricted": {"own_city", "hub_region", "management"},
        "internal": {"hub_region", "management"},
        "expert": {"assigned_expert", "hub_region", "management"},
    }
    for key, message in world.messages.items():
        assert {r for r in ROLES if can(world.user(r), "see_message", message)} == expected[key], key


def test_downloads_by_channel_sensitivity_and_role(world):
    expected = {
        "city": {"own_city", "hub_region", "management"},
        "restricted": {"own_city", "hub_region", "management"},  # own_city uploaded it
        "internal": {"hub_region", "management"},
        "expert": {"assigned_expert", "hub_region", "management"},
        "other_region": {"other_region_city", "hub_other_region", "management"},
        "shared": {"own_city", "assigned_expert", "hub_region", "management"},  # shared with the assigned expert
    }
    for key, attachment in world.attachments.items():
        assert {r for r in ROLES if can(world.user(r), "download", attachment)} == expected[key], key


def test_restricted_content_of_someone_else_is_withheld_from_other_focal_points(world):
    colleague = focal_point(world.req.city)
    assert can(colleague, "view", world.req)
    assert can(colleague, "see_message", world.messages["restricted"])
    assert not can(colleague, "see_restricted", world.messages["restricted"])
    assert not can(colleague, "download", world.attachments["restricted"])


def test_delivery_reports_by_author_and_role(world):
    """The city and the overseers read every delivery report; an expert only the one they wrote."""
    expert_user = world.user("assigned_expert")
    hub = world.user("hub_region")
    readers = {"own_city", "hub_region", "management"}
    by_expert = {
        role for role in ROLES if can(world.user(role), "view_delivery_report", world.req, author_id=expert_user.pk)
    }
    by_hub = {role for role in ROLES if can(world.user(role), "view_delivery_report", world.req, author_id=hub.pk)}
    unknown = {role for role in ROLES if can(world.user(role), "view_delivery_report", world.req, author_id=None)}
    assert by_expert == readers | {"assigned_expert"}
    assert by_hub == readers
    assert unknown == readers


def test_steering_committee_sees_no_request_even_with_another_role(world):
    person = world.user("steering")
    person.cities.add(world.req.city)
    from helpdesk.services import user_set_roles

    user_set_roles(user=person, roles=["steering", "focal_point"])
    assert not can(person, "view", world.req)
    assert not visible_requests(person).exists()
    assert not can(person, "export")


def test_deactivated_and_anonymous_users_may_do_nothing(world):
    for person in (world.extra["deactivated"], AnonymousUser(), None):
        assert not any(can(person, action, world.req) for action in EXPECTED)
        assert not can(person, "export")


def test_suspended_expert_loses_every_grant_at_once(world):
    suspended = world.extra["suspended_expert"]
    assert not can(suspended, "view", world.req)
    assert not access.is_expert_in_good_standing(suspended)
    ExpertProfile.objects.filter(user=suspended).update(vetting_status=ExpertProfile.Vetting.VETTED)
    access.forget(suspended)
    assert can(suspended, "view", world.req)
    assert access.is_expert_in_good_standing(suspended)


def test_propose_expert_needs_overseer_and_an_active_vetted_expert_outside_the_city(world):
    candidate = world.user("unassigned_expert")
    hub = world.user("hub_region")
    assert can(hub, "propose_expert", world.req, expert=candidate)
    assert not can(world.user("own_city"), "propose_expert", world.req, expert=candidate)
    assert not can(world.user("hub_other_region"), "propose_expert", world.req, expert=candidate)
    assert not can(hub, "propose_expert", world.req, expert=world.extra["suspended_expert"])
    pending = expert()
    ExpertProfile.objects.filter(user=pending).update(vetting_status=ExpertProfile.Vetting.PENDING)
    assert not can(hub, "propose_expert", world.req, expert=pending)
    assert not can(hub, "propose_expert", world.req, expert=world.user("own_city"))
    insider = expert()
    insider.cities.add(world.req.city)
    from helpdesk.services import user_set_roles

    user_set_roles(user=insider, roles=["expert", "focal_point"])
    assert not can(hub, "propose_expert", world.req, expert=insider)


def test_export_is_for_hub_management_and_focal_points(world):
    assert {r for r in ROLES if can(world.user(r), "export")} == {
        "own_city",
        "same_region_city",
        "other_region_city",
        "hub_region",
        "hub_other_region",
        "management",
    }


def test_anonymised_request_takes_no_comment_or_action(world):
    from django.utils import timezone

    world.req.anonymised_at = timezone.now()
    assert can(world.user("hub_region"), "view", world.req)
    assert not can(world.user("hub_region"), "comment", world.req, visibility=Visibility.CITY)
    assert not can(world.user("hub_region"), "act", world.req)


def test_only_the_citys_focal_points_edit_a_draft_and_only_while_it_is_one(world):
    from django.utils import timezone

    allowed = {role for role in ROLES if can(world.user(role), "edit_draft", world.draft)}
    assert allowed == {"own_city"}
    world.draft.anonymised_at = timezone.now()
    assert not can(world.user("own_city"), "edit_draft", world.draft)


def test_no_expert_is_matched_on_an_anonymised_request(world):
    from django.utils import timezone

    world.req.anonymised_at = timezone.now()
    assert not can(world.user("hub_region"), "match_experts", world.req)
    assert can(world.user("hub_region"), "oversee", world.req)


def test_unknown_action_is_a_programming_error(world):
    with pytest.raises(ValueError, match="Unknown action"):
        can(world.user("management"), "delete_everything", world.req)


def test_scope_helpers_keep_their_contract(world):
    assert access.is_management(world.user("management"))
    assert access.is_focal_point_of(world.user("own_city"), world.req)
    assert not access.is_focal_point_of(world.user("same_region_city"), world.req)
    assert access.is_hub_staff_of(world.user("hub_region"), world.req)
    assert not access.is_hub_staff_of(world.user("hub_other_region"), world.req)
    assert access.is_expert_in_good_standing(world.user("assigned_expert"))
    assert not access.is_expert_in_good_standing(world.user("own_city"))


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_can_costs_no_query_per_row(world, role, django_assert_max_num_queries):
    """A page checks every row: after the person's scope is read once, further rows are free."""
    user = world.user(role)
    rows = [SupportRequestFactory(city=world.req.city) for _ in range(15)] + world.requests
    for row in rows:
        row.city  # noqa: B018 - the page fetched rows with select_related
    can(user, "view", world.req)
    can(user, "view", world.req_other_region)  # and what reaching beyond it reads (a kept read access)
    with django_assert_max_num_queries(0):
        for row in rows:
            for action in ("view", "act", "see_restricted", "manage_owner"):
                can(user, action, row)


def test_people_prime_reads_many_people_in_five_queries(django_assert_num_queries):
    from helpdesk.models import User
    from helpdesk.services import expert_access_grant

    request = SupportRequestFactory(state="expert_matching")
    granted = [expert() for _ in range(6)]
    for person in granted:
        expert_access_grant(request=request, expert=person)
    suspended = expert()
    expert_access_grant(request=request, expert=suspended)
    ExpertProfile.objects.filter(user=suspended).update(vetting_status=ExpertProfile.Vetting.SUSPENDED)
    others = [expert() for _ in range(3)] + [focal_point(request.city)]
    people = list(User.objects.filter(pk__in=[u.pk for u in [*granted, suspended, *others]]))

    with django_assert_num_queries(5):
        access.people_prime(people)
    with django_assert_num_queries(0):
        decisions = {person.pk: can(person, "view", request) for person in people}

    assert {pk for pk, allowed in decisions.items() if allowed} == {u.pk for u in granted} | {others[-1].pk}
    assert decisions[suspended.pk] is False


def test_only_hub_staff_and_the_management_unit_choose_where_their_mail_replies_land(world):
    allowed = {role for role in ROLES if can(world.user(role), "choose_mail_reply")}
    assert allowed == {"hub_region", "hub_other_region", "management"}


def test_only_hub_staff_and_the_management_unit_declare_their_ties_to_cities(world):
    allowed = {role for role in ROLES if can(world.user(role), "declare_ties")}
    assert allowed == {"hub_region", "hub_other_region", "management"}


def test_a_reply_by_mail_lands_on_the_one_channel_its_writer_may_write(world):
    channels = {role: access.mail_reply_channel(world.user(role), world.req) for role in ROLES}
    assert channels == {
        "anonymous": None,
        "own_city": Visibility.CITY,
        "same_region_city": None,
        "other_region_city": None,
        "assigned_expert": Visibility.EXPERT,
        "unassigned_expert": None,
        "hub_region": Visibility.INTERNAL,
        "hub_other_region": None,
        "management": Visibility.INTERNAL,
        "steering": None,
    }
    staff = world.user("hub_region")
    staff.mail_reply_visibility = Visibility.CITY
    assert access.mail_reply_channel(staff, world.req) == Visibility.CITY
