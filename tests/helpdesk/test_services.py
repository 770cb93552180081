import contextlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from helpdesk import services
from helpdesk.models import (
    AccessLog,
    Attachment,
    Message,
    RequestState,
    Sensitivity,
    SupportRequest,
    SupportRequestGroupObjectPermission,
    SupportRequestUserObjectPermission,
    Visibility,
)
from helpdesk.screening import PersonalDataFound
from helpdesk.signals import message_posted
from tests.access_world import PDF_BYTES, ROLES, build_world
from tests.factories import CityFactory, SupportRequestFactory, expert, focal_point, hub_staff
from tests.helpdesk.hostile_inputs import HOSTILE, dangerous, has_bad_characters
from web import presenters
from workflows.models import ExpertAssignment
from workflows.services import access_grants_reconcile

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


def test_presenters_note_what_was_revealed_and_flush_writes_it(world):
    hub = world.user("hub_region")
    views = presenters.message_views(world.req, hub)
    assert [v.withheld for v in views if v.is_restricted] == [False]
    assert services.access_log_flush(user=hub, ip="10.0.0.9") == 1
    log = world.req.access_log.get(action=AccessLog.Action.VIEW_RESTRICTED)
    assert log.message == world.messages["restricted"] and log.ip_address == "10.0.0.9"
    assert services.access_log_flush(user=hub) == 0


def test_withheld_placeholder_for_colleagues_and_brief_for_experts(world):
    world.req.sensitivity = Sensitivity.RESTRICTED
    world.req.save(update_fields=["sensitivity"])
    colleague = focal_point(world.req.city)
    view = presenters.request_view(world.req, colleague)
    assert view.withheld and view.summary == presenters.WITHHELD and view.description_html == presenters.WITHHELD
    expert_view = presenters.request_view(world.req, world.user("assigned_expert"))
    assert expert_view.is_brief and expert_view.description_html is None and expert_view.submitted_by_email is None
    assert expert_view.summary == presenters.WITHHELD
    hub_view = presenters.request_view(world.req, world.user("hub_region"))
    assert hub_view.revealed_restricted and "Full description" in hub_view.description_html


def test_expert_brief_hides_an_anonymous_city(world):
    world.req.city.anonymous_to_experts = True
    world.req.city.save(update_fields=["anonymous_to_experts"])
    view = presenters.request_view(world.req, world.user("assigned_expert"))
    assert (view.city, view.country, view.region) == (None, None, "Region A")
    assert view.summary == "Shareable brief for experts." and view.state is None and view.owner is None
    assert presenters.request_view(world.req, world.user("hub_region")).city == "Alpha One"


# --- grants -------------------------------------------------------------------------------------------------
def test_reconcile_removes_orphans_expired_and_group_rows_and_keeps_live_grants(world):
    now = timezone.now()
    declined = expert()
    ExpertAssignment.objects.create(request=world.req, expert=declined, status="declined")
    services.expert_access_grant(request=world.req, expert=declined)  # left behind by a missed revoke
    ended = SupportRequestFactory(city=world.req.city, state=RequestState.CLOSED)
    SupportRequest.objects.filter(pk=ended.pk).update(closed_at=now - timedelta(days=45))
    finished = expert()
    ExpertAssignment.objects.create(request=ended, expert=finished, status="completed")
    services.expert_access_grant(request=ended, expert=finished)
    recent = SupportRequestFactory(city=world.req.city, state=RequestState.CLOSED)
    SupportRequest.objects.filter(pk=recent.pk).update(closed_at=now - timedelta(days=2))
    ExpertAssignment.objects.create(request=recent, expert=finished, status="completed")
    services.expert_access_grant(request=recent, expert=finished)
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    assign_perm("helpdesk.view_supportrequest", Group.objects.get(name="expert"), world.req)

    result = access_grants_reconcile(now=now, grace_days=30)
    assert (result.orphaned, result.expired, result.group_rows) == (1, 1, 1)
    remaining = set(SupportRequestUserObjectPermission.objects.values_list("content_object_id", "user_id"))
    assert remaining == {
        (world.req.pk, world.user("assigned_expert").pk),
        (world.req.pk, world.extra["suspended_expert"].pk),
        (recent.pk, finished.pk),
    }
    assert not SupportRequestGroupObjectPermission.objects.exists()
    assert AccessLog.objects.filter(action=AccessLog.Action.REVOKE, subject=declined).count() == 1
    assert access_grants_reconcile(now=now, grace_days=30).total == 0


def test_reconcile_command(world, capsys):
    from django.core.management import call_command

    ExpertAssignment.objects.filter(expert=world.user("assigned_expert")).update(status="declined")
    call_command("access_grants_reconcile")
    assert "Removed 1 grant(s)" in capsys.readouterr().out


# --- hostile input through every text field of the services ------------------------------------------
HOSTILE_IDS = [f"hostile-{i:02d}" for i in range(len(HOSTILE))]


# Rich-text columns must hold nothing executable as stored (templates render them as HTML); plain
# columns may hold markup characters but are rendered escaped (checked through the presenters below).
RICH = {SupportRequest: ["description"], Message: ["body"], Attachment: []}
PLAIN = {SupportRequest: ["title", "summary"], Message: [], Attachment: ["original_name"]}


@pytest.mark.parametrize("payload", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_input_through_request_and_message_fields(payload):
    city = CityFactory()
    author = focal_point(city)
    hub = hub_staff(city.region)
    stored = []
    for field in ("title", "description", "summary"):
        values = {"title": "Hostile test", field: payload}
        try:
            request = services.request_create(city=city, submitted_by=author, confirm_personal_data=True, **values)
        except (ValidationError, PersonalDataFound):
            continue  # refused: nothing stored
        stored.append(SupportRequest.objects.get(pk=request.pk))
        with contextlib.suppress(ValidationError, PersonalDataFound):
            services.request_update_draft(request=request, actor=author, confirm_personal_data=True, **{field: payload})
        stored.append(SupportRequest.objects.get(pk=request.pk))
    request = SupportRequestFactory(city=city, state="submitted")
    for visibility in Visibility.values:
        try:
            message = services.message_post(
                request=request, author=hub, body=payload, visibility=visibility, confirm_personal_data=True
            )
        except (ValidationError, PersonalDataFound):
            continue
        stored.append(Message.objects.get(pk=message.pk))
    try:
        attachment = services.attachment_add(
            request=request, uploaded_by=hub, upload=SimpleUploadedFile("x.pdf", PDF_BYTES), name=payload[:300] + ".pdf"
        )
        stored.append(Attachment.objects.get(pk=attachment.pk))
    except ValidationError:
        pass
    for row in stored:
        for name in RICH[type(row)] + PLAIN[type(row)]:
            assert not has_bad_characters(getattr(row, name))
        for name in RICH[type(row)]:
            assert dangerous(getattr(row, name)) == []
    # Plain fields may hold markup characters, but rendered escaped (as every template does) they are inert.
    for row in stored:
        for view in _views_of(row, hub):
            assert dangerous(str(view)) == []


def _views_of(row, user):
    from django.utils.html import escape

    if isinstance(row, SupportRequest):
        view = presenters.request_view(row, user)
        return [escape(view.title), escape(view.summary), view.description_html]
    if isinstance(row, Message):
        return [presenters.message_view(row, user).body_html]
    return [escape(presenters.attachment_view(row, user).name)]


def test_hostile_input_through_every_free_text_field_of_the_lifecycle():
    """Reasons, questions, answers, justifications, reports, evaluations, declarations, budget items."""
    from django.utils.html import escape

    from workflows.lifecycle import TRANSITION_SPECS, Kind
    from workflows.validation import CLEANERS, Invalid

    fields = [
        (spec.name, field.name, field.kind)
        for spec in TRANSITION_SPECS.values()
        for field in spec.fields
        if field.kind in {Kind.TEXT, Kind.RICH_TEXT, Kind.BUDGET_LINES}
    ]
    assert len(fields) >= 8, fields
    stored = 0
    for _move, _name, kind in fields:
        for payload in HOSTILE:
            raw = [{"item": payload, "amount": "10.00"}] if kind == Kind.BUDGET_LINES else payload
            try:
                cleaned = CLEANERS[kind](raw)
            except Invalid:
                continue  # refused: nothing stored
            text = cleaned[0]["item"] if kind == Kind.BUDGET_LINES else cleaned
            assert not has_bad_characters(text)
            assert dangerous(text if kind == Kind.RICH_TEXT else str(escape(text))) == []
            stored += 1
    assert stored > len(fields) * 40


# --- rich text seals ------------------------------------------------------------------------------------
def test_services_seal_what_they_clean_and_pages_show_it_without_parsing_again(world, monkeypatch):
    from helpdesk import sanitize

    hub = world.user("hub_region")
    message = services.message_post(
        request=world.req, author=hub, body='<p>Plan <a href="https://example.org" onclick="x()">here</a></p>'
    )
    assert message.body == f'<p>Plan <a href="https://example.org" rel="{sanitize.LINK_REL}">here</a></p>'
    assert sanitize.is_sealed(message.body, message.body_seal)
    own_city = world.user("own_city")
    draft = services.request_create(
        city=world.req.city, submitted_by=own_city, title="Sealed", description="<p>First<script>x</script></p>"
    )
    assert draft.description == "<p>Firstx</p>" and sanitize.is_sealed(draft.description, draft.description_seal)
    services.request_update_draft(
        request=draft, actor=own_city, description="<p>New <em>text</em><script>x</script></p>"
    )
    draft.refresh_from_db()
    assert draft.description == "<p>New <em>text</em>x</p>"
    assert sanitize.is_sealed(draft.description, draft.description_seal)

    parses = []
    real_clean = sanitize._cleaner.clean
    monkeypatch.setattr(sanitize._cleaner, "clean", lambda value: parses.append(value) or real_clean(value))
    view = presenters.request_view(draft, own_city)
    sealed_bodies = {m.pk for m in Message.objects.filter(request=world.req).exclude(body_seal="")}
    views = presenters.message_views(world.req, hub)
    assert "<em>text</em>" in view.description_html and any("example.org" in v.body_html for v in views)
    # Only rows that did not come through a service (the test world's own, written directly) are parsed.
    assert len(parses) == len([v for v in views if v.pk not in sealed_bodies and not v.withheld])


def test_text_edited_behind_the_services_back_is_cleaned_on_the_way_out(world):
    hub = world.user("hub_region")
    message = services.message_post(request=world.req, author=hub, body="<p>Fine</p>")
    Message.objects.filter(pk=message.pk).update(
        body='<p>Fine</p><script>alert(1)</script><a href="javascript:x">y</a>'
    )
    views = {v.pk: v for v in presenters.message_views(world.req, hub)}
    assert dangerous(str(views[message.pk].body_html)) == []
    assert "Fine" in views[message.pk].body_html


def test_anonymising_clears_the_seals(world):
    from helpdesk.retention import _anonymise_batch

    hub = world.user("hub_region")
    services.message_post(request=world.req, author=hub, body="<p>Fine</p>")
    _anonymise_batch([world.req.pk], now=timezone.now())
    assert not Message.objects.filter(request=world.req).exclude(body_seal="").exists()
    assert SupportRequest.objects.get(pk=world.req.pk).description_seal == ""
