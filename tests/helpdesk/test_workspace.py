"""Hub staff's working aids (``helpdesk.services.workspace``): saved views, reply templates, owners of many
requests at once."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from helpdesk import services
from helpdesk.models import AccessLog, ReplyTemplate, SavedView, SupportRequest
from helpdesk.selectors import hub_reply_templates, reply_templates_for, reply_templates_kept, saved_views_for
from tests.factories import CityFactory, RegionFactory, expert, focal_point, hub_staff, management, steering
from tests.web.pages import in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return RegionFactory()


def _audit_flags(obj):
    return list(LogEntry.objects.filter(object_id=str(obj.pk)).order_by("pk").values_list("action_flag", flat=True))


# --- saved views ---------------------------------------------------------------------------------------
def test_a_saved_view_is_personal_or_shared_with_the_owners_hub_and_audited(region):
    owner, colleague, elsewhere = hub_staff(region), hub_staff(region), hub_staff(RegionFactory())
    mine = services.saved_view_create(owner=owner, name="  Mine ", query="state=submitted")
    shared = services.saved_view_create(owner=owner, name="Late ones", query="state=&overdue=on", shared=True)
    assert (mine.name, mine.region_id, shared.region_id) == ("Mine", None, region.pk)
    assert _audit_flags(mine) == [ADDITION] and _audit_flags(shared) == [ADDITION]
    assert set(saved_views_for(owner)) == {mine, shared}
    assert list(saved_views_for(colleague)) == [shared]
    assert list(saved_views_for(elsewhere)) == []
    # A colleague who moves to another hub no longer sees the first hub's shared views.
    colleague.region = RegionFactory()
    colleague.save(update_fields=["region"])
    assert list(saved_views_for(colleague)) == []


def test_only_people_with_a_queue_save_views_and_only_hub_staff_share_them(region):
    unit = management()
    assert services.saved_view_create(owner=unit, name="Fund", query="funding=on").region_id is None
    with pytest.raises(ValidationError):
        services.saved_view_create(owner=unit, name="Fund", query="", shared=True)
    for person in (focal_point(CityFactory(region=region)), expert(), steering()):
        with pytest.raises(PermissionDenied):
            services.saved_view_create(owner=person, name="Peek", query="")
    with pytest.raises(ValidationError):
        services.saved_view_create(owner=hub_staff(region), name="   ", query="")
    assert list(saved_views_for(steering())) == []


def test_only_its_owner_deletes_a_view_even_a_shared_one(region):
    owner, colleague = hub_staff(region), hub_staff(region)
    view = services.saved_view_create(owner=owner, name="Shared", query="", shared=True)
    with pytest.raises(PermissionDenied):
        services.saved_view_delete(view=view, actor=colleague)
    pk = view.pk
    services.saved_view_delete(view=view, actor=owner)
    assert not SavedView.objects.exists()
    assert LogEntry.objects.filter(object_id=str(pk), action_flag=DELETION, user=owner).exists()


# --- reply templates -------------------------------------------------------------------------------------
def test_hub_staff_keep_their_hubs_templates_with_an_audit_row(region):
    staff = hub_staff(region)
    template = services.reply_template_save(
        actor=staff, title="Thanks", body_en="Thank you, {focal_point}.", body_fr="", body_ar="شكرا"
    )
    assert (template.region_id, template.created_by) == (region.pk, staff)
    services.reply_template_save(
        actor=hub_staff(region), template=template, title="Thanks!", body_en="Thanks.", body_fr="Merci.", body_ar=""
    )
    template.refresh_from_db()
    assert (template.title, template.body_fr, template.body_ar) == ("Thanks!", "Merci.", "")
    assert _audit_flags(template) == [ADDITION, CHANGE]
    assert list(hub_reply_templates(staff)) == [template]
    services.reply_template_delete(template=template, actor=staff)
    assert not ReplyTemplate.objects.exists()


def test_templates_are_refused_to_other_hubs_and_to_people_without_a_hub(region):
    template = services.reply_template_save(actor=hub_staff(region), title="T", body_en="x", body_fr="", body_ar="")
    other = hub_staff(RegionFactory())
    with pytest.raises(PermissionDenied):
        services.reply_template_save(actor=other, template=template, title="Mine", body_en="y", body_fr="", body_ar="")
    with pytest.raises(PermissionDenied):
        services.reply_template_delete(template=template, actor=other)
    with pytest.raises(PermissionDenied):
        services.reply_template_save(actor=management(), title="T", body_en="x", body_fr="", body_ar="")
    with pytest.raises(ValidationError):
        services.reply_template_save(actor=hub_staff(region), title="Empty", body_en=" ", body_fr="", body_ar="")
    assert list(hub_reply_templates(other)) == [] and list(hub_reply_templates(management())) == []


def test_the_request_page_offers_the_hubs_templates_to_its_hub_staff_only(region):
    template = services.reply_template_save(actor=hub_staff(region), title="T", body_en="x", body_fr="", body_ar="")
    request = in_state("submitted", city=CityFactory(region=region))
    assert list(reply_templates_for(request, hub_staff(region))) == [template]
    for person in (hub_staff(RegionFactory()), management(), focal_point(request.city), expert()):
        assert list(reply_templates_for(request, person)) == []


@pytest.mark.django_db(transaction=True)  # the kept list is dropped once a write commits
def test_the_kept_templates_equal_the_read_after_every_write(region):
    staff = hub_staff(region)
    request = in_state("submitted", city=CityFactory(region=region))
    assert reply_templates_kept(request, staff) == list(reply_templates_for(request, staff)) == []
    first = services.reply_template_save(actor=staff, title="B", body_en="x", body_fr="", body_ar="")
    assert reply_templates_kept(request, staff) == list(reply_templates_for(request, staff)) == [first]
    second = services.reply_template_save(actor=staff, title="A", body_en="y", body_fr="", body_ar="")
    services.reply_template_save(actor=staff, title="C", body_en="z", body_fr="", body_ar="", template=first)
    kept = reply_templates_kept(request, staff)
    assert kept == list(reply_templates_for(request, staff)) == [second, first]
    assert [t.title for t in kept] == ["A", "C"]
    services.reply_template_delete(template=second, actor=staff)
    assert reply_templates_kept(request, staff) == list(reply_templates_for(request, staff)) == [first]
    for person in (hub_staff(RegionFactory()), management(), focal_point(request.city), expert()):
        assert reply_templates_kept(request, person) == []


# --- owners of many requests ------------------------------------------------------------------------------
def test_bulk_owner_changes_what_the_actor_may_assign_and_reports_the_rest(region, django_assert_num_queries):
    staff, colleague = hub_staff(region), hub_staff(region)
    ours = [in_state("submitted", city=CityFactory(region=region)) for _ in range(3)]
    already = in_state("submitted", city=CityFactory(region=region), owner=colleague)
    elsewhere = in_state("submitted")
    references = [r.reference for r in [*ours, already, elsewhere]] + ["SCN-1999-999999", ours[0].reference]
    staff.roles, colleague.roles  # noqa: B018  # what the person is, read before counting (a page has it already)
    with django_assert_num_queries(5):  # savepoint, read with lock, update, insert, release
        result = services.requests_owner_bulk_set(actor=staff, references=references, owner=colleague, ip="10.0.0.1")
    assert result.changed == [r.reference for r in ours]
    assert result.unchanged == [already.reference]
    assert result.refused == [elsewhere.reference, "SCN-1999-999999"]
    assert set(SupportRequest.objects.filter(owner=colleague).values_list("pk", flat=True)) == {
        *(r.pk for r in ours),
        already.pk,
    }
    logged = AccessLog.objects.filter(action=AccessLog.Action.OWNER)
    assert sorted(logged.values_list("request_id", flat=True)) == sorted(r.pk for r in ours)
    assert {(e.user_id, e.subject_id, e.ip_address) for e in logged} == {(staff.pk, colleague.pk, "10.0.0.1")}


def test_bulk_owner_refuses_an_owner_from_another_hub_and_people_who_are_not_staff(region):
    staff = hub_staff(region)
    request = in_state("submitted", city=CityFactory(region=region))
    stranger = hub_staff(RegionFactory())
    assert services.requests_owner_bulk_set(actor=staff, references=[request.reference], owner=stranger).refused == [
        request.reference
    ]
    city_person = focal_point(request.city)
    assert services.requests_owner_bulk_set(actor=staff, references=[request.reference], owner=city_person).refused
    # The city may see its request but never assign it.
    assert services.requests_owner_bulk_set(actor=city_person, references=[request.reference], owner=None).refused
    unit = management()
    assert services.requests_owner_bulk_set(actor=unit, references=[request.reference], owner=unit).changed == [
        request.reference
    ]
    request.refresh_from_db()
    assert request.owner == unit
    assert services.requests_owner_bulk_set(actor=staff, references=[request.reference], owner=None).changed
    assert not AccessLog.objects.filter(action=AccessLog.Action.OWNER, subject=stranger).exists()
