"""The scale seeder's fast inserts store what the ORM would have stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from devtools.demo.bulk import bulk_load, insert_rows, update_rows
from helpdesk.models import Message, SupportRequest
from tests.factories import FundEnvelopeFactory, SupportRequestFactory
from workflows.models import FundApplication

pytestmark = pytest.mark.django_db


def test_rows_read_back_as_the_orm_would_have_written_them():
    request = SupportRequestFactory()
    at = datetime(2026, 5, 4, 3, 2, 1, 123456, tzinfo=UTC)
    count = insert_rows(
        Message,
        ("request_id", "author_id", "body", "body_seal", "visibility", "sensitivity", "screening_flags", "created_at"),
        [
            (request.pk, None, "<p>Hello</p>", "", "city", "shareable", [], at),
            (request.pk, None, "<p>« Bonjour » – مرحبا</p>", "", "internal", "restricted", [{"kind": "phone"}], at),
        ],
    )
    assert count == 2
    rows = list(Message.objects.filter(request=request).order_by("pk"))
    assert [m.created_at for m in rows] == [at, at]
    assert rows[1].body == "<p>« Bonjour » – مرحبا</p>" and rows[1].screening_flags == [{"kind": "phone"}]
    assert rows[0].screening_flags == [] and rows[0].author_id is None


def test_decimals_dates_and_json_objects_keep_their_values():
    request = SupportRequestFactory()
    envelope = FundEnvelopeFactory()
    at = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    fields = ("request_id", "envelope_id", "amount_requested", "currency", "budget_lines", "strategic_priority",
              "justification", "status", "conditions", "decision_reason", "created_at")  # fmt: skip
    lines = [{"item": "Workshops", "amount": "1234.50"}]
    insert_rows(
        FundApplication,
        fields,
        [(request.pk, envelope.pk, Decimal("1234.50"), "EUR", lines, 3, "Why", "pending", "", "", at)],
    )
    application = FundApplication.objects.get(request=request)
    assert application.amount_requested == Decimal("1234.50") and application.budget_lines == lines
    assert application.created_at == at and application.status == "pending"


def test_bulk_load_inside_a_transaction_changes_nothing():
    with connection.cursor() as cursor:
        before = cursor.execute("PRAGMA cache_size").fetchone() if connection.vendor == "sqlite" else None
    with bulk_load():
        SupportRequestFactory()
    with connection.cursor() as cursor:
        after = cursor.execute("PRAGMA cache_size").fetchone() if connection.vendor == "sqlite" else None
    assert before == after
    assert SupportRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite settings of a bulk load")
def test_bulk_load_restores_the_cache_and_safety_settings_it_changed():
    with connection.cursor() as cursor:
        before = [cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in ("cache_size", "synchronous")]
    with bulk_load(), connection.cursor() as cursor:
        during = [cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in ("cache_size", "synchronous")]
    with connection.cursor() as cursor:
        after = [cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in ("cache_size", "synchronous")]
    assert during == [-1000000, 0] and after == before


def test_updates_set_times_and_durations_on_the_rows_named():
    first, second, untouched = SupportRequestFactory(), SupportRequestFactory(), SupportRequestFactory()
    at = datetime(2026, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)
    fields = ("triaged_at", "time_to_triage")
    changes = [(first.pk, at, timedelta(days=2, seconds=5)), (second.pk, at, None)]
    assert update_rows(SupportRequest, fields, changes) == 2
    rows = {r.pk: (r.triaged_at, r.time_to_triage) for r in SupportRequest.objects.all()}
    assert rows[first.pk] == (at, timedelta(days=2, seconds=5))
    assert rows[second.pk] == (at, None) and rows[untouched.pk] == (None, None)
