import pytest
from django.contrib.auth.models import Group, Permission
from guardian.shortcuts import assign_perm

from helpdesk import access
from helpdesk.access import can
from helpdesk.models import Message, SupportRequest, SupportRequestGroupObjectPermission, Visibility
from helpdesk.selectors import (
    ATTACHMENT_LINE,
    MESSAGE_LINE,
    access_log_for,
    only_visible,
    request_for,
    visible_attachment_lines,
    visible_attachments,
    visible_message_lines,
    visible_messages,
    visible_requests,
)
from helpdesk.services import access_log_record, expert_access_grant, expert_access_revoke
from tests.access_world import ROLES, build_world
from tests.factories import SupportRequestFactory, expert

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_visible_requests_by_role(world):
    expected = {
        "anonymous": set(),
        "own_city": {world.req, world.draft},
        "same_region_city": {world.req_same_region},
        "other_region_city": {world.req_other_region},
        "assigned_expert": {world.req},
        "unassigned_expert": set(),
        # A draft is the city's own until it is submitted: its hub and the management unit do not see it.
        "hub_region": {world.req, world.req_same_region},
        "hub_other_region": {world.req_other_region},
        "management": set(world.requests) - {world.draft},
        "steering": set(),
    }
    for role in ROLES:
        assert set(visible_requests(world.user(role))) == expected[role], role


def test_list_and_decision_agree_for_every_role_and_request(world):
    extra = [SupportRequestFactory(city=world.req.city), SupportRequestFactory()]
    everything = list(SupportRequest.objects.all())
    assert len(everything) == len(world.requests) + len(extra)
    people = [world.user(r) for r in ROLES] + [world.extra["suspended_expert"], world.extra["deactivated"]]
    for person in people:
        listed = set(visible_requests(person))
        decided = {r for r in everything if can(person, "view", r)}
        assert listed == decided, person


def test_expert_scope_is_the_guardian_grant_and_follows_grant_and_revoke(world):
    person = world.user("unassigned_expert")
    assert not visible_requests(person).exists()
    expert_access_grant(request=world.req_other_region, expert=person)
    assert list(visible_requests(person)) == [world.req_other_region]
    expert_access_revoke(request=world.req_other_region, expert=person)
    assert not visible_requests(person).exists()


def test_global_permission_or_superuser_never_widens_an_experts_reach(world):
    person = world.user("assigned_expert")
    person.user_permissions.add(Permission.objects.get(codename="view_supportrequest"))
    person.is_superuser = True
    person.save(update_fields=["is_superuser"])
    access.forget(person)
    assert set(visible_requests(person)) == {world.req}


def test_group_grants_are_ignored(world):
    person = world.user("unassigned_expert")
    group = Group.objects.get(name="expert")
    assign_perm("helpdesk.view_supportrequest", group, world.req_other_region)
    assert SupportRequestGroupObjectPermission.objects.count() == 1
    assert not visible_requests(person).exists()


def test_visible_requests_is_one_query_for_each_role(world, django_assert_max_num_queries):
    for role in ROLES:
        if role == "anonymous":
            continue
        person = type(world.user(role)).objects.get(pk=world.user(role).pk)
        visible_requests(person)  # reads the person's roles, cities and vetting once
        with django_assert_max_num_queries(1):
            list(visible_requests(person))


def test_expert_queue_at_scale_stays_a_single_indexed_query(world, django_assert_max_num_queries):
    person = world.user("assigned_expert")
    requests = [SupportRequestFactory(city=world.req_other_region.city) for _ in range(30)]
    for request in requests[:10]:
        expert_access_grant(request=request, expert=person)
    access.forget(person)
    visible_requests(person)
    with django_assert_max_num_queries(1):
        assert len(list(visible_requests(person))) == 11


def test_visible_messages_filter_channels_in_sql(world, django_assert_max_num_queries):
    expected = {
        "own_city": {"city", "restricted"},
        "assigned_expert": {"expert"},
        "hub_region": {"city", "restricted", "internal", "expert"},
        "management": {"city", "restricted", "internal", "expert"},
        "same_region_city": set(),
        "steering": set(),
        "anonymous": set(),
    }
    names = {m.pk: key for key, m in world.messages.items()}
    for role, keys in expected.items():
        person = world.user(role)
        can(person, "view", world.req)
        with django_assert_max_num_queries(1):
            got = {names[m.pk] for m in visible_messages(world.req, person)}
        assert got == keys, role


def test_visible_attachments_filter_channels(world):
    person = world.user("assigned_expert")
    # The expert channel, and the city file the hub shared with this expert.
    assert [a.original_name for a in visible_attachments(world.req, person)] == ["expert.pdf", "shared.pdf"]
    assert not visible_attachments(world.req, world.user("same_region_city")).exists()
    assert visible_attachments(world.req, world.user("hub_region")).count() == 5


def test_messages_and_files_come_oldest_first_with_their_authors_in_one_query_each(world, django_assert_num_queries):
    hub = world.user("hub_region")
    can(hub, "view", world.req)  # the person's access is read once, before the lines
    with django_assert_num_queries(1):
        messages = list(visible_messages(world.req, hub))
        names = [str(m.author) for m in messages if m.author_id]
    assert [m.created_at for m in messages] == sorted(m.created_at for m in messages) and names
    with django_assert_num_queries(1):
        files = list(visible_attachments(world.req, hub))
        uploaders = [str(a.uploaded_by) for a in files if a.uploaded_by_id]
    assert [a.created_at for a in files] == sorted(a.created_at for a in files) and uploaders


def test_request_for_answers_the_request_only_to_those_who_see_it(world):
    for role in ROLES:
        person = world.user(role)
        found = request_for(person, world.req.reference)
        assert (found == world.req) is can(person, "view", world.req), role
    assert request_for(world.user("management"), "SCN-1999-000000") is None


def test_access_log_is_for_the_management_unit_only(world):
    access_log_record(user=world.user("hub_region"), request=world.req, action="view_restricted", ip="10.0.0.1")
    assert access_log_for(world.req, world.user("management")).filter(action="view_restricted").count() == 1
    for role in ROLES:
        if role != "management":
            assert not access_log_for(world.req, world.user(role)).exists(), role


def test_grants_are_audited(world):
    person = expert()
    assert expert_access_grant(request=world.req, expert=person, actor=world.user("hub_region"))
    assert not expert_access_grant(request=world.req, expert=person)  # idempotent, no second row
    assert expert_access_revoke(request=world.req, expert=person)
    actions = list(world.req.access_log.filter(subject=person).values_list("action", flat=True))
    assert sorted(actions) == ["grant", "revoke"]
    assert Visibility.EXPERT in access.readable_channels(world.user("assigned_expert"), world.req)


def test_search_matches_only_text_the_person_can_read(world):
    from helpdesk.models import Sensitivity
    from helpdesk.selectors import request_search
    from tests.factories import focal_point

    SupportRequest.objects.filter(pk=world.req.pk).update(description="<p>Witness Zorblax</p>", summary="Brief Quux")

    def found(person, term):
        return set(request_search(visible_requests(person), person, term))

    assert found(world.user("hub_region"), "zorblax") == {world.req}
    assert found(world.user("management"), "zorblax") == {world.req}
    assert found(world.user("own_city"), "zorblax") == {world.req}
    assert found(world.user("assigned_expert"), "zorblax") == set()  # the description is not in the brief
    assert found(world.user("assigned_expert"), "quux") == {world.req}
    assert found(world.user("assigned_expert"), world.req.reference) == {world.req}
    SupportRequest.objects.filter(pk=world.req.pk).update(sensitivity=Sensitivity.RESTRICTED)
    colleague = focal_point(world.req.city)
    assert found(colleague, "zorblax") == set()  # withheld from a colleague, so not searchable either
    assert found(world.user("own_city"), "zorblax") == {world.req}  # the author wrote it
    assert found(world.user("assigned_expert"), "quux") == set()
    assert found(colleague, "Youth centre") == {world.req}  # titles never hold personal data


def test_hub_staff_who_also_speak_for_a_city_elsewhere_search_its_withheld_text_no_more(world):
    """A hub's staff search the descriptions of their region; a city they also speak for, in another region,
    only as its focal points may."""
    from helpdesk.models import Role, Sensitivity
    from helpdesk.selectors import request_search
    from helpdesk.services import user_set_roles
    from tests.factories import focal_point

    SupportRequest.objects.filter(pk=world.req.pk).update(
        description="<p>Witness Zorblax</p>",
        sensitivity=Sensitivity.RESTRICTED,
        submitted_by=focal_point(world.req.city),
    )
    SupportRequest.objects.filter(pk=world.req_other_region.pk).update(description="<p>Zorblax again</p>")
    person = world.user("hub_other_region")
    assert set(request_search(visible_requests(person), person, "zorblax")) == {world.req_other_region}

    user_set_roles(user=person, roles=[Role.HUB_STAFF, Role.FOCAL_POINT])
    person.cities.add(world.req.city)
    person.access_changed()
    assert world.req in set(visible_requests(person))  # now seen as the city's focal point...
    # ...but its restricted description, written by a colleague, is not theirs to search.
    assert set(request_search(visible_requests(person), person, "zorblax")) == {world.req_other_region}


def test_queue_filter_choices_are_the_hubs_own_and_kept_for_a_minute(django_assert_num_queries):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from helpdesk.selectors import FILTER_CHOICES_SECONDS, queue_filter_choices
    from tests.factories import CityFactory, RegionFactory, hub_staff, management

    region, other = RegionFactory(), RegionFactory()
    first = CityFactory(region=region, name="Alpha", country="KE")
    CityFactory(region=other, name="Elsewhere")
    staff = hub_staff(region, first_name="Amina", last_name="Odhiambo")
    with django_assert_num_queries(4):  # the person's roles, then the hub's name, its cities and colleagues
        choices = queue_filter_choices(staff)
    assert choices.cities == [(str(first.pk), "Alpha")] and choices.countries == [("KE", "Kenya")]
    assert choices.owners == [(str(staff.pk), "Amina Odhiambo")] and choices.regions is None
    assert choices.hub == region.name  # the queue's heading, in the reader's language

    added = CityFactory(region=region, name="Beta", country="KE")
    with django_assert_num_queries(0):
        assert queue_filter_choices(staff) == choices  # the kept copy: Beta is not there yet
    with time_machine.travel(timezone.now() + timedelta(seconds=FILTER_CHOICES_SECONDS + 1)):
        assert (str(added.pk), "Beta") in queue_filter_choices(staff).cities

    unit = management()
    chosen = queue_filter_choices(unit, region_id=other.pk)
    assert [name for _, name in chosen.cities] == ["Elsewhere"] and chosen.regions is not None
    assert chosen.hub == ""  # the management unit's queue spans hubs: "All requests"


def test_the_request_pages_prepared_lines_hold_what_the_querysets_give_every_role(world):
    """The prepared reads of the request page (``helpdesk.prepared``) and the querysets agree, role by role."""
    for role in ROLES:
        person = world.user(role)
        messages = list(visible_messages(world.req, person).values_list(*MESSAGE_LINE))
        assert visible_message_lines(world.req, person) == messages, role
        files = list(visible_attachments(world.req, person).values_list(*ATTACHMENT_LINE))
        assert visible_attachment_lines(world.req, person) == files, role


def test_a_page_of_message_lines_is_the_newest_before_its_cursor_whatever_the_role(world):
    """``limit`` and ``before`` cut what the whole read gives: the newest so many, older than the cursor, with
    messages posted at the same moment told apart by their id."""
    from django.utils import timezone

    moment = timezone.now()
    Message.objects.filter(request=world.req).update(created_at=moment)  # every message at one moment
    for role in ROLES:
        person = world.user(role)
        everything = list(visible_messages(world.req, person).values_list(*MESSAGE_LINE))
        assert visible_message_lines(world.req, person, limit=2) == everything[-2:], role
        for index, line in enumerate(everything):
            before = (line[MESSAGE_LINE.index("created_at")], line[0])
            assert visible_message_lines(world.req, person, limit=2, before=before) == everything[:index][-2:], role


def test_only_visible_keeps_the_rows_of_the_requests_a_person_sees(world):
    from workflows.models import ExpertAssignment

    rows = ExpertAssignment.objects.all()
    for role in ROLES:
        person = world.user(role)
        expected = {a.pk for a in rows if a.request_id in set(visible_requests(person).values_list("pk", flat=True))}
        assert set(only_visible(rows, person, through="request").values_list("pk", flat=True)) == expected, role
