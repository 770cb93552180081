import pytest

from helpdesk.models import ExpertProfile
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


def test_load_capacity_and_availability_push_an_expert_down_and_disable_proposing():
    request = SupportRequestFactory(theme="multi_agency")
    busy = expert(capacity=1)
    ExpertAssignment.objects.create(request=SupportRequestFactory(), expert=busy, status="accepted")
    away = expert()
    _profile(away, availability=ExpertProfile.Availability.UNAVAILABLE)
    free = expert()

    ranked = candidate_experts(request)

    assert ranked[0].expert == free and ranked[0].proposable
    by_user = {c.expert: c for c in ranked}
    assert by_user[busy].load == 1 and by_user[busy].at_capacity and not by_user[busy].proposable
    assert by_user[away].unavailable and not by_user[away].proposable


def test_completed_and_declined_assignments_do_not_count_as_load():
    request = SupportRequestFactory()
    person = expert(capacity=1)
    ExpertAssignment.objects.create(request=SupportRequestFactory(), expert=person, status="completed")
    ExpertAssignment.objects.create(request=SupportRequestFactory(), expert=person, status="declined")
    (candidate,) = candidate_experts(request)
    assert candidate.load == 0 and candidate.proposable


def test_earlier_conflict_declarations_on_the_same_city_are_flagged_and_penalised():
    city = CityFactory()
    earlier = SupportRequestFactory(city=city)
    request = SupportRequestFactory(city=city)
    conflicted = expert()
    clean = expert()
    ExpertAssignment.objects.create(
        request=earlier, expert=conflicted, status="declined", has_conflict=True, conflict_of_interest="Former adviser"
    )
    # A conflict declared for another city says nothing about this one.
    ExpertAssignment.objects.create(request=SupportRequestFactory(), expert=clean, status="declined", has_conflict=True)

    ranked = candidate_experts(request)

    by_user = {c.expert: c for c in ranked}
    assert [f.reference for f in by_user[conflicted].conflicts] == [earlier.reference]
    assert not by_user[conflicted].conflicts[0].same_request
    assert by_user[clean].conflicts == []
    assert ranked[0].expert == clean


def test_experts_already_on_the_request_are_shown_but_not_proposable():
    request = SupportRequestFactory()
    proposed = expert()
    ExpertAssignment.objects.create(request=request, expert=proposed, status="proposed")
    (candidate,) = candidate_experts(request)
    assert candidate.current_status == "proposed" and not candidate.proposable


def test_only_vetted_active_experts_are_candidates():
    request = SupportRequestFactory()
    vetted = expert()
    pending = expert()
    _profile(pending, vetting_status=ExpertProfile.Vetting.PENDING)
    gone = expert()
    gone.is_active = False
    gone.save()
    UserFactory()  # not an expert at all
    assert [c.expert for c in candidate_experts(request)] == [vetted]


def test_query_count_does_not_grow_with_the_pool(django_assert_max_num_queries):
    region = RegionFactory()
    request = SupportRequestFactory(city=CityFactory(region=region))
    for _ in range(30):
        person = expert()
        person.expert_profile.regions.add(region)
        ExpertAssignment.objects.create(request=SupportRequestFactory(), expert=person, status="accepted")
    with django_assert_max_num_queries(4):
        ranked = candidate_experts(request)
        assert len(ranked) == 30 and all(c.region_match and c.load == 1 for c in ranked)


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
