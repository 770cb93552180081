from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from helpdesk import services
from helpdesk.models import (
    AccessLog,
    Attachment,
    Message,
    RequestState,
    SupportRequest,
    SupportRequestUserObjectPermission,
    Visibility,
)
from helpdesk.retention import anonymise_closed, orphan_files_delete
from helpdesk.signals import requests_anonymised
from tests.access_world import PDF_BYTES
from tests.factories import (
    CityFactory,
    FundEnvelopeFactory,
    SupportRequestFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    resource,
)
from workflows.models import DeliveryReport, Evaluation, ExpertAssignment, FundApplication

pytestmark = pytest.mark.django_db

# Recognisable values planted in every place a request's personal data can sit.
SEEDED = {
    "title": "Support for Zorblaxian family",
    "description": "Victim Quillon Vexmartin, +254 712 345 678",
    "summary": "Quillon-summary-zq7",
    "message": "Mother reachable at zorbla.mother@example.org",
    "internal": "Internal note about Vexmartin-internal",
    "coi": "I taught Vexmartin-coi at school",
    "waiver": "Vexmartin-waiver left school long ago",
    "decline": "Decline because of Vexmartin-decline",
    "justification": "Vexmartin-justification for the grant",
    "conditions": "Vexmartin-conditions apply",
    "decision": "Vexmartin-decision reason",
    "budget": "Vexmartin-budget-line trainer fee",
    "report": "Delivered with Vexmartin-report present",
    "outcomes": "Vexmartin-outcomes achieved",
    "comments": "Thanks to Vexmartin-comments",
    "ip": "203.0.113.77",
    "filename": "Vexmartin-passport-scan.pdf",
}


@pytest.fixture
def ended():
    """A request closed three years ago, with something personal in every text column it touches."""
    city = CityFactory()
    author = focal_point(city)
    hub = hub_staff(city.region)
    specialist = expert()
    request = services.request_create(
        city=city,
        submitted_by=author,
        title=SEEDED["title"],
        description=SEEDED["description"],
        summary=SEEDED["summary"],
        theme="incident_response",
        kind="fund",
        funding_requested=Decimal("5000"),
        confirm_personal_data=True,
    )
    services.message_post(request=request, author=author, body=SEEDED["message"], confirm_personal_data=True)
    # Submitted: the hub reads (and writes on) a request once it is no longer the city's draft.
    SupportRequest.objects.filter(pk=request.pk).update(state="submitted")
    request.refresh_from_db()
    services.message_post(request=request, author=hub, body=SEEDED["internal"], visibility=Visibility.INTERNAL)
    services.attachment_add(
        request=request, uploaded_by=author, upload=SimpleUploadedFile("x.pdf", PDF_BYTES), name=SEEDED["filename"]
    )
    ExpertAssignment.objects.create(
        request=request,
        expert=specialist,
        status="completed",
        conflict_of_interest=SEEDED["coi"],
        has_conflict=True,
        waiver_reason=SEEDED["waiver"],
    )
    ExpertAssignment.objects.create(
        request=request, expert=expert(), status="declined", decline_reason=SEEDED["decline"]
    )
    services.expert_access_grant(request=request, expert=specialist)
    FundApplication.objects.create(
        request=request,
        envelope=FundEnvelopeFactory(region=city.region),
        amount_requested=Decimal("5000"),
        budget_lines=[{"label": SEEDED["budget"], "amount": "5000"}],
        strategic_priority=3,
        justification=SEEDED["justification"],
        conditions=SEEDED["conditions"],
        decision_reason=SEEDED["decision"],
        status="approved",
        amount_approved=Decimal("4000"),
    )
    DeliveryReport.objects.create(request=request, author=specialist, report=SEEDED["report"])
    Evaluation.objects.create(
        request=request, author=author, rating=4, outcomes=SEEDED["outcomes"], would_recommend=True,
        comments=SEEDED["comments"],
    )  # fmt: skip
    services.access_log_record(user=hub, request=request, action="view_restricted", ip=SEEDED["ip"])
    LogEntry.objects.create(
        user_id=hub.pk,
        content_type_id=ContentType.objects.get_for_model(SupportRequest).pk,
        object_id=str(request.pk),
        object_repr=str(request),
        action_flag=CHANGE,
        change_message=f"Changed description: {SEEDED['description']}",
    )
    long_ago = timezone.now() - timedelta(days=1000)
    SupportRequest.objects.filter(pk=request.pk).update(
        state=RequestState.CLOSED, submitted_at=long_ago - timedelta(days=60), closed_at=long_ago
    )
    request.refresh_from_db()
    return request


def _columns_holding(value: str) -> list[str]:
    """Every column of every table whose text contains ``value`` (all apps, Django's own tables too)."""
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                name = connection.ops.quote_name(column.name)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "  # noqa: S608 - names from introspection
                    f"WHERE CAST({name} AS TEXT) LIKE %s",
                    [f"%{value}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{table}.{column.name}")
    return hits


def test_the_seeded_values_are_found_before(ended):
    for key in ("title", "description", "message", "coi", "waiver", "budget", "report", "ip", "filename"):
        assert _columns_holding(SEEDED[key]), key


def test_no_personal_data_remains_in_any_table_after_anonymisation(ended, django_capture_on_commit_callbacks):
    stored = list(Attachment.objects.filter(request=ended).values_list("file", flat=True))
    assert all(default_storage.exists(name) for name in stored)
    with django_capture_on_commit_callbacks(execute=True):
        assert anonymise_closed(older_than_days=730) == 1
    for key, value in SEEDED.items():
        assert _columns_holding(value) == [], key
    for word in ("Vexmartin", "Zorblax", "Quillon", "zorbla.mother"):
        assert _columns_holding(word) == [], word
    assert not any(default_storage.exists(name) for name in stored)


def test_anonymous_facts_stay_and_links_to_people_go(ended):
    anonymise_closed(older_than_days=730)
    request = SupportRequest.objects.select_related("region").get(pk=ended.pk)
    assert (request.theme, request.kind, request.region, request.city) == (
        "incident_response",
        "fund",
        ended.region,
        ended.city,
    )
    assert (request.created_at, request.submitted_at, request.closed_at) == (
        ended.created_at,
        ended.submitted_at,
        ended.closed_at,
    )
    assert request.funding_requested == Decimal("5000")
    assert request.evaluation.rating == 4
    assert request.fund_applications.get().amount_approved == Decimal("4000")
    assert request.anonymised_at is not None
    assert request.submitted_by is None and request.screening_flags == []
    assert not Message.objects.filter(request=request).exclude(author=None).exists()
    assert Message.objects.filter(request=request).count() == 2
    assert request.evaluation.author is None
    assert not SupportRequestUserObjectPermission.objects.filter(content_object=request).exists()
    assert not Attachment.objects.filter(request=request).exists()
    assert request.assignments.count() == 2  # who worked on it is a fact of the network's activity
    assert AccessLog.objects.filter(request=request, action=AccessLog.Action.ANONYMISE).count() == 1


def test_anonymisation_is_idempotent_and_announced(ended):
    announced = []

    def listener(sender, request_ids, **kwargs):
        announced.append(list(request_ids))

    requests_anonymised.connect(listener)
    try:
        assert anonymise_closed(older_than_days=730) == 1
        assert anonymise_closed(older_than_days=730) == 0
    finally:
        requests_anonymised.disconnect(listener)
    assert announced == [[ended.pk]]


def test_requests_not_due_are_untouched(ended):
    recent = SupportRequestFactory(state=RequestState.CLOSED, description="Recent-Vexmartin")
    SupportRequest.objects.filter(pk=recent.pk).update(closed_at=timezone.now() - timedelta(days=10))
    open_old = SupportRequestFactory(state=RequestState.IN_DELIVERY, description="Open-Vexmartin")
    SupportRequest.objects.filter(pk=open_old.pk).update(created_at=timezone.now() - timedelta(days=2000))
    assert anonymise_closed(older_than_days=730) == 1
    assert SupportRequest.objects.get(pk=recent.pk).description == "Recent-Vexmartin"
    assert SupportRequest.objects.get(pk=open_old.pk).description == "Open-Vexmartin"
    assert anonymise_closed(older_than_days=5) == 1


def test_command_uses_the_setting_by_default_and_accepts_days(ended, settings, capsys):
    settings.RETENTION_DAYS = 2000
    call_command("anonymise_closed", "--dry-run")
    assert "0 request(s) would be anonymised" in capsys.readouterr().out
    call_command("anonymise_closed", "--older-than", "900")
    assert "Anonymised 1 request(s)" in capsys.readouterr().out
    assert SupportRequest.objects.get(pk=ended.pk).anonymised_at is not None


def test_orphaned_files_are_swept(ended):
    default_storage.save(f"attachments/{ended.pk}/orphan", SimpleUploadedFile("o", b"left behind"))
    default_storage.save("resources/7/orphan", SimpleUploadedFile("o", b"a resource file left behind"))
    kept = Attachment.objects.get(request=ended).file.name
    guide = resource(state="draft")
    resource_kept = services.resource_file_add(
        resource=guide, actor=management(), upload=SimpleUploadedFile("guide.pdf", PDF_BYTES)
    ).file.name
    assert orphan_files_delete(older_than_hours=1) == 0  # too recent: may belong to an upload in progress
    assert orphan_files_delete(older_than_hours=0, now=timezone.now() + timedelta(seconds=5)) == 2
    assert default_storage.exists(kept) and default_storage.exists(resource_kept)


def test_nothing_personal_survives_a_request_that_went_through_the_lifecycle(django_capture_on_commit_callbacks):
    """The same search after a real life: the audit trail, notifications and messages the moves wrote."""
    from workflows.services import transition_perform

    city = CityFactory()
    author = focal_point(city)
    hub = hub_staff(city.region)
    request = services.request_create(
        city=city,
        submitted_by=author,
        title="Lifecycle request",
        description="<p>Incident involving Vexmartin-life-description</p>",
        summary="A shareable summary of the need.",
        theme="multi_agency",
        kind="advice",
        strategic_priority=3,
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = transition_perform(request=request, transition="submit", actor=author)
        request = transition_perform(
            request=request,
            transition="request_info",
            actor=hub,
            data={"question": "<p>Is Vexmartin-life-question safe?</p>"},
        )
        request = transition_perform(
            request=request,
            transition="provide_info",
            actor=author,
            data={"answer": "<p>Vexmartin-life-answer is safe</p>"},
        )
        request = transition_perform(
            request=request,
            transition="decline",
            actor=hub,
            data={"reason": "<p>Vexmartin-life-reason: out of scope</p>"},
        )
    assert request.state == RequestState.DECLINED
    assert _columns_holding("Vexmartin-life")
    SupportRequest.objects.filter(pk=request.pk).update(closed_at=timezone.now() - timedelta(days=800))
    with django_capture_on_commit_callbacks(execute=True):
        assert anonymise_closed(older_than_days=730) == 1
    assert _columns_holding("Vexmartin-life") == []


@pytest.fixture
def ended_in_a_bucket(s3_bucket, ended):
    """``ended``, its file stored in a bucket (STORAGE_URL) rather than on the disk."""
    return ended


@pytest.mark.s3
def test_anonymisation_deletes_the_objects_from_the_bucket(
    s3_server, s3_bucket, ended_in_a_bucket, django_capture_on_commit_callbacks
):
    stored = list(Attachment.objects.filter(request=ended_in_a_bucket).values_list("file", flat=True))
    assert stored and s3_server.keys(s3_bucket) == stored
    with django_capture_on_commit_callbacks(execute=True):
        assert anonymise_closed(older_than_days=730) == 1
    assert s3_server.keys(s3_bucket) == []


@pytest.mark.s3
def test_orphaned_objects_are_swept_from_the_bucket(s3_server, s3_bucket, ended_in_a_bucket):
    (kept,) = Attachment.objects.filter(request=ended_in_a_bucket).values_list("file", flat=True)
    default_storage.save(f"attachments/{ended_in_a_bucket.pk}/orphan", SimpleUploadedFile("o", b"left behind"))
    default_storage.save("resources/7/orphan", SimpleUploadedFile("o", b"a resource file left behind"))
    assert orphan_files_delete(older_than_hours=1) == 0  # too recent: may belong to an upload in progress
    assert orphan_files_delete(older_than_hours=0, now=timezone.now() + timedelta(seconds=5)) == 2
    assert s3_server.keys(s3_bucket) == [kept]
