"""The queue's search matches only text the person may read."""

import pytest

from helpdesk.models import Sensitivity
from tests.factories import CityFactory, SupportRequestFactory, focal_point, hub_staff
from web.lists.queue import QueueFilters, filtered_requests

pytestmark = pytest.mark.django_db


def test_search_never_matches_withheld_description():
    city = CityFactory()
    author, colleague = focal_point(city), focal_point(city)
    restricted = SupportRequestFactory(
        city=city,
        submitted_by=author,
        state="submitted",
        title="Youth outreach",
        description="<p>Contact Zanele Mokoena at the clinic.</p>",
        sensitivity=Sensitivity.RESTRICTED,
    )
    shareable = SupportRequestFactory(
        city=city, submitted_by=author, state="submitted", title="Schools", description="<p>Zanele helps.</p>"
    )
    search = QueueFilters(search="Zanele")

    assert list(filtered_requests(colleague, search)) == [shareable]
    assert set(filtered_requests(author, search)) == {restricted, shareable}
    assert set(filtered_requests(hub_staff(city.region), search)) == {restricted, shareable}
    # The title stays searchable for everyone who sees the row.
    assert list(filtered_requests(colleague, QueueFilters(search="outreach"))) == [restricted]


def test_open_means_the_same_rows_whether_counted_or_listed():
    city = CityFactory()
    states = ["draft", "submitted", "info_requested", "in_delivery", "closed", "declined", "withdrawn", "delivered"]
    rows = {state: SupportRequestFactory(city=city, state=state) for state in states}
    hub = hub_staff(city.region)
    open_filter = QueueFilters(exclude_terminal=True)
    listed = set(filtered_requests(hub, open_filter))
    assert listed == set(filtered_requests(hub, open_filter, for_count=True))
    assert listed == {rows[s] for s in ("submitted", "info_requested", "in_delivery", "delivered")}


def test_counts_stop_at_the_limit_and_say_so_while_pages_go_on():
    from web.lists.pagination import paginate

    city = CityFactory()
    for _ in range(7):
        SupportRequestFactory(city=city, state="submitted")
    hub = hub_staff(city.region)
    rows = filtered_requests(hub, QueueFilters())
    capped = paginate(rows, per_page=3, count_limit=5)
    assert (capped.total, capped.total_capped, len(capped.rows)) == (5, True, 3)
    exact = paginate(rows, per_page=3, count_limit=7)
    assert (exact.total, exact.total_capped) == (7, False)
    last = paginate(rows, per_page=3, count_limit=5, after=paginate(rows, per_page=6, count_limit=5).next_cursor)
    assert len(last.rows) == 1 and last.next_cursor is None


def test_the_queue_page_says_more_than_when_the_count_is_capped(client, monkeypatch):
    import web.lists.queue

    city = CityFactory()
    for _ in range(4):
        SupportRequestFactory(city=city, state="submitted")
    hub = hub_staff(city.region)
    client.force_login(hub)
    monkeypatch.setattr(web.lists.queue, "COUNT_LIMIT", 3)
    assert "More than 3 requests" in client.get("/hub/queue/").content.decode()


@pytest.mark.parametrize(
    ("language", "limit", "words"),
    [
        ("en", 3, "More than 3 requests"),
        ("en", 1, "More than 1 request"),
        ("fr", 3, "Plus de 3 demandes"),
        ("fr", 1, "Plus de 1 demande"),
        ("ar", 3, "أكثر من 3 طلبات"),  # Arabic counts three to ten with the plural of few
        ("ar", 1, "أكثر من طلب واحد"),
    ],
)
def test_the_capped_count_reads_in_the_readers_language(client, monkeypatch, language, limit, words):
    import web.lists.queue

    city = CityFactory()
    for _ in range(limit + 1):
        SupportRequestFactory(city=city, state="submitted")
    client.force_login(hub_staff(city.region, preferred_language=language))
    monkeypatch.setattr(web.lists.queue, "COUNT_LIMIT", limit)
    assert words in client.get("/hub/queue/").content.decode()


def test_a_search_says_its_capped_count_on_postgresql_and_what_its_page_holds_on_sqlite(client, monkeypatch):
    """SQLite counts no search (it would read every candidate's text): the page says what it holds, "more than"
    when there are other pages. PostgreSQL counts the matches in its word index, to the limit at most."""
    from django.db import connection

    import web.lists.queue

    city = CityFactory()
    for _ in range(5):
        SupportRequestFactory(city=city, state="submitted", title="Mentoring for youth")
    SupportRequestFactory(city=city, state="submitted", title="Street lighting")
    client.force_login(hub_staff(city.region))
    monkeypatch.setattr(web.lists.queue, "COUNT_LIMIT", 3)
    page = client.get("/hub/queue/", {"q": "mentor"}).content.decode()
    assert "Mentoring for youth" in page and "Street lighting" not in page
    assert ("More than 3 requests" if connection.vendor == "postgresql" else "5 requests") in page


def test_filing_dates_bound_the_rows_by_when_they_were_filed():
    from datetime import UTC, date, datetime

    from helpdesk.models import SupportRequest

    city = CityFactory()
    rows = {}
    for day in (datetime(2025, 3, 31, 23, 59, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC)):
        request = SupportRequestFactory(city=city, state="submitted")
        SupportRequest.objects.filter(pk=request.pk).update(created_at=day)
        rows[day.month] = request
    hub = hub_staff(city.region)
    first_quarter = QueueFilters(filed_from=date(2025, 1, 1), filed_before=date(2025, 4, 1))
    assert list(filtered_requests(hub, first_quarter)) == [rows[3]]
    assert list(filtered_requests(hub, QueueFilters(filed_from=date(2025, 4, 1)))) == [rows[4]]
