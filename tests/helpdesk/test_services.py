import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from helpdesk import services
from helpdesk.models import (
    AccessLog,
    Message,
    RequestState,
    Sensitivity,
    SupportRequest,
    Visibility,
)
from helpdesk.screening import PersonalDataFound
from helpdesk.signals import message_posted
from tests.access_world import PDF_BYTES, ROLES, build_world
from tests.factories import CityFactory, focal_point, hub_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


# --- request intake and drafts ------------------------------------------------------------------
def test_request_create_refuses_personal_data_until_confirmed_then_restricts():
    city = CityFactory()
    author = focal_point(city)
    with pytest.raises(PersonalDataFound) as found:
        services.request_create(
            city=city, submitted_by=author, title="Help", description="<p>Call the mother on +254 712 345 678</p>"
        )
    assert found.value.confirmable
    assert [f.kind for f in found.value.findings["description"]] == ["phone"]
    assert not SupportRequest.objects.exists()
    request = services.request_create(
        city=city,
        submitted_by=author,
        title="Help",
        description="<p>Call the mother on +254 712 345 678</p>",
        confirm_personal_data=True,
    )
    assert request.sensitivity == Sensitivity.RESTRICTED
    assert request.screening_flags == [{"field": "description", "kind": "phone", "start": 22, "end": 38}]


def test_personal_data_in_a_title_cannot_be_confirmed():
    city = CityFactory()
    with pytest.raises(PersonalDataFound) as found:
        services.request_create(
            city=city, submitted_by=focal_point(city), title="Call jane@example.org", confirm_personal_data=True
        )
    assert not found.value.confirmable


def test_only_the_citys_people_may_file_for_it():
    city = CityFactory()
    with pytest.raises(PermissionDenied):
        services.request_create(city=city, submitted_by=focal_point(CityFactory()), title="Not mine")
    assert services.request_create(city=city, submitted_by=hub_staff(city.region), title="On behalf").pk


def test_text_is_cleaned_and_too_long_text_refused():
    city = CityFactory()
    request = services.request_create(
        city=city,
        submitted_by=focal_point(city),
        title="  Title\u202e  ",
        description='<p onclick="x()">Hi <script>alert(1)</script></p>',
    )
    assert request.title == "Title"
    assert request.description == "<p>Hi alert(1)</p>"
    with pytest.raises(ValidationError):
        services.request_create(city=city, submitted_by=None, title="x", description="a" * 60_000)


def test_update_draft_changes_only_listed_fields_and_only_for_the_citys_focal_points(world):
    draft = world.draft
    with pytest.raises(TypeError):
        services.request_update_draft(request=draft, actor=world.user("own_city"), state="closed")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        services.request_update_draft(request=draft, actor=world.user("own_city"), city=world.req_other_region.city)  # type: ignore[call-arg]
    for role in ROLES:
        if role == "own_city":
            continue
        with pytest.raises(PermissionDenied):
            services.request_update_draft(request=draft, actor=world.user(role), title="Hijacked")
    updated = services.request_update_draft(request=draft, actor=world.user("own_city"), title="Better title")
    draft.refresh_from_db()
    assert updated.title == draft.title == "Better title"
    assert draft.state == RequestState.DRAFT and draft.city == world.req.city
    assert draft.access_log.filter(action=AccessLog.Action.EDIT).count() == 1


def test_update_draft_refuses_a_submitted_request(world):
    with pytest.raises(services.RequestNotEditable):
        services.request_update_draft(request=world.req, actor=world.user("own_city"), title="Late change")


def test_update_draft_screens_again_and_lifts_a_screening_restriction(world):
    draft = world.draft
    own = world.user("own_city")
    with pytest.raises(PersonalDataFound):
        services.request_update_draft(request=draft, actor=own, summary="Passport P4366918")
    services.request_update_draft(request=draft, actor=own, summary="Passport P4366918", confirm_personal_data=True)
    assert draft.sensitivity == Sensitivity.RESTRICTED and draft.screening_flags
    services.request_update_draft(request=draft, actor=own, summary="No personal data any more")
    draft.refresh_from_db()
    assert draft.sensitivity == Sensitivity.SHAREABLE and draft.screening_flags == []


# --- owner ------------------------------------------------------------------------------------------
def test_set_owner_only_by_overseers_and_only_to_staff(world):
    colleague = hub_staff(world.req.region)
    services.request_set_owner(request=world.req, owner=colleague, actor=world.user("hub_region"))
    assert SupportRequest.objects.get(pk=world.req.pk).owner == colleague
    for role in ("own_city", "assigned_expert", "hub_other_region", "steering"):
        with pytest.raises(PermissionDenied):
            services.request_set_owner(request=world.req, owner=world.user(role), actor=world.user(role))
    with pytest.raises(services.OwnerRefused):
        services.request_set_owner(
            request=world.req, owner=world.user("hub_other_region"), actor=world.user("hub_region")
        )
    with pytest.raises(services.OwnerRefused):
        services.request_set_owner(request=world.req, owner=world.user("own_city"), actor=world.user("management"))
    log = world.req.access_log.get(action=AccessLog.Action.OWNER)
    assert log.subject == colleague and log.user == world.user("hub_region")


# --- messages ---------------------------------------------------------------------------------------
def test_message_post_checks_the_channel_for_every_role(world):
    allowed = {
        (role, visibility) for role in ROLES for visibility in Visibility.values if _posts(world, role, visibility)
    }
    assert allowed == {
        ("own_city", "city"),
        ("assigned_expert", "expert"),
        *{("hub_region", v) for v in Visibility.values},
        *{("management", v) for v in Visibility.values},
    }


def _posts(world, role, visibility) -> bool:
    try:
        with transaction.atomic():
            services.message_post(request=world.req, author=world.user(role), body="<p>Hi</p>", visibility=visibility)
            transaction.set_rollback(True)
    except PermissionDenied:
        return False
    return True


def test_message_post_sends_the_signal_inside_its_transaction(world):
    seen = []

    def listener(sender, message, request, author, **kwargs):
        seen.append((message.pk, request.pk, author.pk, transaction.get_connection().in_atomic_block))

    message_posted.connect(listener)
    try:
        message = services.message_post(request=world.req, author=world.user("own_city"), body="Hello")
    finally:
        message_posted.disconnect(listener)
    assert seen == [(message.pk, world.req.pk, world.user("own_city").pk, True)]


def test_message_post_screens_and_restricts_confirmed_personal_data(world):
    own = world.user("own_city")
    with pytest.raises(PersonalDataFound):
        services.message_post(request=world.req, author=own, body="Mail me: me@example.org")
    message = services.message_post(
        request=world.req, author=own, body="Mail me: me@example.org", confirm_personal_data=True
    )
    assert message.sensitivity == Sensitivity.RESTRICTED
    assert message.screening_flags[0]["kind"] == "email"


def test_message_with_a_file_stores_both_or_neither(world):
    own = world.user("own_city")
    message = services.message_post(
        request=world.req,
        author=own,
        body="See the report",
        attachment=SimpleUploadedFile("report.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    assert message.attachments.get().original_name == "report.pdf"
    count = Message.objects.count()
    with pytest.raises(services.AttachmentRefused):
        services.message_post(
            request=world.req,
            author=own,
            body="A page",
            attachment=SimpleUploadedFile("page.pdf", b"<html><script>x</script></html>"),
        )
    assert Message.objects.count() == count


# --- restricted content -------------------------------------------------------------------------------
def test_restricted_release_by_hub_only_and_audited(world):
    message = world.messages["restricted"]
    with pytest.raises(PermissionDenied):
        services.restricted_release(obj=message, actor=world.user("own_city"))
    services.restricted_release(obj=message, actor=world.user("hub_region"), ip="10.1.2.3")
    message.refresh_from_db()
    assert message.sensitivity == Sensitivity.SHAREABLE
    log = world.req.access_log.get(action=AccessLog.Action.RELEASE)
    assert (log.message, log.user, log.ip_address) == (message, world.user("hub_region"), "10.1.2.3")


def test_anonymising_clears_the_seals(world):
    from helpdesk.retention import _anonymise_batch

    hub = world.user("hub_region")
    services.message_post(request=world.req, author=hub, body="<p>Fine</p>")
    _anonymise_batch([world.req.pk], now=timezone.now())
    assert not Message.objects.filter(request=world.req).exclude(body_seal="").exists()
    assert SupportRequest.objects.get(pk=world.req.pk).description_seal == ""


def test_many_grants_go_in_one_pass_each_in_the_access_log(world, django_assert_num_queries):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    from helpdesk.models import AccessLog, SupportRequestGroupObjectPermission, SupportRequestUserObjectPermission
    from tests.factories import expert

    people = [expert() for _ in range(3)]
    for person in people:
        services.expert_access_grant(request=world.req, expert=person)
    grants = SupportRequestUserObjectPermission.objects.filter(user__in=people)
    ids = list(grants.values_list("pk", flat=True))

    with django_assert_num_queries(5):  # savepoint, read, delete, log, release: whatever the number of grants
        assert services.expert_grants_remove(grant_ids=ids) == 3
    assert not grants.exists()
    assert set(
        AccessLog.objects.filter(action=AccessLog.Action.REVOKE, subject__in=people).values_list("subject", "user")
    ) == {(person.pk, None) for person in people}
    assert services.expert_grants_remove(grant_ids=ids) == 0  # already gone: nothing more, no log row
    assert AccessLog.objects.filter(action=AccessLog.Action.REVOKE, subject__in=people).count() == 3

    assign_perm("helpdesk.view_supportrequest", Group.objects.create(name="stray"), world.req)
    assert services.group_grants_remove() == 1
    assert not SupportRequestGroupObjectPermission.objects.exists()
