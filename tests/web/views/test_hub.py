"""The hub queue: scope, filters, search, keyset pagination, overdue rows, ownership; expert matching."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import AccessLog, ExpertProfile, SavedView, SupportRequest
from tests.factories import (
    CityFactory,
    IndicatorFactory,
    RegionFactory,
    SupportRequestFactory,
    expert,
    hub_staff,
    management,
)
from tests.web.pages import in_state
from workflows.models import ExpertAssignment, OutcomeTarget

pytestmark = pytest.mark.django_db

QUEUE = "/hub/queue/"


@pytest.fixture
def region():
    return RegionFactory()


@pytest.fixture
def staff(client, region):
    user = hub_staff(region)
    client.force_login(user)
    return user


def refs(response) -> set[str]:
    return {r.reference for r in response.context["page"].rows}


def test_queue_lists_the_regions_open_requests_only(client, staff, region):
    ours = in_state("submitted", city=CityFactory(region=region))
    closed = in_state("closed", city=CityFactory(region=region))
    elsewhere = in_state("submitted")
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert refs(response) == {ours.reference}
    assert refs(client.get(QUEUE, {"state": ""})) == {ours.reference, closed.reference}
    assert elsewhere.reference not in response.content.decode()


def test_filters_combine(client, staff, region):
    kenya = CityFactory(region=region, country="KE")
    uganda = CityFactory(region=region, country="UG")
    target = in_state(
        "expert_matching",
        city=kenya,
        theme="young_cities",
        kind="fund",
        language="fr",
        funding_requested=Decimal("5000"),
        owner=staff,
    )
    in_state("expert_matching", city=uganda, theme="young_cities", kind="fund", language="fr")
    in_state("submitted", city=kenya, theme="multi_agency", kind="advice", language="en")
    query = {
        "state": "expert_matching",
        "theme": "young_cities",
        "kind": "fund",
        "city": str(kenya.pk),
        "country": "KE",
        "owner": "me",
        "language": "fr",
        "funding": "on",
    }
    assert refs(client.get(QUEUE, query)) == {target.reference}
    assert refs(client.get(QUEUE, {"owner": "none"})) == {
        r.reference for r in SupportRequest.objects.filter(region=region, owner__isnull=True)
    }
    # A filter value that is not a choice is ignored, not an error.
    assert client.get(QUEUE, {"theme": "nonsense", "city": "999999"}).status_code == 200


def test_overdue_filter_and_rows_stand_out(client, staff, region):
    late = in_state("submitted", city=CityFactory(region=region), due_at=timezone.now() - timedelta(days=2))
    on_time = in_state("submitted", city=CityFactory(region=region), due_at=timezone.now() + timedelta(days=2))
    response = client.get(QUEUE, {"overdue": "on"})
    assert refs(response) == {late.reference}
    page = client.get(QUEUE).content.decode()
    assert page.count('class="overdue"') == 1 and "overdue" in page
    assert on_time.reference in page


def test_search_matches_reference_title_and_description(client, staff, region):
    city = CityFactory(region=region)
    by_title = in_state("submitted", city=city, title="Youth council in the old town")
    by_text = in_state("submitted", city=city, description="<p>We need a referral mechanism.</p>")
    other = in_state("submitted", city=city, title="Something else")
    assert refs(client.get(QUEUE, {"q": "youth COUNCIL"})) == {by_title.reference}
    assert refs(client.get(QUEUE, {"q": "referral"})) == {by_text.reference}
    assert refs(client.get(QUEUE, {"q": other.reference})) == {other.reference}


@pytest.mark.parametrize("sort", ["newest", "oldest", "deadline", "updated"])
def test_keyset_pages_cover_every_row_once_forwards_and_back(client, staff, region, sort):
    city = CityFactory(region=region)
    now = timezone.now()
    for i in range(60):
        # Some rows share a deadline and some have none, to exercise ties and the null block.
        due = None if i % 5 == 0 else now + timedelta(days=i % 7)
        in_state("submitted", city=city, due_at=due)
    seen: list[str] = []
    pages = []
    params = {"sort": sort}
    while True:
        response = client.get(QUEUE, params)
        page = response.context["page"]
        assert page.total == 60
        pages.append([r.reference for r in page.rows])
        seen += pages[-1]
        if not page.next_cursor:
            break
        params = {"sort": sort, "after": page.next_cursor}
    assert [len(p) for p in pages] == [25, 25, 10]
    assert len(seen) == len(set(seen)) == 60
    # Going back from the last page gives the middle page again, then the first.
    back = client.get(QUEUE, {"sort": sort, "before": response.context["page"].previous_cursor}).context["page"]
    assert [r.reference for r in back.rows] == pages[1]
    first = client.get(QUEUE, {"sort": sort, "before": back.previous_cursor}).context["page"]
    assert [r.reference for r in first.rows] == pages[0] and first.previous_cursor is None


def test_a_broken_cursor_shows_the_first_page(client, staff, region):
    in_state("submitted", city=CityFactory(region=region))
    assert len(client.get(QUEUE, {"after": "%%%not-a-cursor"}).context["page"].rows) == 1


def test_take_and_give_ownership(client, staff, region):
    colleague = hub_staff(region)
    request = in_state("submitted", city=CityFactory(region=region))
    response = client.post(reverse("request-owner", args=[request.reference]), {"owner": "me", "next": QUEUE})
    assert response.status_code == 302 and response["Location"] == QUEUE
    request.refresh_from_db()
    assert request.owner == staff
    client.post(reverse("request-owner", args=[request.reference]), {"owner": str(colleague.pk)})
    request.refresh_from_db()
    assert request.owner == colleague
    # Someone from another hub cannot own it; the refusal is shown, nothing changes.
    outsider = hub_staff(RegionFactory())
    response = client.post(reverse("request-owner", args=[request.reference]), {"owner": str(outsider.pk)}, follow=True)
    request.refresh_from_db()
    assert request.owner == colleague
    assert "not hub staff of this region" in response.content.decode()


def test_ownership_of_another_regions_request_is_not_found(client, staff):
    elsewhere = in_state("submitted")
    assert client.post(reverse("request-owner", args=[elsewhere.reference]), {"owner": "me"}).status_code == 404


def test_management_sees_every_hub_and_filters_by_hub(client):
    a, b = RegionFactory(), RegionFactory()
    in_a = in_state("submitted", city=CityFactory(region=a))
    in_b = in_state("submitted", city=CityFactory(region=b))
    client.force_login(management())
    assert refs(client.get(QUEUE)) >= {in_a.reference, in_b.reference}
    response = client.get(QUEUE, {"region": str(a.pk)})
    assert refs(response) == {in_a.reference}
    assert "Any city" in response.content.decode()


# --- saved views -------------------------------------------------------------------------------------
def test_saving_the_current_filters_as_a_view_and_opening_it(client, staff, region):
    late = in_state("submitted", city=CityFactory(region=region), due_at=timezone.now() - timedelta(days=1))
    in_state("submitted", city=CityFactory(region=region))
    page = client.get(QUEUE, {"overdue": "on", "after": "abc", "q": "  "})
    # The form carries the filters as the view keeps them: valid, non-empty, no page cursor.
    assert page.context["current_query"] == "state=open&overdue=on"
    response = client.post(
        reverse("saved-view-create"), {"name": "Late", "shared": "on", "query": "overdue=on&theme=nonsense&after=x"}
    )
    view = SavedView.objects.get()
    assert (view.name, view.query, view.region_id) == ("Late", "state=open&overdue=on", region.pk)
    assert response.status_code == 302 and response.url == f"{QUEUE}?state=open&overdue=on"
    opened = client.get(response.url)
    assert refs(opened) == {late.reference}
    html = opened.content.decode()
    assert 'aria-current="true"' in html and "<bdi>Late</bdi>" in html


def test_shared_views_show_to_the_hub_only_and_only_their_owner_deletes_them(client, staff, region):
    mine = SavedView.objects.create(owner=staff, name="Mine", query="state=submitted")
    colleague = hub_staff(region)
    shared = SavedView.objects.create(owner=colleague, region=region, name="Team view", query="state=")
    private = SavedView.objects.create(owner=colleague, name="Private one", query="state=")
    SavedView.objects.create(owner=hub_staff(RegionFactory()), region=RegionFactory(), name="Far away", query="")
    html = client.get(QUEUE).content.decode()
    assert "Mine" in html and "Team view" in html
    assert "Private one" not in html and "Far away" not in html
    assert reverse("saved-view-delete", args=[mine.pk]) in html
    assert reverse("saved-view-delete", args=[shared.pk]) not in html
    assert client.post(reverse("saved-view-delete", args=[shared.pk])).status_code == 404
    assert client.post(reverse("saved-view-delete", args=[private.pk])).status_code == 404
    assert client.post(reverse("saved-view-delete", args=[mine.pk]), {"next": QUEUE}).url == QUEUE
    assert set(SavedView.objects.values_list("name", flat=True)) == {"Team view", "Private one", "Far away"}


# --- bulk take and assign ----------------------------------------------------------------------------
def test_the_queue_is_one_form_with_a_named_box_per_line(client, staff, region):
    request = in_state("submitted", city=CityFactory(region=region), title="Water & <schools>")
    colleague = hub_staff(region, first_name="Blerim", last_name="Hoxha")
    html = client.get(QUEUE).content.decode()
    assert f'action="{reverse("queue-bulk-owner")}"' in html
    assert f'name="r" value="{request.reference}" id="pick-{request.reference}"' in html
    assert f'for="pick-{request.reference}">Select {request.reference} · Water &amp; &lt;schools&gt;</label>' in html
    assert "Take selected" in html and f'<option value="{colleague.pk}">Blerim Hoxha</option>' in html
    bulk_select = html.split('id="id_bulk_owner"')[1].split("</select>")[0]
    assert f'<option value="{staff.pk}">' not in bulk_select  # "take" is for oneself; the list is for colleagues
    assert "data-select-all-box hidden" in html  # "select all" is the script's, the boxes work without it


def test_bulk_take_and_assign_report_what_changed_and_what_was_refused(client, staff, region):
    ours = [in_state("submitted", city=CityFactory(region=region)) for _ in range(2)]
    elsewhere = in_state("submitted")
    picked = [r.reference for r in ours] + [elsewhere.reference]
    response = client.post(reverse("queue-bulk-owner"), {"action": "take", "r": picked, "next": f"{QUEUE}?state="})
    assert response.status_code == 302 and response.url == f"{QUEUE}?state="
    assert set(SupportRequest.objects.filter(owner=staff).values_list("reference", flat=True)) == set(picked[:2])
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown[0] == "You took 2 requests." and elsewhere.reference in shown[1]
    colleague = hub_staff(region)
    response = client.post(
        reverse("queue-bulk-owner"), {"action": "assign", "owner": str(colleague.pk), "r": picked[:1]}, follow=True
    )
    assert SupportRequest.objects.get(reference=picked[0]).owner == colleague
    assert "1 request given to" in response.content.decode()
    # Assigning needs a colleague; posting nothing ticked changes nothing.
    client.post(reverse("queue-bulk-owner"), {"action": "assign", "r": picked[1:2]})
    client.post(reverse("queue-bulk-owner"), {"action": "take"})
    assert SupportRequest.objects.get(reference=picked[1]).owner == staff
    assert AccessLog.objects.filter(action=AccessLog.Action.OWNER).count() == 3


def test_management_gives_requests_to_staff_of_their_hub_only(client, region):
    unit = management()
    client.force_login(unit)
    request = in_state("submitted", city=CityFactory(region=region))
    stranger = hub_staff(RegionFactory())
    client.post(reverse("queue-bulk-owner"), {"action": "assign", "owner": str(stranger.pk), "r": [request.reference]})
    request.refresh_from_db()
    assert request.owner is None
    member = hub_staff(region)
    client.post(reverse("queue-bulk-owner"), {"action": "assign", "owner": str(member.pk), "r": [request.reference]})
    request.refresh_from_db()
    assert request.owner == member


def test_the_keyboard_help_is_on_the_queue(client, staff):
    html = client.get(QUEUE).content.decode()
    assert '<dialog id="shortcuts-help"' in html and 'data-shortcuts="queue"' in html
    assert "data-shortcuts-open hidden" in html and "<kbd>j</kbd>" in html


# --- Expert matching: filters, pages, and a selection kept across both ---------------------------------------


@pytest.fixture
def matching(region, staff):
    """A submitted request of the hub's region and 25 vetted experts (two pages of candidates)."""
    request = in_state("submitted", city=CityFactory(region=region), theme="young_cities")
    people = [expert(first_name=f"Expert{i:02d}", last_name="Pool", capacity=5) for i in range(25)]
    return request, people


def matching_url(request) -> str:
    return reverse("request-matching", args=[request.reference])


def listed(response) -> list[int]:
    return [c.expert.pk for c in response.context["candidates"]]


def test_matching_lists_candidates_a_page_at_a_time(client, matching):
    request, people = matching

    first = client.get(matching_url(request))
    second = client.get(matching_url(request), {"page": 2})

    assert len(listed(first)) == 20 and len(listed(second)) == 5
    assert set(listed(first)) | set(listed(second)) == {p.pk for p in people}
    page = first.content.decode()
    assert 'name="page" value="2"' in page and "Page 1 of 2" in page
    # The action is one sticky bar away on every page, not under the whole pool.
    assert page.count("Propose the selected experts") == 1 and "desk-sticky-actions" in page


def test_matching_filters_by_name_expertise_and_language(client, matching):
    request, people = matching
    ExpertProfile.objects.filter(user=people[3]).update(themes=["young_cities"], languages=["ar"])

    assert listed(client.get(matching_url(request), {"q": "expert07"})) == [people[7].pk]
    assert listed(client.get(matching_url(request), {"theme": "young_cities"})) == [people[3].pk]
    assert listed(client.get(matching_url(request), {"language": "ar"})) == [people[3].pk]
    # A value that is not a choice is ignored, not an error.
    assert len(listed(client.get(matching_url(request), {"language": "xx", "theme": "nonsense"}))) == 20
    assert "No candidate matches these filters." in client.get(matching_url(request), {"q": "nobody"}).content.decode()


def test_ticked_experts_are_kept_across_pages_and_filters_then_proposed_together(client, matching):
    request, _people = matching
    url = matching_url(request)
    on_first = listed(client.get(url))

    # Ticked on page 1, then "Next": the address carries the selection.
    response = client.post(url, {"experts": [on_first[0]], "page": "2", "at": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?page=2&experts={on_first[0]}"
    second = client.get(response["Location"])
    assert [c.expert.pk for c in second.context["kept"]] == [on_first[0]]
    assert f'name="experts" value="{on_first[0]}" id="kept-{on_first[0]}" checked' in second.content.decode()

    # One more ticked on page 2, then a name filter ("Apply"): both stay selected, the filter starts at page 1.
    on_second = listed(second)[0]
    response = client.post(url, {"experts": [on_first[0], on_second], "q": "Expert", "filter": "1", "at": "2"})
    filtered = client.get(response["Location"])
    assert filtered.context["page"].number == 1 and filtered.context["filter_form"].query() == {"q": "Expert"}
    assert filtered.context["selected"] == {on_first[0], on_second}
    page = filtered.content.decode()
    for pk in (on_first[0], on_second):
        assert re.search(rf'name="experts" value="{pk}" id="(kept|expert)-{pk}" checked', page)

    # Proposing sends every ticked expert, wherever they were listed.
    response = client.post(url, {"experts": [on_first[0], on_second], "q": "Expert", "propose": "1", "at": "1"})
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    proposed = set(ExpertAssignment.objects.filter(request=request).values_list("expert_id", flat=True))
    assert proposed == {on_first[0], on_second}


def test_a_refused_proposal_comes_back_on_its_page_with_its_filters_and_selection(client, matching):
    request, people = matching
    # Full since the page was shown (an unavailable expert would not be listed at all).
    ExpertProfile.objects.filter(user=people[0]).update(max_concurrent_assignments=1)
    ExpertAssignment.objects.create(request=SupportRequestFactory(), expert=people[0], status="accepted")

    response = client.post(
        matching_url(request), {"experts": [people[0].pk, people[1].pk], "q": "Pool", "at": "2", "propose": "1"}
    )

    assert response.status_code == 200
    assert response.context["page"].number == 2 and response.context["filter_form"].query() == {"q": "Pool"}
    assert response.context["selected"] == {people[0].pk, people[1].pk}
    assert not ExpertAssignment.objects.filter(request=request).exists()


def test_the_filters_beyond_search_and_state_fold_away_until_one_is_in_use(client, staff, region):
    in_state("submitted", city=CityFactory(region=region))
    html = client.get(QUEUE).content.decode()
    assert '<details class="col-12 more-filters">' in html  # closed: the list starts on a phone's first screen
    html = client.get(QUEUE, {"theme": "young_cities", "overdue": "on", "sort": "oldest"}).content.decode()
    assert '<details class="col-12 more-filters" open>' in html and "2 in use" in html


def test_routing_to_the_pool_may_name_key_indicators_kept_across_pages(client, matching):
    request, people = matching
    staff_trained = IndicatorFactory(name="Staff trained")
    url = matching_url(request)
    assert f'name="indicators" value="{staff_trained.pk}"' in client.get(url).content.decode()

    # Ticked with a target, then "Next": the address carries the indicators as it carries the experts.
    ticked = {"indicators": [str(staff_trained.pk)], f"indicators-{staff_trained.pk}-target": "12"}
    response = client.post(url, {"experts": [people[0].pk], "page": "2", "at": "1", **ticked})
    page = client.get(response["Location"]).content.decode()
    assert f'name="indicators" value="{staff_trained.pk}" id="id_indicators-{staff_trained.pk}" checked' in page
    assert (
        f'name="indicators-{staff_trained.pk}-target" id="id_indicators-{staff_trained.pk}-target" value="12"' in page
    )

    response = client.post(url, {"experts": [people[0].pk], "propose": "1", "at": "1", **ticked})

    assert response.status_code == 302
    target = OutcomeTarget.objects.get(request=request)
    assert (target.indicator, target.target) == (staff_trained, 12)


def test_a_figure_outside_its_unit_on_the_matching_page_is_shown_on_the_field(client, matching):
    request, people = matching
    share = IndicatorFactory(name="Share", unit="percentage")

    response = client.post(
        matching_url(request),
        {
            "experts": [people[0].pk],
            "propose": "1",
            "indicators": [str(share.pk)],
            f"indicators-{share.pk}-target": "140",
        },
    )

    assert response.status_code == 200 and "Enter a percentage from 0 to 100." in response.content.decode()
    assert not ExpertAssignment.objects.filter(request=request).exists()
