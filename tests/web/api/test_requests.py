"""``/api/v1/requests/``: the list with the queue's filters and cursor paging, a draft created, changed and
submitted, the refusals in the one error shape, and the bounded cost of the list and the detail."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import AccessLog, RequestState, Sensitivity, SupportRequest
from helpdesk.services import expert_access_grant
from tests.factories import CityFactory, RegionFactory, expert, focal_point, hub_staff, management, steering
from tests.web.api.conftest import api_client
from tests.web.pages import in_state
from web.api.views import requests as request_views

pytestmark = pytest.mark.django_db

LIST = "/api/v1/requests/"


def _references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [line["reference"] for line in response.json()["results"]]


# --- the list ------------------------------------------------------------------------------------------------
def test_the_list_filters_as_the_queue_does():
    region, elsewhere = RegionFactory(), RegionFactory()
    city, other_city = CityFactory(region=region, country="KE"), CityFactory(region=region, country="TN")
    hub = hub_staff(region)
    colleague = hub_staff(region)
    mine = in_state("submitted", city=city, owner=hub, theme="multi_agency", kind="advice", language="en")
    theirs = in_state("triaged", city=other_city, owner=colleague, theme="young_cities", kind="training", language="fr")
    funded = in_state("funding_review", city=city, funding_requested=Decimal("5000.00"), title="Youth mentoring plan")
    late = in_state("submitted", city=other_city, due_at=timezone.now() - timedelta(days=2))
    closed = in_state("closed", city=city)
    in_state("submitted", city=CityFactory(region=elsewhere))  # another hub's: never listed
    SupportRequest.objects.filter(pk=closed.pk).update(created_at=timezone.now() - timedelta(days=400))
    api = api_client(hub)

    everything = {mine.reference, theirs.reference, funded.reference, late.reference, closed.reference}
    assert set(_references(api.get(LIST))) == everything
    asked = {
        "state=submitted": {mine.reference, late.reference},
        "state=submitted&state=closed": {mine.reference, late.reference, closed.reference},
        "theme=young_cities": {theirs.reference},
        "kind=training": {theirs.reference},
        f"region={region.pk}": everything,
        f"city={other_city.pk}": {theirs.reference, late.reference},
        "country=tn": {theirs.reference, late.reference},
        "owner=me": {mine.reference},
        "owner=none": {funded.reference, late.reference, closed.reference},
        f"owner={colleague.pk}": {theirs.reference},
        "language=fr": {theirs.reference},
        "overdue=true": {late.reference},
        "funding=true": {funded.reference},
        "q=mentoring": {funded.reference},
        f"filed_before={(timezone.localdate() - timedelta(days=30)).isoformat()}": {closed.reference},
        f"filed_from={(timezone.localdate() - timedelta(days=30)).isoformat()}": everything - {closed.reference},
    }
    for query, expected in asked.items():
        assert set(_references(api.get(f"{LIST}?{query}"))) == expected, query


@pytest.mark.parametrize(
    "query",
    ["state=nonsense", "theme=x", "region=abc", "city=٣", "owner=someone", "country=KEN", "filed_from=yesterday",
     "overdue=maybe", "region=1234567890123456789"],
)  # fmt: skip
def test_a_filter_value_that_means_nothing_answers_400_in_the_one_error_shape(query):
    hub = hub_staff(RegionFactory())
    response = api_client(hub).get(f"{LIST}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"] and set(body["fields"]) == {query.split("=")[0]}


def test_the_list_pages_with_a_cursor_newest_first_without_repeating_a_request():
    region = RegionFactory()
    requests = [in_state("submitted", city=CityFactory(region=region)) for _ in range(5)]
    for age, request in enumerate(requests):
        SupportRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(hours=age))
    api = api_client(hub_staff(region))
    seen, url = [], f"{LIST}?page_size=2"
    while url:
        response = api.get(url)
        assert len(response.json()["results"]) <= 2
        seen += _references(response)
        url = response.json()["next"]
    assert seen == [r.reference for r in requests]


def test_each_role_lists_what_it_may_see():
    region = RegionFactory()
    city = CityFactory(region=region)
    focal = focal_point(city)
    draft = in_state("draft", city=city)
    submitted = in_state("submitted", city=city)
    assert set(_references(api_client(focal).get(LIST))) == {draft.reference, submitted.reference}
    assert _references(api_client(hub_staff(region)).get(LIST)) == [submitted.reference]
    assert _references(api_client(management()).get(LIST)) == [submitted.reference]
    assert _references(api_client(steering()).get(LIST)) == []
    assert _references(api_client(expert()).get(LIST)) == []


def test_a_line_shows_no_request_text_and_listing_writes_nothing_in_the_access_log():
    region = RegionFactory()
    restricted = in_state("submitted", city=CityFactory(region=region), sensitivity=Sensitivity.RESTRICTED)
    response = api_client(hub_staff(region)).get(LIST)
    (line,) = response.json()["results"]
    assert line["reference"] == restricted.reference and line["is_restricted"]
    assert "summary" not in line and "description_html" not in line
    assert not AccessLog.objects.exists()


# --- one request ----------------------------------------------------------------------------------------------
def test_the_detail_of_restricted_text_is_written_to_the_access_log():
    region = RegionFactory()
    restricted = in_state("submitted", city=CityFactory(region=region), sensitivity=Sensitivity.RESTRICTED)
    hub = hub_staff(region)
    response = api_client(hub).get(reverse("api:request-detail", args=[restricted.reference]))
    assert response.status_code == 200 and not response.json()["withheld"]
    log = AccessLog.objects.get()
    assert (log.user, log.request_id, log.action) == (hub, restricted.pk, AccessLog.Action.VIEW_RESTRICTED)


# --- a draft: created, changed, submitted -------------------------------------------------------------------
COMPLETE = {
    "title": "Youth centre after the storm",
    "description": "We need **advice** on reopening the centre.",
    "summary": "Reopening a youth centre safely.",
    "theme": "multi_agency",
    "kind": "advice",
    "strategic_priority": 3,
}


def test_a_focal_point_creates_a_draft_changes_it_and_submits_it():
    city = CityFactory()
    focal = focal_point(city)
    api = api_client(focal)
    created = api.post(LIST, {"title": "Youth centre"}, format="json")
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    assert created.json()["state"] == "draft" and created.json()["city"] == city.name

    changed = api.patch(reverse("api:request-detail", args=[reference]), COMPLETE, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == COMPLETE["title"]
    # Typed as Markdown, as in the request form; shown as the page shows it.
    assert "<strong>advice</strong>" in changed.json()["description_html"]

    submitted = api.post(reverse("api:request-submit", args=[reference]))
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"
    assert SupportRequest.objects.get(reference=reference).state == RequestState.SUBMITTED

    again = api.patch(reverse("api:request-detail", args=[reference]), {"title": "Later"}, format="json")
    assert again.status_code == 422 and again.json()["code"] == "not_draft"
    assert SupportRequest.objects.get(reference=reference).title == COMPLETE["title"]


def test_submitting_an_incomplete_draft_answers_422_with_what_is_missing():
    focal = focal_point(CityFactory())
    api = api_client(focal)
    reference = api.post(LIST, {"title": "Only a title"}, format="json").json()["reference"]
    response = api.post(reverse("api:request-submit", args=[reference]))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "incomplete" and {"description", "summary"} <= set(body["fields"])
    assert SupportRequest.objects.get(reference=reference).state == RequestState.DRAFT
    # Submitted already: the move is not there any more.
    submitted = in_state("submitted", city=focal.cities.get())
    refused = api.post(reverse("api:request-submit", args=[submitted.reference]))
    assert refused.status_code == 422 and refused.json()["code"] != "incomplete"


def test_a_request_moved_by_someone_else_meanwhile_answers_409(monkeypatch):
    city = CityFactory()
    focal = focal_point(city)
    draft = SupportRequest.objects.get(pk=in_state("draft", city=city).pk)
    read = request_views.request_or_404

    def read_then_someone_submits(user, reference, **kwargs):
        found = read(user, reference, **kwargs)
        SupportRequest.objects.filter(pk=found.pk).update(state=RequestState.SUBMITTED)
        return found

    monkeypatch.setattr(request_views, "request_or_404", read_then_someone_submits)
    response = api_client(focal).post(reverse("api:request-submit", args=[draft.reference]))
    assert response.status_code == 409 and response.json()["code"] == "conflict"


def test_personal_data_answers_422_then_is_kept_restricted_once_confirmed():
    focal = focal_point(CityFactory())
    api = api_client(focal)
    data = {"title": "Advice", "description": "Call the mother on +254 712 345 678 tonight."}
    refused = api.post(LIST, data, format="json")
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "personal_data" and body["confirmable"] and "description" in body["fields"]
    assert not SupportRequest.objects.exists()
    kept = api.post(LIST, {**data, "confirm_personal_data": True}, format="json")
    assert kept.status_code == 201 and kept.json()["is_restricted"]
    # A title travels in notifications: never kept with personal data, confirmed or not.
    title = api.post(LIST, {"title": "Call +254 712 345 678", "confirm_personal_data": True}, format="json")
    assert title.status_code == 422 and not title.json()["confirmable"]


def test_the_city_is_asked_when_the_focal_point_speaks_for_several():
    region = RegionFactory()
    first, second = CityFactory(region=region), CityFactory(region=region)
    focal = focal_point(first)
    focal.cities.add(second)
    api = api_client(focal)
    unnamed = api.post(LIST, {"title": "Advice"}, format="json")
    assert unnamed.status_code == 400 and set(unnamed.json()["fields"]) == {"city"}
    foreign = api.post(LIST, {"title": "Advice", "city": CityFactory().pk}, format="json")
    assert foreign.status_code == 400 and set(foreign.json()["fields"]) == {"city"}
    named = api.post(LIST, {"title": "Advice", "city": second.pk}, format="json")
    assert named.status_code == 201 and named.json()["city"] == second.name
    assert not SupportRequest.objects.filter(city=first).exists()


def test_only_focal_points_create_and_change_drafts():
    region = RegionFactory()
    city = CityFactory(region=region)
    draft = in_state("draft", city=city, title="The city's draft")
    for person in (hub_staff(region), management(), steering(), expert()):
        api = api_client(person)
        assert api.post(LIST, {"title": "Advice"}, format="json").status_code == 403
        patched = api.patch(reverse("api:request-detail", args=[draft.reference]), {"title": "X"}, format="json")
        assert patched.status_code == 403
        assert api.post(reverse("api:request-submit", args=[draft.reference])).status_code == 404
    # A focal point of another city does not see the draft at all.
    other = api_client(focal_point(CityFactory(region=region)))
    assert (
        other.patch(reverse("api:request-detail", args=[draft.reference]), {"title": "X"}, format="json").status_code
        == 404
    )
    assert SupportRequest.objects.get(pk=draft.pk).title == "The city's draft"
    assert SupportRequest.objects.count() == 1


# --- cost ----------------------------------------------------------------------------------------------------
def _queries(api, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("who", ["hub", "focal_point", "expert", "management"])
def test_the_list_and_the_detail_cost_the_same_at_ten_times_the_rows(who):
    region = RegionFactory()
    city = CityFactory(region=region)
    reader = {"hub": hub_staff(region), "focal_point": focal_point(city), "management": management()}.get(who)
    if reader is None:
        reader = expert()
    api = api_client(reader)
    api.get(LIST)  # the token's first use is written down; later calls within the minute write nothing
    counts = []
    for n in (3, 30):
        while SupportRequest.objects.count() < n:
            request = in_state("submitted", city=city, owner=hub_staff(region), sensitivity=Sensitivity.RESTRICTED)
            if who == "expert":
                expert_access_grant(request=request, expert=reader, actor=hub_staff(region))
        newest = SupportRequest.objects.order_by("-created_at", "-pk").first()
        counts.append(
            (
                _queries(api, f"{LIST}?page_size=100"),
                _queries(api, reverse("api:request-detail", args=[newest.reference])),
            )
        )
    assert counts[0] == counts[1], counts
    assert max(counts[1]) <= 12, counts
