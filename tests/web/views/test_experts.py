"""The expert pool's pages: the pool, an expert's profile and vetting, an expert's own profile; the matching page
saying why a searched expert is not listed."""

import pytest
from django.urls import reverse

from helpdesk.models import ExpertProfile, PeopleLog, Region
from tests.factories import CityFactory, RegionFactory, UserFactory, expert, hub_staff, management
from tests.web.pages import in_state
from workflows.models import ExpertAssignment

pytestmark = pytest.mark.django_db
Vetting = ExpertProfile.Vetting
POOL = "/experts/"


def _set(user, **changes):
    ExpertProfile.objects.filter(user=user).update(**changes)


def _names(response) -> list[str]:
    return [row.person.last_name for row in response.context["pool"].rows]


def test_the_pool_lists_every_expert_with_status_load_and_what_they_advise_on(client):
    region = RegionFactory(name="East and Southern Africa")
    client.force_login(hub_staff(region))
    amina = expert(first_name="Amina", last_name="Odhiambo", themes=["young_cities"], capacity=2)
    amina.expert_profile.regions.add(region)
    ExpertAssignment.objects.create(request=in_state("submitted"), expert=amina, status="accepted")
    pending = expert(first_name="Paul", last_name="Pending")
    _set(pending, vetting_status=Vetting.PENDING)

    response = client.get(POOL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<bdi>Amina Odhiambo</bdi>" in page and "Young Cities (youth engagement)" in page
    assert "1 of 2" in page and "East and Southern Africa" in page and "Pending" in page
    assert "young_cities" not in page.split("<main", 1)[-1].split("</form>", 1)[-1]  # labels, never codes
    # Hub staff read the pool in name order, with no vetting count (they do not vet).
    assert _names(response) == ["Odhiambo", "Pending"] and "to vet" not in page


def test_the_management_unit_sees_those_to_vet_first_with_their_count(client):
    client.force_login(management())
    expert(first_name="Anna", last_name="Vetted")
    waiting = expert(first_name="Zoe", last_name="Waiting")
    _set(waiting, vetting_status=Vetting.PENDING)
    gone = expert(first_name="Bob", last_name="Suspended")
    _set(gone, vetting_status=Vetting.SUSPENDED)

    response = client.get(POOL)

    assert _names(response) == ["Waiting", "Vetted", "Suspended"]
    assert "1 expert to vet" in response.content.decode()


def test_the_pool_filters_by_status_theme_language_region_availability_and_name(client):
    region = RegionFactory()
    client.force_login(management())
    youth = expert(last_name="Youth", themes=["young_cities"])
    youth.expert_profile.regions.add(region)
    _set(youth, languages=["ar"])
    away = expert(last_name="Away")
    _set(away, availability=ExpertProfile.Availability.UNAVAILABLE)
    waiting = expert(last_name="Waiting")
    _set(waiting, vetting_status=Vetting.PENDING)

    assert _names(client.get(POOL, {"theme": "young_cities"})) == ["Youth"]
    assert _names(client.get(POOL, {"language": "ar"})) == ["Youth"]
    assert _names(client.get(POOL, {"region": region.pk})) == ["Youth"]
    assert _names(client.get(POOL, {"availability": "unavailable"})) == ["Away"]
    assert _names(client.get(POOL, {"vetting": "pending"})) == ["Waiting"]
    assert _names(client.get(POOL, {"q": "wAIt"})) == ["Waiting"]
    assert _names(client.get(POOL, {"theme": "nonsense"})) == ["Waiting", "Away", "Youth"]  # ignored, not an error


def test_the_pool_links_to_the_nomination_when_that_page_exists(client):
    client.force_login(management())
    page = client.get(POOL).content.decode()
    try:
        invite = reverse("people-invite")
    except Exception:
        assert "Nominate an expert" not in page
    else:
        assert f'href="{invite}?role=expert"' in page


@pytest.mark.parametrize("count", [3, 20])
def test_the_pool_query_count_does_not_grow_with_the_pool(client, django_assert_max_num_queries, count):
    regions = [RegionFactory() for _ in range(2)]
    client.force_login(management())
    for n in range(count):
        person = expert(last_name=f"Member {n}")
        person.expert_profile.regions.add(*regions)
        ExpertAssignment.objects.create(request=in_state("submitted"), expert=person, status="accepted")
    # Session, person and roles, then the pool's rows, their regions, the vetting count: 8 whatever the size.
    with django_assert_max_num_queries(8):
        response = client.get(POOL)
    assert len(response.context["pool"].rows) == count


def test_an_experts_profile_shows_their_conflicts_and_history_and_404_for_anyone_else(client):
    mu = management()
    client.force_login(mu)
    person = expert(first_name="Amina", last_name="Odhiambo")
    city = CityFactory(name="Mombasa")
    person.expert_profile.conflict_cities.add(city)
    _set(person, conflict_countries=["FR"], bio="Former مستشار", conflict_organisations="Youth NGO")

    page = client.get(reverse("expert-detail", args=[person.pk])).content.decode()

    assert "<bdi>Mombasa</bdi>" in page and "France" in page and '<div dir="auto" class="text-break">Former' in page
    assert 'id="vetting-form-suspend"' in page and 'data-confirm-dialog="confirm-suspend"' in page
    assert '<dialog id="confirm-suspend"' in page
    assert client.get(reverse("expert-detail", args=[UserFactory().pk])).status_code == 404
    assert client.get(reverse("expert-detail", args=[999999])).status_code == 404


def test_hub_staff_read_a_profile_without_the_vetting_forms(client):
    client.force_login(hub_staff(RegionFactory()))
    person = expert()
    response = client.get(reverse("expert-detail", args=[person.pk]))
    assert response.status_code == 200 and "vetting-form" not in response.content.decode()
    assert client.post(reverse("expert-vetting", args=[person.pk]), {"status": "suspended"}).status_code == 403


def test_suspending_needs_a_reason_and_a_confirmation_then_shows_in_the_history(client):
    mu = management(first_name="Maya", last_name="Director")
    client.force_login(mu)
    person = expert()
    url = reverse("expert-vetting", args=[person.pk])

    missing = client.post(url, {"status": "suspended", "reason": "", "confirm": "on"})
    assert missing.status_code == 200 and "Say why" in missing.content.decode()
    unconfirmed = client.post(url, {"status": "suspended", "reason": "Complaint"})
    assert unconfirmed.status_code == 200 and "Tick the box" in unconfirmed.content.decode()
    assert ExpertProfile.objects.get(user=person).vetting_status == Vetting.VETTED

    done = client.post(url, {"status": "suspended", "reason": "Complaint under review", "confirm": "on"})

    assert done.status_code == 302
    assert ExpertProfile.objects.get(user=person).vetting_status == Vetting.SUSPENDED
    page = client.get(done["Location"]).content.decode()
    assert "Vetted → Suspended" in page and "Complaint under review" in page and "<bdi>Maya Director</bdi>" in page
    assert 'id="vetting-form-reinstate"' in page


def test_vetting_a_nominee_needs_no_confirmation(client):
    client.force_login(management())
    person = expert()
    _set(person, vetting_status=Vetting.PENDING)
    response = client.post(reverse("expert-vetting", args=[person.pk]), {"status": "vetted"})
    assert response.status_code == 302
    assert ExpertProfile.objects.get(user=person).vetting_status == Vetting.VETTED


def test_an_expert_edits_their_own_profile_and_reads_their_vetting_in_plain_words(client):
    person = expert()
    _set(person, vetting_status=Vetting.PENDING)
    other = expert()
    client.force_login(person)
    url = reverse("expert-profile-edit")

    page = client.get(url).content.decode()
    assert "pending: you will be proposed once the management unit has vetted you" in page
    city, region = CityFactory(), Region.objects.first() or RegionFactory()
    data = {
        "availability": "unavailable",
        "max_concurrent_assignments": "2",
        "themes": ["young_cities"],
        "languages": ["fr"],
        "regions": [region.pk],
        "bio": "Bio",
        "conflict_cities": [city.pk],
        "conflict_countries": ["KE"],
        "conflict_organisations": "",
    }
    response = client.post(url, data)

    assert response.status_code == 302
    mine = ExpertProfile.objects.get(user=person)
    assert mine.availability == "unavailable" and mine.themes == ["young_cities"] and mine.conflict_countries == ["KE"]
    assert ExpertProfile.objects.get(user=other).availability == "available"  # no id to aim at someone else's
    assert PeopleLog.objects.filter(person=person).count() == 1
    bad = client.post(url, {**data, "max_concurrent_assignments": "0"})
    assert bad.status_code == 200 and bad.context["form"].errors["max_concurrent_assignments"]


def test_the_expert_inbox_links_to_the_profile(client):
    client.force_login(expert())
    assert reverse("expert-profile-edit") in client.get(reverse("expert-inbox")).content.decode()


def test_the_matching_page_says_why_a_searched_expert_is_not_listed(client):
    region = RegionFactory()
    client.force_login(hub_staff(region))
    city = CityFactory(region=region, country="KE")
    request = in_state("submitted", city=city)
    listed = expert(first_name="Amina", last_name="Listed")
    suspended = expert(first_name="Amina", last_name="Suspended")
    _set(suspended, vetting_status=Vetting.SUSPENDED)
    conflicted = expert(first_name="Amina", last_name="Conflicted")
    conflicted.expert_profile.conflict_cities.add(city)

    response = client.get(reverse("request-matching", args=[request.reference]), {"q": "amina"})

    assert [c.expert for c in response.context["candidates"]] == [listed]
    page = response.content.decode()
    assert "<bdi>Amina Suspended</bdi>: suspended" in page
    assert "<bdi>Amina Conflicted</bdi>: declared a conflict with this city" in page
    assert (
        "Not listed, and why" not in client.get(reverse("request-matching", args=[request.reference])).content.decode()
    )


def test_the_pools_load_counts_the_assignments_the_lifecycle_calls_active():
    from helpdesk.selectors.experts import ACTIVE_ASSIGNMENTS

    assert set(ACTIVE_ASSIGNMENTS) == set(ExpertAssignment.ACTIVE)
