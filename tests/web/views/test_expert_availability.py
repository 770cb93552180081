"""An expert's leave and standby pages, the standby badge of their inbox, the periods on the expert's page, the
management unit's conflict review, and the standby badge on the matching page (issue 19)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import ExpertPeriod, ExpertProfile, PeopleLog, Region
from tests.factories import CityFactory, RegionFactory, expert, hub_staff, management
from tests.web.pages import in_state

pytestmark = pytest.mark.django_db
NOON = "2027-03-03 12:00Z"
TODAY = date(2027, 3, 3)
PAGE = "/expert/availability/"


def _period(person, kind, starts_on, ends_on, *, regions=(), languages=()):
    period = ExpertPeriod.objects.create(
        expert=person, kind=kind, starts_on=starts_on, ends_on=ends_on, languages=list(languages)
    )
    period.regions.set(regions)
    return period


@time_machine.travel(NOON, tick=False)
def test_the_page_lists_my_periods_and_offers_a_standby_in_my_regions_and_languages(client):
    region = RegionFactory(name="Middle East and North Africa")
    person = expert()
    person.expert_profile.regions.add(region)
    ExpertProfile.objects.filter(user=person).update(languages=["ar", "fr"])
    _period(person, "leave", date(2027, 3, 20), date(2027, 3, 25))
    _period(person, "standby", date(2027, 3, 1), date(2027, 3, 7), regions=[region], languages=["ar"])
    _period(person, "leave", date(2027, 2, 1), date(2027, 2, 5))  # over: history, not shown
    _period(expert(), "leave", date(2027, 3, 10), date(2027, 3, 12))  # another expert's
    client.force_login(person)

    response = client.get(PAGE)

    assert response.status_code == 200
    rows = response.context["periods"]
    assert [(r.period.kind, r.current) for r in rows] == [("standby", True), ("leave", False)]
    page = response.content.decode()
    assert "On standby until" in page and 'datetime="2027-03-07"' in page
    assert "<bdi>Middle East and North Africa</bdi>" in page and "Arabic" in page
    assert page.count('data-confirm-dialog="confirm-remove-') == 2 and page.count('<dialog id="confirm-remove-') == 2
    standby = response.context["standby_form"]
    assert standby.initial == {"regions": [region], "languages": ["ar", "fr"]}
    assert f'value="{region.pk}"' in page.split('id="standby-title"')[1]


@time_machine.travel(NOON, tick=False)
def test_adding_a_leave_and_a_standby(client):
    region = RegionFactory()
    person = expert()
    client.force_login(person)

    leave = client.post(reverse("expert-leave-add"), {"leave-starts_on": "2027-03-10", "leave-ends_on": "2027-03-12"})
    standby = client.post(
        reverse("expert-standby-add"),
        {
            "standby-starts_on": "2027-03-03",
            "standby-ends_on": "2027-03-09",
            "standby-regions": [region.pk],
            "standby-languages": ["fr", "ar"],
        },
    )

    assert leave.status_code == 302 and standby.status_code == 302 and leave["Location"] == PAGE
    periods = {p.kind: p for p in ExpertPeriod.objects.filter(expert=person)}
    assert (periods["leave"].starts_on, periods["leave"].ends_on) == (date(2027, 3, 10), date(2027, 3, 12))
    assert list(periods["standby"].regions.all()) == [region] and periods["standby"].languages == ["fr", "ar"]
    assert PeopleLog.objects.filter(person=person).count() == 2
    inbox = client.get(reverse("expert-inbox")).content.decode()
    assert "On standby until" in inbox and 'datetime="2027-03-09"' in inbox


@time_machine.travel(NOON, tick=False)
def test_refusals_come_back_on_their_fields_with_what_was_typed(client):
    person = expert()
    _period(person, "leave", date(2027, 3, 10), date(2027, 3, 12))
    client.force_login(person)

    past = client.post(reverse("expert-leave-add"), {"leave-starts_on": "2027-03-01", "leave-ends_on": "2027-03-02"})
    backwards = client.post(
        reverse("expert-leave-add"), {"leave-starts_on": "2027-03-09", "leave-ends_on": "2027-03-05"}
    )
    overlap = client.post(reverse("expert-leave-add"), {"leave-starts_on": "2027-03-12", "leave-ends_on": "2027-03-14"})
    garbled = client.post(reverse("expert-leave-add"), {"leave-starts_on": "soon", "leave-ends_on": ""})
    empty = client.post(
        reverse("expert-standby-add"), {"standby-starts_on": "2027-03-03", "standby-ends_on": "2027-03-04"}
    )

    for response in (past, backwards, overlap, garbled, empty):
        assert response.status_code == 200
    assert list(past.context["leave_form"].errors) == ["starts_on"]
    assert list(backwards.context["leave_form"].errors) == ["ends_on"]
    assert "already on leave" in overlap.context["leave_form"].errors["starts_on"][0]
    assert set(garbled.context["leave_form"].errors) == {"starts_on", "ends_on"}
    assert set(empty.context["standby_form"].errors) == {"regions", "languages"}
    page = backwards.content.decode()
    assert 'value="2027-03-09"' in page and 'aria-invalid="true"' in page and 'id="leave-form-errors"' in page
    assert ExpertPeriod.objects.filter(expert=person).count() == 1


@time_machine.travel(NOON, tick=False)
def test_removing_needs_the_confirmation_and_another_expert_cannot_remove_mine(client):
    person = expert()
    period = _period(person, "leave", date(2027, 3, 10), date(2027, 3, 12))
    url = reverse("expert-period-remove", args=[period.pk])

    client.force_login(expert())
    assert client.post(url, {"confirm": "on"}).status_code == 404
    client.force_login(management())
    assert client.post(url, {"confirm": "on"}).status_code == 403
    client.force_login(person)
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 200 and "Tick the box to confirm." in unconfirmed.content.decode()
    assert ExpertPeriod.objects.filter(pk=period.pk).exists()

    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert not ExpertPeriod.objects.filter(pk=period.pk).exists()
    assert client.post(url, {"confirm": "on"}).status_code == 404


@time_machine.travel(NOON, tick=False)
def test_a_current_period_removed_ends_yesterday(client):
    person = expert()
    period = _period(person, "standby", date(2027, 3, 1), date(2027, 3, 9), regions=[RegionFactory()])
    client.force_login(person)
    page = client.get(PAGE).content.decode()
    assert "It has begun: it ends yesterday" in page
    client.post(reverse("expert-period-remove", args=[period.pk]), {"confirm": "on"})
    period.refresh_from_db()
    assert period.ends_on == date(2027, 3, 2)
    assert "On standby until" not in client.get(reverse("expert-inbox")).content.decode()


def test_the_profile_links_to_the_availability_page(client):
    client.force_login(expert())
    assert PAGE in client.get(reverse("expert-profile-edit")).content.decode()
    assert PAGE in client.get(reverse("expert-inbox")).content.decode()


@pytest.mark.parametrize("count", [3, 20])
def test_the_availability_page_query_count_does_not_grow_with_the_periods(client, django_assert_max_num_queries, count):
    regions = [RegionFactory() for _ in range(3)]
    person = expert()
    person.expert_profile.regions.add(*regions)
    today = timezone.localdate()
    for n in range(count):
        day = today + timedelta(days=2 * n)
        _period(person, "standby" if n % 2 else "leave", day, day, regions=regions if n % 2 else ())
    client.force_login(person)
    client.get(PAGE)
    # Session, person, roles and standing, the header's unread count; the profile and its regions; the periods
    # and theirs; the standby; the regions the standby form offers: 11 whatever the number of periods.
    with django_assert_max_num_queries(11):
        response = client.get(PAGE)
    assert len(response.context["periods"]) == count


# --- the expert's page: periods for the management unit and the expert's hubs; the conflict review -------------


@time_machine.travel(NOON, tick=False)
def test_the_management_unit_and_the_experts_hub_see_the_periods_other_hubs_do_not(client):
    home, other = RegionFactory(), RegionFactory()
    person = expert()
    person.expert_profile.regions.add(home)
    _period(person, "leave", date(2027, 3, 10), date(2027, 3, 12))
    url = reverse("expert-detail", args=[person.pk])
    for reader, sees in ((management(), True), (hub_staff(home), True), (hub_staff(other), False)):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200
        assert ("Leave and standby" in response.content.decode()) is sees
        assert (response.context["periods"] is not None) is sees
        # No removing someone else's periods from here.
        assert "expert-period-remove" not in response.content.decode() and "/remove/" not in response.content.decode()


def _changed_conflicts(person, when=None):
    when = when or timezone.now()
    ExpertProfile.objects.filter(user=person).update(conflicts_updated_at=when)
    return when


def test_the_pool_flags_and_filters_the_conflicts_to_review_for_the_management_unit(client):
    mu = management()
    changed = expert(last_name="Changed")
    _changed_conflicts(changed)
    reviewed = expert(last_name="Reviewed")
    at = _changed_conflicts(reviewed)
    ExpertProfile.objects.filter(user=reviewed).update(conflicts_reviewed_at=at + timedelta(hours=1))
    again = expert(last_name="Again")
    at = _changed_conflicts(again)
    ExpertProfile.objects.filter(user=again).update(conflicts_reviewed_at=at - timedelta(days=1))
    expert(last_name="Never")
    client.force_login(mu)

    page = client.get("/experts/").content.decode()
    assert "2 experts’ conflicts to review" in page and 'href="?conflicts=review"' in page
    assert page.count("conflicts to review</span>") == 2
    listed = client.get("/experts/", {"conflicts": "review"}).context["pool"].rows
    assert sorted(row.person.last_name for row in listed) == ["Again", "Changed"]

    client.force_login(hub_staff(RegionFactory()))
    hub = client.get("/experts/", {"conflicts": "review"})
    assert "conflicts" not in hub.context["form"].fields and len(hub.context["pool"].rows) == 4
    assert "conflicts to review" not in hub.content.decode()


def test_the_management_unit_marks_the_declared_conflicts_as_reviewed(client):
    mu = management(first_name="Maya", last_name="Director")
    person = expert()
    at = _changed_conflicts(person)
    url = reverse("expert-detail", args=[person.pk])
    client.force_login(mu)

    page = client.get(url).content.decode()
    assert "Mark the declared conflicts as reviewed" in page and f'value="{at.isoformat()}"' in page

    response = client.post(reverse("expert-conflicts-review", args=[person.pk]), {"declared_at": at.isoformat()})

    assert response.status_code == 302
    profile = ExpertProfile.objects.get(user=person)
    assert profile.conflicts_reviewed_by == mu and profile.conflicts_reviewed_at is not None
    page = client.get(url).content.decode()
    assert "Mark the declared conflicts as reviewed" not in page and "<bdi>Maya Director</bdi>" in page


def test_a_review_of_conflicts_changed_meanwhile_is_refused_on_the_page(client):
    person = expert()
    seen = _changed_conflicts(person, timezone.now() - timedelta(minutes=5))
    _changed_conflicts(person)
    client.force_login(management())
    response = client.post(reverse("expert-conflicts-review", args=[person.pk]), {"declared_at": seen.isoformat()})
    assert response.status_code == 200
    assert "changed their conflicts since you opened the page" in response.content.decode()
    assert ExpertProfile.objects.get(user=person).conflicts_reviewed_at is None


def test_hub_staff_read_the_conflicts_but_do_not_review_them(client):
    person = expert()
    at = _changed_conflicts(person)
    client.force_login(hub_staff(RegionFactory()))
    page = client.get(reverse("expert-detail", args=[person.pk])).content.decode()
    assert "Mark the declared conflicts as reviewed" not in page
    response = client.post(reverse("expert-conflicts-review", args=[person.pk]), {"declared_at": at.isoformat()})
    assert response.status_code == 403


@pytest.mark.parametrize("count", [3, 20])
def test_the_experts_page_query_count_does_not_grow_with_the_periods(client, django_assert_max_num_queries, count):
    regions = [RegionFactory() for _ in range(3)]
    person = expert()
    person.expert_profile.regions.add(*regions)
    _changed_conflicts(person)
    today = timezone.localdate()
    for n in range(count):
        day = today + timedelta(days=2 * n)
        _period(person, "standby", day, day, regions=regions, languages=["en"])
    client.force_login(management())
    url = reverse("expert-detail", args=[person.pk])
    client.get(url)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(response.context["periods"]) == count


# --- the matching page: the standby badge on a fast-track request ----------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_the_matching_page_shows_standby_first_with_its_badge_on_the_fast_track_only(client):
    region = Region.objects.first() or RegionFactory()
    city = CityFactory(region=region)
    request = in_state("submitted", city=city, theme="incident_response", fast_tracked_at=timezone.now())
    strong = expert(first_name="Strong", themes=["incident_response"])
    strong.expert_profile.regions.add(region)
    standby = expert(first_name="Standby")
    _period(standby, "standby", TODAY, TODAY + timedelta(days=4), regions=[region], languages=["en"])
    away = expert(first_name="Away")
    _period(away, "leave", TODAY, TODAY + timedelta(days=9))
    client.force_login(hub_staff(region))
    url = reverse("request-matching", args=[request.reference])

    response = client.get(url)

    assert [c.expert for c in response.context["candidates"]] == [standby, strong]
    assert response.content.decode().count(">On standby</span>") == 1
    searched = client.get(url, {"q": "away"}).content.decode()
    assert "<bdi>Away Person" in searched and "on leave until March 12, 2027" in searched

    request.fast_tracked_at = None
    request.save(update_fields=["fast_tracked_at"])
    response = client.get(url)
    assert [c.expert for c in response.context["candidates"]] == [strong, standby]
    assert ">On standby</span>" not in response.content.decode()
