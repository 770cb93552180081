"""An expert's leave and standby periods, and the management unit's review of standing conflicts
(``helpdesk.services.experts``)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from helpdesk.models import ExpertPeriod, ExpertProfile, PeopleAction, PeopleLog
from helpdesk.services.experts import (
    expert_conflicts_review,
    expert_period_add,
    expert_period_remove,
    expert_profile_update,
)
from tests.factories import CityFactory, RegionFactory, expert, hub_staff, management

pytestmark = pytest.mark.django_db
TODAY = date(2027, 3, 3)
NOON = "2027-03-03 12:00Z"


def _leave(person, starts_on, ends_on, **kwargs):
    return expert_period_add(expert=person, actor=person, kind="leave", starts_on=starts_on, ends_on=ends_on, **kwargs)


def _errors(call) -> dict:
    """The refusal's messages by field (None: not about one field)."""
    with pytest.raises(ValidationError) as refused:
        call()
    error = refused.value
    return error.message_dict if hasattr(error, "error_dict") else {None: error.messages}


@time_machine.travel(NOON, tick=False)
def test_an_expert_declares_a_leave_and_it_is_logged():
    person = expert()
    period = _leave(person, TODAY, TODAY + timedelta(days=9), regions=[RegionFactory()], languages=["fr"])
    assert period.kind == "leave" and period.ends_on == date(2027, 3, 12)
    assert list(period.regions.all()) == [] and period.languages == []  # a leave covers everything
    log = PeopleLog.objects.get(action=PeopleAction.EXPERT_AVAILABILITY, person=person)
    assert log.actor == person
    assert log.detail["changed"]["availability_period"] == {
        "before": None,
        "after": {
            "id": period.pk,
            "kind": "leave",
            "starts_on": "2027-03-03",
            "ends_on": "2027-03-12",
            "regions": [],
            "languages": [],
        },
    }


@time_machine.travel(NOON, tick=False)
def test_a_standby_keeps_its_regions_and_languages_in_the_catalogues_order():
    person, region = expert(), RegionFactory()
    period = expert_period_add(
        expert=person,
        actor=person,
        kind="standby",
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=6),
        regions=[region],
        languages=["fr", "ar"],
    )
    assert list(period.regions.all()) == [region] and period.languages == ["fr", "ar"]


@time_machine.travel(NOON, tick=False)
@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        (TODAY - timedelta(days=1), TODAY + timedelta(days=2), "starts_on"),  # begins in the past
        (TODAY + timedelta(days=3), TODAY + timedelta(days=2), "ends_on"),  # ends before it begins
        (TODAY, TODAY + timedelta(days=400), "ends_on"),  # more than a year
    ],
)
def test_dates_are_checked_on_their_fields(starts_on, ends_on, field):
    person = expert()
    assert field in _errors(lambda: _leave(person, starts_on, ends_on))
    assert not ExpertPeriod.objects.exists() and not PeopleLog.objects.exists()


@time_machine.travel(NOON, tick=False)
def test_a_standby_needs_a_region_and_a_language_from_the_lists():
    person = expert()

    def standby(**kwargs):
        fields = {"regions": [RegionFactory()], "languages": ["en"], **kwargs}
        return lambda: expert_period_add(
            expert=person, actor=person, kind="standby", starts_on=TODAY, ends_on=TODAY, **fields
        )

    assert set(_errors(standby(regions=[], languages=[]))) == {"regions", "languages"}
    assert "languages" in _errors(standby(languages=["xx"]))
    assert "regions" in _errors(standby(regions=[RegionFactory(is_active=False)]))


@time_machine.travel(NOON, tick=False)
def test_periods_of_the_same_kind_may_not_overlap_but_a_standby_may_overlap_a_leave():
    person = expert()
    _leave(person, TODAY + timedelta(days=2), TODAY + timedelta(days=5))
    errors = _errors(lambda: _leave(person, TODAY + timedelta(days=5), TODAY + timedelta(days=8)))
    assert errors["starts_on"] == ["You are already on leave from March 5, 2027 to March 8, 2027: choose other days."]
    _leave(person, TODAY + timedelta(days=6), TODAY + timedelta(days=8))  # right after: fine
    expert_period_add(
        expert=person,
        actor=person,
        kind="standby",
        starts_on=TODAY,
        ends_on=TODAY + timedelta(days=9),
        regions=[RegionFactory()],
        languages=["en"],
    )
    # Another expert's leave is theirs.
    _leave(expert(), TODAY + timedelta(days=2), TODAY + timedelta(days=5))
    assert ExpertPeriod.objects.filter(expert=person).count() == 3


@time_machine.travel(NOON, tick=False)
def test_only_the_expert_declares_and_removes_their_periods():
    person = expert()
    for actor in (expert(), management(), hub_staff(RegionFactory())):
        with pytest.raises(PermissionDenied):
            expert_period_add(expert=person, actor=actor, kind="leave", starts_on=TODAY, ends_on=TODAY)
    period = _leave(person, TODAY, TODAY)
    with pytest.raises(PermissionDenied):
        expert_period_remove(period=period, actor=expert())
    assert ExpertPeriod.objects.filter(pk=period.pk).exists()


def test_removing_a_coming_period_deletes_it_a_current_one_ends_yesterday_a_past_one_is_refused():
    person = expert()
    with time_machine.travel("2027-03-01 12:00Z", tick=False):
        current = _leave(person, date(2027, 3, 1), date(2027, 3, 10))
        coming = _leave(person, date(2027, 3, 20), date(2027, 3, 25))
    with time_machine.travel(NOON, tick=False):
        assert expert_period_remove(period=coming, actor=person) is None
        kept = expert_period_remove(period=current, actor=person)
        assert kept is not None and kept.ends_on == date(2027, 3, 2)
        assert list(ExpertPeriod.objects.values_list("starts_on", "ends_on")) == [(date(2027, 3, 1), date(2027, 3, 2))]
        # Now over: nothing more to remove.
        assert _errors(lambda: expert_period_remove(period=kept, actor=person))
        logs = PeopleLog.objects.filter(person=person).order_by("pk")
        last = logs.last().detail["changed"]["availability_period"]
        assert last["before"]["ends_on"] == "2027-03-10" and last["after"]["ends_on"] == "2027-03-02"


@time_machine.travel(NOON, tick=False)
def test_a_period_starting_today_is_deleted_when_removed():
    person = expert()
    period = _leave(person, TODAY, TODAY + timedelta(days=3))
    assert expert_period_remove(period=period, actor=person) is None
    assert not ExpertPeriod.objects.exists()


def _profile_fields(**changes):
    fields = {
        "themes": ["multi_agency"],
        "languages": ["en"],
        "regions": [],
        "bio": "",
        "availability": "available",
        "max_concurrent_assignments": 3,
        "conflict_cities": [],
        "conflict_countries": [],
        "conflict_organisations": "",
    }
    return {**fields, **changes}


def test_changing_standing_conflicts_waits_for_the_management_units_review():
    person, mu = expert(), management()
    profile = ExpertProfile.objects.get(user=person)
    expert_profile_update(profile=profile, actor=person, **_profile_fields(bio="Only the bio"))
    assert ExpertProfile.objects.get(user=person).conflicts_updated_at is None
    expert_profile_update(profile=profile, actor=person, **_profile_fields(conflict_cities=[CityFactory()]))
    profile = ExpertProfile.objects.get(user=person)
    assert profile.conflicts_updated_at is not None

    reviewed = expert_conflicts_review(profile=profile, actor=mu, declared_at=profile.conflicts_updated_at)

    assert reviewed.conflicts_reviewed_by == mu and reviewed.conflicts_reviewed_at >= profile.conflicts_updated_at
    log = PeopleLog.objects.filter(person=person).order_by("pk").last()
    assert log.actor == mu and "conflicts_reviewed_at" in log.detail["changed"]
    # Nothing left to review; a new change waits again.
    assert _errors(
        lambda: expert_conflicts_review(profile=reviewed, actor=mu, declared_at=reviewed.conflicts_updated_at)
    )
    expert_profile_update(profile=reviewed, actor=person, **_profile_fields(conflict_organisations="Youth NGO"))
    assert ExpertProfile.objects.filter(pk=profile.pk, conflicts_updated_at__gt=reviewed.conflicts_reviewed_at).exists()


def test_a_review_covers_only_the_declaration_the_reviewer_read():
    person, mu = expert(), management()
    profile = ExpertProfile.objects.get(user=person)
    expert_profile_update(profile=profile, actor=person, **_profile_fields(conflict_countries=["KE"]))
    read = ExpertProfile.objects.get(user=person).conflicts_updated_at
    expert_profile_update(profile=profile, actor=person, **_profile_fields(conflict_countries=["KE", "FR"]))

    assert _errors(lambda: expert_conflicts_review(profile=profile, actor=mu, declared_at=read))
    assert _errors(lambda: expert_conflicts_review(profile=profile, actor=mu, declared_at=None))
    assert ExpertProfile.objects.get(user=person).conflicts_reviewed_at is None


def test_only_the_management_unit_reviews_and_never_its_own_conflicts():
    person = expert()
    ExpertProfile.objects.filter(user=person).update(conflicts_updated_at=timezone.now())
    profile = ExpertProfile.objects.get(user=person)
    for actor in (person, hub_staff(RegionFactory())):
        with pytest.raises(PermissionDenied):
            expert_conflicts_review(profile=profile, actor=actor, declared_at=profile.conflicts_updated_at)
    mu = management()
    own = ExpertProfile.objects.create(user=mu, conflicts_updated_at=timezone.now())
    with pytest.raises(PermissionDenied):
        expert_conflicts_review(profile=own, actor=mu, declared_at=own.conflicts_updated_at)
