"""The audit trail: append-only through the ORM, hash-chained per request, and checked by ``verify_audit``."""

from __future__ import annotations

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from helpdesk.models import SupportRequest
from workflows.audit import audit_verify, row_hash
from workflows.errors import AuditTrailImmutable
from workflows.models import TransitionLog

TABLE = TransitionLog._meta.db_table


def _raw(sql: str, params: list[object]) -> None:
    """Change the database behind the ORM's back, as someone with database access could."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def trail(net):
    request = net.at("closed")
    other = net.at("declined")
    return request, other


def test_each_row_is_chained_to_the_previous_one_of_its_request(trail):
    request, _ = trail
    rows = list(TransitionLog.objects.filter(request=request).order_by("seq"))

    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == ""
    for previous, row in pairwise(rows):
        assert row.prev_hash == previous.hash
    assert all(row.hash == row_hash(row) and len(row.hash) == 64 for row in rows)
    assert rows[-1].to_state == request.state


def test_an_intact_trail_passes(trail, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        report = audit_verify()

    assert report.intact and report.chains == 2 and report.rows == TransitionLog.objects.count()
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()


def test_the_orm_refuses_to_change_or_delete_a_row(trail):
    row = TransitionLog.objects.first()

    row.comment = "rewritten"
    with pytest.raises(AuditTrailImmutable):
        row.save()
    with pytest.raises(AuditTrailImmutable):
        row.delete()
    with pytest.raises(AuditTrailImmutable):
        TransitionLog.objects.filter(pk=row.pk).update(comment="rewritten")
    with pytest.raises(AuditTrailImmutable):
        TransitionLog.objects.all().delete()
    with pytest.raises(AuditTrailImmutable):
        TransitionLog.objects.bulk_update([row], ["comment"])
    assert TransitionLog.objects.get(pk=row.pk).comment == ""


def test_a_request_with_a_history_cannot_be_deleted(trail):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        SupportRequest.objects.filter(pk=trail[0].pk).delete()


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        (f"UPDATE {TABLE} SET to_state = 'withdrawn' WHERE id = %s", "altered"),  # noqa: S608
        (f"UPDATE {TABLE} SET actor_id = NULL WHERE id = %s", "altered"),  # noqa: S608
        (f"UPDATE {TABLE} SET data = '{{}}' WHERE id = %s", "altered"),  # noqa: S608
        (f"DELETE FROM {TABLE} WHERE id = %s", "removed"),  # noqa: S608
    ],
)
def test_verify_audit_reports_a_row_altered_behind_the_orms_back(trail, sql, problem):
    request, other = trail
    second = TransitionLog.objects.filter(request=request).order_by("seq")[1]

    _raw(sql, [second.pk])

    report = audit_verify()
    assert report.broken_chains == [request.pk]
    assert any(problem in link.problem for link in report.broken)
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("verify_audit", stdout=StringIO(), stderr=err)
    assert "1 of 2 chains broken" in str(failed.value)
    assert f"BROKEN {request.reference} #" in err.getvalue()
    assert other.reference not in err.getvalue()


def test_a_rehashed_row_still_breaks_the_chain_after_it(trail):
    """Someone who recomputes the altered row's hash must also rewrite every later row: the next link breaks."""
    request, _ = trail
    second = TransitionLog.objects.filter(request=request).order_by("seq")[1]
    second.from_state = "draft"
    forged = row_hash(second)
    _raw(f"UPDATE {TABLE} SET from_state = 'draft', hash = %s WHERE id = %s", [forged, second.pk])  # noqa: S608

    report = audit_verify()

    assert [(link.seq, "chain" in link.problem) for link in report.broken] == [(3, True)]


def test_a_state_changed_without_a_move_is_reported(trail):
    request, _ = trail
    _raw("UPDATE helpdesk_supportrequest SET state = 'submitted' WHERE id = %s", [request.pk])

    report = audit_verify()

    assert report.broken_chains == [request.pk]
    assert "trail ends in 'closed'" in report.broken[0].problem


def test_verify_audit_takes_references_and_exits_non_zero(trail):
    request, other = trail
    _raw(f"UPDATE {TABLE} SET transition = 'evaluate' WHERE request_id = %s AND seq = 1", [other.pk])  # noqa: S608

    call_command("verify_audit", request.reference, stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("verify_audit", other.reference, stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="Unknown request reference"):
        call_command("verify_audit", "SCN-1999-000001", stdout=StringIO())


def test_the_trail_holds_no_free_text(net):
    request = net.at("closed")
    perform_texts = ["Which services", "Youth services", "Two workshops", "A plan adopted", "No tie to the city"]

    stored = " ".join(f"{row.comment} {row.data}" for row in TransitionLog.objects.filter(request=request))

    assert not [text for text in perform_texts if text in stored]
