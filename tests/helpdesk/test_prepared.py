"""Prepared reads: compiled once per connection and shape, and reading exactly what the ORM reads."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count

from helpdesk.models import Message, SupportRequest
from helpdesk.prepared import PreparedRead
from tests.factories import SupportRequestFactory, hub_staff

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "author__username", "body", "visibility", "created_at")


def _messages(request_id, channels):
    return Message.objects.filter(request_id=request_id, visibility__in=channels).order_by("pk").values_list(*COLUMNS)


@pytest.fixture
def requests():
    first, second = SupportRequestFactory(), SupportRequestFactory()
    author = hub_staff(first.region, username="hub.author")
    for request in (first, second):
        for visibility in ("city", "internal", "expert", "city"):
            Message.objects.create(request=request, author=author, body=f"<p>{visibility}</p>", visibility=visibility)
    return first, second


def test_rows_equal_the_orms_for_each_value_and_shape(requests):
    read = PreparedRead("test-messages", _messages)
    for request in requests:
        for channels in (["city"], ["city", "internal"], ["city", "expert", "internal"]):
            assert read.rows(request_id=request.pk, channels=channels) == list(_messages(request.pk, channels))


def test_datetimes_come_back_aware_as_the_orm_converts_them(requests):
    read = PreparedRead("test-times", _messages)
    row = read.rows(request_id=requests[0].pk, channels=["city"])[0]
    assert row[4] == Message.objects.get(pk=row[0]).created_at and row[4].tzinfo is not None


def test_compiled_once_then_one_query_per_call(requests, django_assert_num_queries):
    built = []

    def build(request_id, channels):
        built.append(1)
        return _messages(request_id, channels)

    read = PreparedRead("test-once", build)
    read.rows(request_id=requests[0].pk, channels=["city", "internal"])
    for request in requests:
        with django_assert_num_queries(1):
            read.rows(request_id=request.pk, channels=["expert", "city"])
    assert len(built) == 1  # same shape: two channels, whatever they are
    read.rows(request_id=requests[0].pk, channels=["city"])
    assert len(built) == 2  # another length is another shape


def test_an_empty_list_matches_nothing_without_a_query(requests, django_assert_num_queries):
    read = PreparedRead("test-empty", _messages)
    with django_assert_num_queries(0):
        assert read.rows(request_id=requests[0].pk, channels=[]) == []


def test_constants_of_the_query_stay_and_aggregates_read(requests):
    read = PreparedRead(
        "test-count",
        lambda request_id: (
            Message.objects.filter(request_id=request_id, visibility="city")
            .values("request_id")
            .annotate(n=Count("*"))
            .values_list("n")
        ),
    )
    assert read.rows(request_id=requests[1].pk) == [(2,)]
    assert read.rows(request_id=SupportRequest.objects.order_by("-pk").first().pk + 1) == []


def test_a_value_the_query_transforms_is_refused():
    read = PreparedRead("test-contains", lambda term: Message.objects.filter(body__icontains=term).values_list("pk"))
    with pytest.raises(ImproperlyConfigured):
        read.rows(term="hello")


def test_only_integers_and_strings_are_bound():
    read = PreparedRead("test-types", lambda flag: Message.objects.filter(pk=flag).values_list("pk"))
    with pytest.raises(ImproperlyConfigured):
        read.rows(flag=True)


def test_two_reads_of_the_same_name_keep_their_own_sql(requests):
    def of(column):
        return lambda request_id: Message.objects.filter(request_id=request_id).values_list(column)

    ids, bodies = PreparedRead("same-name", of("pk")), PreparedRead("same-name", of("body"))
    request_id = requests[0].pk
    assert ids.rows(request_id=request_id) == list(Message.objects.filter(request_id=request_id).values_list("pk"))
    assert bodies.rows(request_id=request_id) == list(Message.objects.filter(request_id=request_id).values_list("body"))
