import pytest
from django.utils import timezone

from helpdesk.access import can
from helpdesk.access_people import Unfit, expert_unfit
from helpdesk.models import ExpertProfile, Role
from tests.factories import CityFactory, RegionFactory, SupportRequestFactory, UserFactory, expert
from workflows.matching import candidate_experts
from workflows.models import ExpertAssignment

pytestmark = pytest.mark.django_db


def _profile(user, **changes):
    ExpertProfile.objects.filter(user=user).update(**changes)


def test_ranks_theme_then_language_then_region():
    region = RegionFactory()
    request = SupportRequestFactory(city=CityFactory(region=region), theme="young_cities", language="fr")
    full = expert(themes=["young_cities"])
    _profile(full, languages=["fr", "en"])
    full.expert_profile.regions.add(region)
    theme_only = expert(themes=["young_cities"])
    language_only = expert(themes=["multi_agency"])
    _profile(language_only, languages=["fr"])
    nothing = expert(themes=["multi_agency"])

    ranked = candidate_experts(request)

    assert [c.expert for c in ranked] == [full, theme_only, language_only, nothing]
    top = ranked[0]
    assert top.theme_match and top.language_match and top.region_match
    assert top.region_names == [region.name]
    assert ranked[0].score > ranked[1].score > ranked[2].score > ranked[3].score


def test_load_and_capacity_push_an_expert_down_and_disable_proposing_and_the_unavailable_are_left_out():
    request = SupportRequestFactory(theme="multi_agency")
    busy = expert(capacity=1)
    ExpertAssignment.objects.create(request=SupportRequestFactory(), expert=busy, status="accepted")
    away = expert()
    _profile(away, availability=ExpertProfile.Availability.UNAVAILABLE)
    limited = expert()
    _profile(limited, availability=ExpertProfile.Availability.LIMITED)
    free = expert()

    ranked = candidate_experts(request)

    assert ranked[0].expert == free and ranked[0].proposable
    by_user = {c.expert: c for c in ranked}
    assert by_user[busy].load == 1 and by_user[busy].at_capacity and not by_user[busy].proposable
    assert away not in by_user
    assert by_user[limited].proposable and by_user[limited].score < by_user[free].score


def test_completed_and_declined_assignments_do_not_count_as_load():
    request = SupportRequestFactory()
    person = expert(capacity=1)
    ExpertAssignment.objects.create(request=SupportRequestFactory(), expert=person, status="completed")
    ExpertAssignment.objects.create(request=SupportRequestFactory(), expert=person, status="declined")
    (candidate,) = candidate_experts(request)
    assert candidate.load == 0 and candidate.proposable


def test_a_conflict_declared_on_a_request_of_the_city_leaves_the_expert_out_until_waived():
    city = CityFactory()
    earlier = SupportRequestFactory(city=city)
    request = SupportRequestFactory(city=city, state="expert_matching")
    conflicted = expert()
    waived = expert()
    clean = expert()
    ExpertAssignment.objects.create(
        request=earlier, expert=conflicted, status="declined", has_conflict=True, conflict_of_interest="Former adviser"
    )
    ExpertAssignment.objects.create(
        request=earlier,
        expert=waived,
        status="completed",
        has_conflict=True,
        waiver_reason="A past contract, ended",
        waived_at=timezone.now(),
    )
    # A conflict declared for another city says nothing about this one.
    ExpertAssignment.objects.create(request=SupportRequestFactory(), expert=clean, status="declined", has_conflict=True)

    ranked = candidate_experts(request)

    by_user = {c.expert: c for c in ranked}
    assert conflicted not in by_user
    # A waived conflict is no reason to leave the expert out, but the page still flags it (no penalty any more).
    assert [f.reference for f in by_user[waived].conflicts] == [earlier.reference]
    assert not by_user[waived].conflicts[0].same_request
    assert by_user[waived].score == by_user[clean].score
    assert by_user[clean].conflicts == []
    hub = UserFactory(roles=[Role.HUB_STAFF], region=request.region)
    assert not can(hub, "propose_expert", request, expert=conflicted)
    assert can(hub, "propose_expert", request, expert=waived)


def test_a_conflict_awaiting_its_waiver_on_this_request_leaves_the_expert_out_of_matching():
    request = SupportRequestFactory(state="expert_matching")
    waiting = expert()
    ExpertAssignment.objects.create(request=request, expert=waiting, status="conflict", has_conflict=True)
    assert candidate_experts(request) == []
    assert expert_unfit(waiting.expert_profile, request) == Unfit.CONFLICT_DECLARED


def test_experts_already_on_the_request_are_shown_but_not_proposable():
    request = SupportRequestFactory()
    proposed = expert()
    ExpertAssignment.objects.create(request=request, expert=proposed, status="proposed")
    (candidate,) = candidate_experts(request)
    assert candidate.current_status == "proposed" and not candidate.proposable


def test_only_vetted_active_available_experts_without_a_standing_conflict_are_candidates():
    city = CityFactory(country="KE")
    request = SupportRequestFactory(city=city, state="expert_matching")
    vetted = expert()
    pending = expert()
    _profile(pending, vetting_status=ExpertProfile.Vetting.PENDING)
    suspended = expert()
    _profile(suspended, vetting_status=ExpertProfile.Vetting.SUSPENDED)
    away = expert()
    _profile(away, availability=ExpertProfile.Availability.UNAVAILABLE)
    gone = expert()
    gone.is_active = False
    gone.save()
    city_conflict = expert()
    city_conflict.expert_profile.conflict_cities.add(city)
    country_conflict = expert()
    _profile(country_conflict, conflict_countries=["KE"])
    elsewhere = expert()  # a conflict with another city and another country leaves them in
    elsewhere.expert_profile.conflict_cities.add(CityFactory(country="KE"))
    _profile(elsewhere, conflict_countries=["FR"])
    UserFactory()  # not an expert at all

    listed = {c.expert for c in candidate_experts(request)}

    assert listed == {vetted, elsewhere}
    hub = UserFactory(roles=[Role.HUB_STAFF], region=request.region)
    for person in (pending, suspended, away, gone, city_conflict, country_conflict):
        assert not can(hub, "propose_expert", request, expert=person), person
    for person in (vetted, elsewhere):
        assert can(hub, "propose_expert", request, expert=person)


def test_proposing_a_left_out_expert_is_refused_by_the_workflow():
    from workflows.errors import TransitionRefused
    from workflows.services import transition_perform

    city = CityFactory(country="KE")
    request = SupportRequestFactory(city=city, state="expert_matching")
    hub = UserFactory(roles=[Role.HUB_STAFF], region=request.region)
    conflicted = expert()
    _profile(conflicted, conflict_countries=["KE"])
    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition="propose_expert", actor=hub, data={"experts": [conflicted.pk]})
    assert refused.value.code == "expert_unavailable"
    assert not ExpertAssignment.objects.filter(request=request).exists()


def test_absent_experts_found_by_name_say_why():
    from helpdesk.selectors.experts import experts_absent_from_matching

    city = CityFactory(country="KE")
    request = SupportRequestFactory(city=city)
    people = {
        "listed": expert(first_name="Zed", last_name="Listed"),
        "pending": expert(first_name="Zed", last_name="Pending"),
        "suspended": expert(first_name="Zed", last_name="Suspended"),
        "away": expert(first_name="Zed", last_name="Away"),
        "gone": expert(first_name="Zed", last_name="Gone"),
        "city": expert(first_name="Zed", last_name="City"),
        "country": expert(first_name="Zed", last_name="Country"),
    }
    _profile(people["pending"], vetting_status=ExpertProfile.Vetting.PENDING)
    _profile(people["suspended"], vetting_status=ExpertProfile.Vetting.SUSPENDED)
    _profile(people["away"], availability=ExpertProfile.Availability.UNAVAILABLE)
    people["gone"].is_active = False
    people["gone"].save()
    people["city"].expert_profile.conflict_cities.add(city)
    _profile(people["country"], conflict_countries=["KE"])

    absent = {a.profile.user.last_name: a.reason_label for a in experts_absent_from_matching(request, " zed ")}

    assert absent == {
        "Pending": "not vetted yet",
        "Suspended": "suspended",
        "Away": "unavailable",
        "Gone": "account deactivated",
        "City": "declared a conflict with this city",
        "Country": "declared a conflict with this country",
    }
    assert experts_absent_from_matching(request, "Zed Listed") == []
    assert experts_absent_from_matching(request, "") == []


def test_absent_experts_query_count_does_not_grow_with_the_pool(django_assert_max_num_queries):
    from helpdesk.selectors.experts import experts_absent_from_matching

    city = CityFactory(country="KE")
    request = SupportRequestFactory(city=city)
    for n in range(20):
        person = expert(first_name="Pool", last_name=f"Member {n}")
        person.expert_profile.conflict_cities.add(city)
    # The profiles and their standing conflicts, then their leave and the conflicts they declared on the city.
    with django_assert_max_num_queries(5):
        assert len(experts_absent_from_matching(request, "pool")) == 20


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_does_not_grow_with_the_pool(django_assert_max_num_queries, size):
    # Five reads before leave, standby and declared conflicts; one more for the periods (the declared conflicts
    # were already read for the flags): six, whatever the pool and its periods.
    from helpdesk.models import ExpertPeriod

    region = RegionFactory()
    request = SupportRequestFactory(city=CityFactory(region=region), fast_tracked_at=timezone.now())
    today = timezone.localdate()
    for n in range(size):
        person = expert()
        person.expert_profile.regions.add(region)
        ExpertAssignment.objects.create(request=SupportRequestFactory(), expert=person, status="accepted")
        standby = ExpertPeriod.objects.create(
            expert=person, kind="standby", starts_on=today, ends_on=today, languages=["en"]
        )
        standby.regions.add(region)
        if n % 3 == 0:
            ExpertAssignment.objects.create(
                request=SupportRequestFactory(city=request.city),
                expert=person,
                status="accepted",
                has_conflict=True,
                waived_at=timezone.now(),
            )
    conflicted = expert()
    conflicted.expert_profile.conflict_cities.add(request.city)
    away = expert()
    ExpertPeriod.objects.create(expert=away, kind="leave", starts_on=today, ends_on=today)
    declared = expert()
    ExpertAssignment.objects.create(
        request=SupportRequestFactory(city=request.city), expert=declared, status="declined", has_conflict=True
    )
    with django_assert_max_num_queries(6):
        ranked = candidate_experts(request)
        assert len(ranked) == size and all(c.region_match and c.load >= 1 and c.on_standby for c in ranked)


def test_candidates_filter_by_name_expertise_and_language_keeping_the_ranking():
    from workflows.matching import CandidateFilters, candidates_filter

    request = SupportRequestFactory(theme="young_cities", language="fr")
    amina = expert(themes=["young_cities"], first_name="Amina", last_name="Odhiambo")
    _profile(amina, languages=["fr", "en"])
    youssef = expert(themes=["multi_agency"], first_name="Youssef", last_name="Haddad")
    _profile(youssef, languages=["ar", "fr"])
    # A sign-in name of its own: a factory name "user<n>" cut short can be found in another expert's too.
    expert(themes=["young_cities"], first_name="Claire", last_name="Dubois", username="cdub.expert")
    ranked = candidate_experts(request)

    def names(**filters):
        return [c.expert.first_name for c in candidates_filter(ranked, CandidateFilters(**filters))]

    assert names() == [c.expert.first_name for c in ranked]
    assert names(name="  haDDad ") == ["Youssef"]
    assert names(name="CDUB.exp") == ["Claire"]  # the sign-in name too
    assert names(theme="young_cities") == ["Amina", "Claire"]
    assert names(language="fr") == ["Amina", "Youssef"]
    assert names(theme="young_cities", language="fr") == ["Amina"]
    assert names(name="nobody") == []
