"""The management unit's and steering committee's pages, and the expert's inbox."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import AccessLog
from helpdesk.services import expert_access_grant
from tests.factories import (
    CityFactory,
    FundEnvelopeFactory,
    RegionFactory,
    SupportRequestFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    steering,
)
from tests.web.pages import in_state
from web.lists.fund import fund_queue
from workflows.models import ExpertAssignment, FundApplication
from workflows.services import transition_perform
from workflows.stats import FigureRow, period_for, steering_figures
from workflows.tally import tally_rebuild

pytestmark = pytest.mark.django_db


def test_fund_queue_shows_applications_and_each_regions_envelope(client):
    region = RegionFactory(name="Western Balkans")
    FundEnvelopeFactory(region=region, fiscal_year=2026, amount=Decimal("100000"), committed=Decimal("30000"))
    envelope = region.envelopes.get()
    request = in_state("funding_review", city=CityFactory(region=region), title="Youth council", kind="fund")
    FundApplication.objects.create(
        request=request,
        envelope=envelope,
        amount_requested=Decimal("18000"),
        strategic_priority=4,
        justification="Aligned.",
    )
    client.force_login(management())
    page = client.get(reverse("fund-queue"), {"year": "2026"}).content.decode()
    assert "Youth council" in page and request.get_absolute_url() in page
    assert "100,000" in page and "30,000" in page and "70,000" in page and "18,000" in page


def test_fund_queue_pages_the_oldest_applications_first_and_counts_them_all(client):
    region = RegionFactory(name="Western Balkans")
    FundEnvelopeFactory(region=region, fiscal_year=2026, amount=Decimal("10000000"))
    envelope = region.envelopes.get()
    references = []
    for i in range(30):
        request = in_state("funding_review", city=CityFactory(region=region), title=f"Application {i:02d}")
        application = FundApplication.objects.create(
            request=request,
            envelope=envelope,
            amount_requested=Decimal("1000"),
            strategic_priority=4,
            justification="Aligned.",
        )
        FundApplication.objects.filter(pk=application.pk).update(created_at=timezone.now() - timedelta(days=60 - i))
        references.append(request.reference)
    client.force_login(management())
    first = client.get(reverse("fund-queue"), {"year": "2026"})
    shown = [line.reference for line in first.context["page"].rows]
    assert shown == references[:25]  # the longest waiting first
    assert "(30)" in first.content.decode()
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("fund-queue"), {"year": "2026", "after": cursor})
    assert [line.reference for line in second.context["page"].rows] == references[25:]
    assert second.context["page"].next_cursor is None and second.context["page"].previous_cursor


def test_overview_counts_open_overdue_untriaged_and_funding_per_hub(client):
    region = RegionFactory(name="East and Southern Africa")
    city = CityFactory(region=region)
    in_state("submitted", city=city, due_at=timezone.now() - timedelta(days=1))
    in_state("submitted", city=city)
    in_state("expert_matching", city=city, owner=hub_staff(region))
    in_state("closed", city=city)
    client.force_login(management())
    rows = {r.region.name: r for r in client.get(reverse("overview")).context["regions"]}
    row = rows["East and Southern Africa"]
    assert (row.open_count, row.overdue_count, row.untriaged_count, row.funding_count) == (3, 1, 2, 0)


def test_access_log_lists_who_opened_what_for_management_only(client):
    request = in_state("submitted")
    viewer = hub_staff(request.region, first_name="Blerim", last_name="Hoxha")
    AccessLog.objects.create(request=request, user=viewer, action=AccessLog.Action.VIEW_RESTRICTED)
    url = reverse("request-access-log", args=[request.reference])
    client.force_login(management())
    page = client.get(url).content.decode()
    assert "Blerim Hoxha" in page and "Viewed restricted content" in page
    client.force_login(viewer)
    assert client.get(url).status_code == 403


def test_expert_inbox_groups_proposed_and_accepted_and_hides_anonymous_cities(client):
    person = expert(capacity=5)
    proposed = in_state("expert_matching", city=CityFactory(name="Tripoli", anonymous_to_experts=True))
    accepted = in_state("in_delivery", city=CityFactory(name="Kumanovo"))
    not_mine = in_state("expert_matching")
    for request, status in ((proposed, "proposed"), (accepted, "accepted")):
        ExpertAssignment.objects.create(request=request, expert=person, status=status)
        expert_access_grant(request=request, expert=person)
    client.force_login(person)
    response = client.get(reverse("expert-inbox"))
    groups = response.context["assignments"]
    assert [line.reference for line in groups["proposed"]] == [proposed.reference]
    assert [line.reference for line in groups["accepted"]] == [accepted.reference]
    page = response.content.decode()
    assert "Tripoli" not in page and "Kumanovo" in page and not_mine.reference not in page
    assert proposed.region.name in page  # where an anonymous city's request comes from: its hub only


def _walk(city, focal, hub, *, triage_after: timedelta, rating: int) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    request = SupportRequestFactory(city=city, submitted_by=focal)
    with time_machine.travel(start, tick=False):
        request = transition_perform(request=request, transition="submit", actor=focal)
    with time_machine.travel(start + triage_after, tick=False):
        request = transition_perform(
            request=request,
            transition="answer_directly",
            actor=hub,
            data={"answer": "Here is how other cities did it."},
        )
    with time_machine.travel(start + triage_after + timedelta(days=1), tick=False):
        transition_perform(
            request=request,
            transition="evaluate",
            actor=focal,
            data={"rating": rating, "outcomes": "Useful.", "would_recommend": True},
        )


def test_steering_figures_are_aggregates_only(client):
    region = RegionFactory(name="South Asia")
    city = CityFactory(region=region)
    focal, hub = focal_point(city), hub_staff(region)
    for days, rating in ((1, 3), (2, 4), (6, 5), (7, 4), (8, 4)):
        _walk(city, focal, hub, triage_after=timedelta(days=days), rating=rating)
    in_state("submitted", city=city, title="A secret title", description="<p>Private details</p>")
    in_state("draft", city=city)
    tally_rebuild()  # rows made by factories, not moves: counted as a bulk load is
    client.force_login(steering())
    response = client.get(reverse("steering"), {"period": "all"})
    figures = response.context["figures"]
    assert figures.total == 6  # drafts are not counted
    assert figures.median_to_triage == timedelta(days=6)
    assert figures.median_to_delivery == timedelta(days=6)
    assert figures.average_rating == pytest.approx(4.0) and figures.evaluations == 5
    assert FigureRow("South Asia", 6, str(region.pk)) in figures.by_region
    page = response.content.decode()
    assert "A secret title" not in page and "Private details" not in page and "SCN-" not in page
    assert "6 days" in page and "4.0 / 5" in page
    assert 'role="img"' in page and "<script" not in page.split("<main", 1)[-1].split("</main>")[0]
    # The reports the committee reads hold aggregates only too (tests/web/views/test_reports.py has more).
    for url in (reverse("reports"), reverse("report-annual", args=[2026])):
        page = client.get(url).content.decode()
        assert "A secret title" not in page and "Private details" not in page and "SCN-" not in page, url


def test_an_even_number_of_durations_takes_the_mean_of_the_middle_two():
    city = CityFactory()
    focal, hub = focal_point(city), hub_staff(city.region)
    for days in (1, 2, 4, 8):
        _walk(city, focal, hub, triage_after=timedelta(days=days), rating=4)
    figures = steering_figures(period_for("all"))
    assert figures.median_to_triage == timedelta(days=3)


def test_management_searches_every_hub_from_the_overview_through_the_same_rule(client):
    first, second = RegionFactory(), RegionFactory()
    here = in_state("submitted", city=CityFactory(region=first), title="Flood response plan")
    there = in_state("closed", city=CityFactory(region=second), description="<p>After the flood</p>")
    unrelated = in_state("submitted", city=CityFactory(region=second), title="Youth council")
    client.force_login(management())
    html = client.get(reverse("overview")).content.decode()
    assert f'action="{reverse("hub-queue")}"' in html and '<input type="hidden" name="state" value="">' in html
    found = client.get(reverse("hub-queue"), {"q": "flood", "state": ""})
    assert {r.reference for r in found.context["page"].rows} == {here.reference, there.reference}
    assert unrelated.reference not in found.content.decode()
    # The same search by the first hub's staff finds only what their hub may see.
    client.force_login(hub_staff(first))
    found = client.get(reverse("hub-queue"), {"q": "flood", "state": ""})
    assert {r.reference for r in found.context["page"].rows} == {here.reference}


def test_steering_page_suppresses_small_counts_and_links_to_no_queue(client):
    region = RegionFactory(name="Western Balkans")
    for _ in range(2):
        in_state("submitted", city=CityFactory(region=region), theme="young_cities")
    tally_rebuild()  # rows made by factories, not moves: counted as a bulk load is
    client.force_login(steering())
    response = client.get(reverse("steering"), {"period": "all"})
    figures = response.context["figures"]
    assert figures.total is None and FigureRow("Western Balkans", None, str(region.pk)) in figures.by_region
    page = response.content.decode()
    assert "fewer than 5" in page and ">2<" not in page
    assert "Every count here is fewer than 5." in page  # no chart of nothing but suppressed counts
    assert reverse("hub-queue") not in page


def test_overview_charts_count_everything_and_drill_down_to_the_hub_queue(client):
    region = RegionFactory(name="Western Balkans")
    FundEnvelopeFactory(region=region, fiscal_year=timezone.now().year, amount=Decimal("80000"))
    for _ in range(2):
        in_state("submitted", city=CityFactory(region=region), theme="young_cities")
    tally_rebuild()  # rows made by factories, not moves: counted as a bulk load is
    client.force_login(management())
    response = client.get(reverse("overview"), {"period": "all"})
    charts = {chart.key: chart for chart in response.context["charts"]}
    (line,) = charts["hubs"].rows
    assert (line.label, line.cells) == ("Western Balkans", ["2"])
    assert line.url == f"{reverse('hub-queue')}?region={region.pk}&state="
    assert f'href="{reverse("hub-queue")}?region={region.pk}&amp;state="' in str(charts["hubs"].svg)
    (theme,) = charts["themes"].rows
    assert theme.url.endswith("?theme=young_cities&state=")
    (fund,) = charts["fund-eur"].rows
    assert fund.cells == ["80,000 EUR", "0 EUR"] and "funding=on" in fund.url
    # The queue the drill-down opens lists exactly what the bar counts.
    queue = client.get(line.url)
    assert queue.status_code == 200 and queue.context["page"].total == 2


def test_figures_pages_query_counts_are_bounded(client, django_assert_max_num_queries):
    for _ in range(3):
        in_state("submitted")
    tally_rebuild()  # rows made by factories, not moves: counted as a bulk load is
    client.force_login(management())
    client.get(reverse("overview"))  # the session and caches
    cache.clear()
    # The session, the user and their groups (3), the hubs table (3), the figures computed afresh (5: the tally's
    # sums and its month series, the hubs' names, the ratings, the envelopes), whatever the number of requests, and
    # the outcomes against key indicators (5: ``workflows.outcome_stats``); the figures are then kept for five
    # minutes; the new-request form's deflection figures (1: ``intake_deflection``) and the unread count (1).
    with django_assert_max_num_queries(18):
        assert client.get(reverse("overview")).status_code == 200


def test_fund_queue_lists_emergency_applications_first_with_the_time_left(client):
    region = RegionFactory(name="Middle East and North Africa")
    FundEnvelopeFactory(region=region, fiscal_year=2026, amount=Decimal("10000000"))
    envelope = region.envelopes.get()
    now = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)

    def application(title: str, *, days_ago: int, emergency: bool = False, due_in_hours: int = 0) -> str:
        request = in_state("funding_review", city=CityFactory(region=region), title=title)
        if emergency:
            type(request).objects.filter(pk=request.pk).update(
                fast_tracked_at=now - timedelta(days=1), due_at=now + timedelta(hours=due_in_hours)
            )
        created = FundApplication.objects.create(
            request=request,
            envelope=envelope,
            amount_requested=Decimal("1000"),
            strategic_priority=4,
            justification="Aligned.",
            emergency=emergency,
        )
        FundApplication.objects.filter(pk=created.pk).update(created_at=now - timedelta(days=days_ago))
        return request.reference

    oldest = application("Youth council", days_ago=20)
    later = application("Schools", days_ago=10)
    urgent = application("After the attack", days_ago=1, emergency=True, due_in_hours=31)
    soonest = application("Shelter", days_ago=0, emergency=True, due_in_hours=5)
    late = application("Late", days_ago=3, emergency=True, due_in_hours=-2)
    mu = management()
    client.force_login(mu)

    with time_machine.travel(now, tick=False):
        response = client.get(reverse("fund-queue"), {"year": "2026"})
        cursor = fund_queue(mu, fiscal_year=2026, per_page=1).page.next_cursor
        second = client.get(reverse("fund-queue"), {"year": "2026", "after": cursor})

    queue = response.context["queue"]
    rows = [*queue.emergencies, *queue.page.rows]
    assert [r.reference for r in rows] == [late, soonest, urgent, oldest, later]
    left = ["Overdue by 2 hours", "Answer due in 5 hours", "Answer due in 31 hours", "", ""]
    assert [r.time_left for r in rows] == left
    page = response.content.decode()
    assert page.count(">Emergency</span>") == 3
    assert page.index(late) < page.index(soonest) < page.index(urgent) < page.index(oldest)
    assert "Decide by" in page and "Answer due in 31 hours" in page
    assert "(5)" in page  # every application awaiting a decision is counted
    # Another page of the others does not repeat the emergencies above them.
    assert [r.reference for r in second.context["page"].rows] == [later]
    assert ">Emergency</span>" not in second.content.decode()


def test_the_fund_queue_tells_a_member_tied_to_a_city_that_another_member_decides(client):
    region = RegionFactory()
    FundEnvelopeFactory(region=region, fiscal_year=2026, amount=Decimal("100000"))
    envelope = region.envelopes.get()
    tied_city, other_city = CityFactory(name="Amman", region=region), CityFactory(name="Irbid", region=region)
    tied_request = in_state("funding_review", city=tied_city)
    other_request = in_state("funding_review", city=other_city)
    for request in (tied_request, other_request):
        FundApplication.objects.create(
            request=request,
            envelope=envelope,
            amount_requested=Decimal("1000"),
            strategic_priority=4,
            justification="Why.",
        )
    member = management()
    member.tied_cities.add(tied_city)
    client.force_login(member)

    page = client.get(reverse("fund-queue")).content.decode()

    assert f'href="{tied_request.get_absolute_url()}#moves"' not in page
    assert f'href="{other_request.get_absolute_url()}#moves"' in page
    assert page.count("You declared a tie to this city: another member decides.") == 1
