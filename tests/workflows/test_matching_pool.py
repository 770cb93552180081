"""Matching and the trusted pool (issue 19): leave, standby on the fast track, and who is never listed."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone

from helpdesk.access import can
from helpdesk.access_people import Unfit, expert_unfit, expert_unfit_label
from helpdesk.models import ExpertPeriod, ExpertProfile, Role
from helpdesk.selectors.experts import experts_absent_from_matching
from tests.factories import CityFactory, RegionFactory, SupportRequestFactory, UserFactory, expert
from workflows.errors import TransitionRefused
from workflows.matching import candidate_experts
from workflows.models import ExpertAssignment
from workflows.services import transition_perform

pytestmark = pytest.mark.django_db
TODAY = date(2027, 3, 3)  # a Wednesday
NOON = "2027-03-03 12:00Z"


def _period(person, kind: str, starts_on: date, ends_on: date, *, regions=(), languages=()) -> ExpertPeriod:
    period = ExpertPeriod.objects.create(
        expert=person, kind=kind, starts_on=starts_on, ends_on=ends_on, languages=list(languages)
    )
    period.regions.set(regions)
    return period


def _listed(request, among=None) -> list:
    return [c.expert for c in candidate_experts(request) if among is None or c.expert in among]


@time_machine.travel(NOON, tick=False)
def test_matching_never_lists_a_conflicted_suspended_unvetted_or_on_leave_expert():
    city = CityFactory(country="KE")
    request = SupportRequestFactory(city=city, state="expert_matching")
    fit = expert()
    suspended = expert()
    ExpertProfile.objects.filter(user=suspended).update(vetting_status=ExpertProfile.Vetting.SUSPENDED)
    unvetted = expert()
    ExpertProfile.objects.filter(user=unvetted).update(vetting_status=ExpertProfile.Vetting.PENDING)
    standing_city = expert()
    standing_city.expert_profile.conflict_cities.add(city)
    standing_country = expert()
    ExpertProfile.objects.filter(user=standing_country).update(conflict_countries=["KE"])
    declared = expert()
    ExpertAssignment.objects.create(
        request=SupportRequestFactory(city=city), expert=declared, status="declined", has_conflict=True
    )
    on_leave = expert()
    _period(on_leave, "leave", date(2027, 3, 1), date(2027, 3, 12))

    assert _listed(request) == [fit]
    hub = UserFactory(roles=[Role.HUB_STAFF], region=request.region)
    reasons = {
        suspended: Unfit.SUSPENDED,
        unvetted: Unfit.PENDING,
        standing_city: Unfit.CONFLICT_CITY,
        standing_country: Unfit.CONFLICT_COUNTRY,
        declared: Unfit.CONFLICT_DECLARED,
        on_leave: Unfit.ON_LEAVE,
    }
    for person, reason in reasons.items():
        assert expert_unfit(ExpertProfile.objects.get(user=person), request) == reason, person
        assert not can(hub, "propose_expert", request, expert=person), person
    assert can(hub, "propose_expert", request, expert=fit)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "excluded"),
    [
        (date(2027, 2, 20), date(2027, 3, 2), False),  # ended yesterday
        (date(2027, 3, 4), date(2027, 3, 10), False),  # starts tomorrow
        (date(2027, 3, 3), date(2027, 3, 10), True),  # starts today
        (date(2027, 2, 20), date(2027, 3, 3), True),  # ends today (both ends count)
        (date(2027, 3, 3), date(2027, 3, 3), True),  # one day: today
    ],
)
def test_leave_excludes_only_on_its_own_days(starts_on, ends_on, excluded):
    request = SupportRequestFactory(state="expert_matching")
    person = expert()
    _period(person, "leave", starts_on, ends_on)
    with time_machine.travel(NOON, tick=False):
        assert (person not in _listed(request)) is excluded
        hub = UserFactory(roles=[Role.HUB_STAFF], region=request.region)
        assert can(hub, "propose_expert", request, expert=person) is not excluded


@time_machine.travel(NOON, tick=False)
def test_a_standby_does_not_exclude_and_is_not_a_leave():
    request = SupportRequestFactory(state="expert_matching")
    person = expert()
    _period(person, "standby", TODAY, TODAY, regions=[request.region], languages=["en"])
    assert _listed(request) == [person]


@time_machine.travel(NOON, tick=False)
def test_the_absent_list_says_until_when_an_expert_is_on_leave():
    request = SupportRequestFactory()
    away = expert(first_name="Zed", last_name="Away")
    # Two leaves without a gap read as one.
    _period(away, "leave", date(2027, 3, 1), date(2027, 3, 5))
    _period(away, "leave", date(2027, 3, 6), date(2027, 3, 12))

    (absent,) = experts_absent_from_matching(request, "zed")

    assert absent.reason == Unfit.ON_LEAVE
    assert absent.reason_label == "on leave until March 12, 2027"


@time_machine.travel(NOON, tick=False)
def test_proposing_an_expert_on_leave_is_refused_with_the_reason():
    request = SupportRequestFactory(state="expert_matching")
    hub = UserFactory(roles=[Role.HUB_STAFF], region=request.region)
    away = expert(first_name="Samir", last_name="Aziz")
    _period(away, "leave", date(2027, 3, 1), date(2027, 3, 12))

    with pytest.raises(TransitionRefused) as refused:
        transition_perform(request=request, transition="propose_expert", actor=hub, data={"experts": [away.pk]})

    assert refused.value.code == "expert_unavailable"
    assert "Samir Aziz (on leave" in str(refused.value)
    assert not ExpertAssignment.objects.filter(request=request).exists()
    # The worded reason, for a message that names the refused experts.
    profile = ExpertProfile.objects.get(user=away)
    assert expert_unfit_label(profile, request) == "on leave until March 12, 2027"
    assert expert_unfit_label(ExpertProfile.objects.get(user=expert()), request) is None


def _ranked_pair(*, fast_track: bool, region=None, language="en", standby_regions=None, standby_languages=("en",)):
    """A strong match and a weaker one on standby: who comes first."""
    region = region or RegionFactory()
    request = SupportRequestFactory(
        city=CityFactory(region=region),
        theme="incident_response",
        language=language,
        state="expert_matching",
        fast_tracked_at=timezone.now() if fast_track else None,
    )
    strong = expert(themes=["incident_response"], first_name="Strong")
    ExpertProfile.objects.filter(user=strong).update(languages=[language])
    strong.expert_profile.regions.add(region)
    standby = expert(themes=["multi_agency"], first_name="Standby")
    regions = [region] if standby_regions is None else standby_regions
    _period(standby, "standby", date(2027, 3, 1), date(2027, 3, 7), regions=regions, languages=standby_languages)
    return request, strong, standby


@time_machine.travel(NOON, tick=False)
def test_on_a_fast_track_request_the_experts_on_standby_for_it_come_first():
    request, strong, standby = _ranked_pair(fast_track=True)

    ranked = candidate_experts(request)

    assert [c.expert for c in ranked] == [standby, strong]
    assert ranked[0].on_standby and ranked[0].standby_until == date(2027, 3, 7)
    assert ranked[0].score < ranked[1].score and not ranked[1].on_standby


@time_machine.travel(NOON, tick=False)
def test_standby_changes_nothing_off_the_fast_track():
    request, strong, standby = _ranked_pair(fast_track=False)
    ranked = candidate_experts(request)
    assert [c.expert for c in ranked] == [strong, standby]
    assert not any(c.on_standby for c in ranked)


@time_machine.travel(NOON, tick=False)
def test_a_standby_for_another_region_or_language_does_not_come_first():
    elsewhere = RegionFactory()
    request, strong, standby = _ranked_pair(fast_track=True, standby_regions=[elsewhere])
    assert _listed(request) == [strong, standby]
    ExpertPeriod.objects.all().delete()
    request, strong, standby = _ranked_pair(fast_track=True, language="ar", standby_languages=("fr",))
    assert _listed(request, among={strong, standby}) == [strong, standby]
    ExpertPeriod.objects.all().delete()
    request, strong, standby = _ranked_pair(fast_track=True, language="ar", standby_languages=("fr", "ar"))
    assert _listed(request, among={strong, standby}) == [standby, strong]


@time_machine.travel(NOON, tick=False)
def test_a_standby_naming_no_region_reaches_the_experts_own_regions():
    region = RegionFactory()
    request, strong, standby = _ranked_pair(fast_track=True, region=region, standby_regions=[])
    assert _listed(request) == [strong, standby]  # the standby expert's profile names no region
    standby.expert_profile.regions.add(region)
    assert _listed(request) == [standby, strong]


@time_machine.travel(NOON, tick=False)
def test_a_standby_that_ended_yesterday_or_starts_tomorrow_does_not_count():
    request, strong, standby = _ranked_pair(fast_track=True)
    ExpertPeriod.objects.filter(expert=standby).update(starts_on=date(2027, 3, 4), ends_on=date(2027, 3, 9))
    assert _listed(request) == [strong, standby]
    ExpertPeriod.objects.filter(expert=standby).update(starts_on=date(2027, 2, 25), ends_on=date(2027, 3, 2))
    assert _listed(request) == [strong, standby]


@time_machine.travel(NOON, tick=False)
def test_standby_still_excludes_leave_and_conflicts_and_a_full_standby_expert_stays_below():
    request, strong, standby = _ranked_pair(fast_track=True)
    ExpertProfile.objects.filter(user=standby).update(max_concurrent_assignments=1)
    ExpertAssignment.objects.create(request=SupportRequestFactory(), expert=standby, status="accepted")

    ranked = candidate_experts(request)

    assert [c.expert for c in ranked] == [strong, standby] and not ranked[1].proposable

    ExpertAssignment.objects.filter(expert=standby).delete()
    _period(standby, "leave", TODAY, TODAY)
    assert _listed(request) == [strong]
    ExpertPeriod.objects.filter(expert=standby, kind="leave").delete()
    standby.expert_profile.conflict_cities.add(request.city)
    assert _listed(request) == [strong]
