"""The queue's word search on PostgreSQL (``helpdesk.request_index``): through its indexes, words as prefixes, and a
count that stops at the list's limit."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from helpdesk.models import RequestState, SupportRequest
from helpdesk.request_index import tsquery_text
from helpdesk.services import reference_allocate
from tests.factories import CityFactory, SupportRequestFactory, hub_staff, management
from web.lists.queue import QueueFilters, filtered_requests, queue_page

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the word indexes are PostgreSQL's")


def test_what_was_typed_becomes_words_never_query_syntax():
    assert tsquery_text("Youth mentoring") == "'youth':* & 'mentoring':*"
    assert tsquery_text("o'Brien & !x | (y) <-> z:*") == "'o' & 'brien':* & 'x' & 'y' & 'z'"
    assert tsquery_text("تدريب الشباب") == "'تدريب':* & 'الشباب':*"
    assert tsquery_text(" - & ! ") == ""


@pytest.mark.django_db
@pytest.mark.postgres
@postgres_only
def test_words_match_as_prefixes_all_of_them_markup_aside():
    city = CityFactory()
    mentoring = SupportRequestFactory(city=city, state="submitted", title="Mentoring for youth")
    described = SupportRequestFactory(
        city=city, state="submitted", title="Schools", description="<p>A <strong>mentorship</strong> scheme</p>"
    )
    arabic = SupportRequestFactory(city=city, state="submitted", title="تدريب الشباب على القيادة")
    SupportRequestFactory(city=city, state="submitted", title="Street lighting", description="<p class='mentor'></p>")
    hub = hub_staff(city.region)

    def found(term: str) -> set[SupportRequest]:
        return set(filtered_requests(hub, QueueFilters(search=term)))

    assert found("mentor") == {mentoring, described}  # not the word inside a tag's attribute
    assert found("MENTORING youth") == {mentoring}
    assert found("youth lighting") == set()
    assert found("تدريب") == {arabic}
    assert found(mentoring.reference) == {mentoring}


def _seed(count: int, *, rare_every: int) -> SupportRequest:
    """``count`` requests of one city; one in ``rare_every`` has a rare word in its description, every other of
    those another in its title. Returns one of them (its hub is theirs)."""
    template = SupportRequestFactory(state=RequestState.SUBMITTED)
    rows = []
    for n, reference in enumerate(reference_allocate(count=count)):
        rare = n % rare_every == 0
        in_title = rare and (n // rare_every) % 2 == 1
        rows.append(
            SupportRequest(
                reference=reference,
                city_id=template.city_id,
                region_id=template.region_id,
                state=RequestState.SUBMITTED,
                title=f"Water supply {n}" + (" zorblax" if in_title else ""),
                description=f"<p>Pumps and pipes for district {n}{' quuxite' if rare else ''}.</p>",
                summary="Pipes.",
                theme=template.theme,
                kind=template.kind,
                strategic_priority=3,
            )
        )
    SupportRequest.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE helpdesk_supportrequest")
    return template


@pytest.mark.django_db
@pytest.mark.postgres
@postgres_only
def test_the_search_reads_the_word_indexes_on_a_seeded_table():
    _seed(3000, rare_every=300)
    rows = filtered_requests(management(), QueueFilters(search="zorblax")).order_by("-created_at")[:26]
    # What is proven is that the query's expressions are the indexes' own (PostgreSQL uses an expression index
    # only for the identical expression). Which plan wins on 3,000 rows depends on the statistics the tests run
    # before leave behind (one run in a full pass chose another): a sequential scan is taken off the table so the
    # planner shows whether it can use the indexes at all.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = rows.explain()
    assert "req_search_title_fts" in plan, plan
    assert "req_search_content_fts" in plan, plan
    assert "Seq Scan on helpdesk_supportrequest" not in plan, plan
    assert len(list(rows)) == 5  # every other of the ten: the word in their titles
    both = filtered_requests(management(), QueueFilters(search="zorblax quuxite"))
    assert both.count() == 5  # a word of the title and one of the description, found together


@pytest.mark.django_db
@pytest.mark.postgres
@postgres_only
def test_a_search_counts_its_matches_to_the_limit_and_pages_on(monkeypatch, django_assert_num_queries):
    import web.lists.queue

    hub = hub_staff(_seed(120, rare_every=2).region)  # 60 match "quuxite"
    search = QueueFilters(search="quuxite")
    queue_page(hub, search)  # the person's scope, read once
    with django_assert_num_queries(2):  # the count, the page
        exact = queue_page(hub, search)
    assert (exact.total, exact.total_capped, len(exact.rows)) == (60, False, 25)
    monkeypatch.setattr(web.lists.queue, "COUNT_LIMIT", 50)
    pages = [queue_page(hub, search)]
    while pages[-1].next_cursor:
        pages.append(queue_page(hub, search, after=pages[-1].next_cursor))
    assert [(page.total, page.total_capped) for page in pages] == [(50, True)] * 3
    listed = [row.reference for page in pages for row in page.rows]
    assert len(listed) == len(set(listed)) == 60
