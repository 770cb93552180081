"""The expert pool's writes: an expert's own profile, and the management unit's vetting."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from helpdesk.access import can
from helpdesk.models import ExpertProfile, PeopleAction, PeopleLog
from helpdesk.services.experts import expert_profile_update, expert_vetting_set
from tests.factories import CityFactory, RegionFactory, SupportRequestFactory, expert, hub_staff, management

pytestmark = pytest.mark.django_db
Vetting = ExpertProfile.Vetting


def _fields(**changes):
    fields = {
        "themes": ["young_cities", "multi_agency"],
        "languages": ["fr", "en"],
        "regions": [],
        "bio": "Former deputy mayor.",
        "availability": ExpertProfile.Availability.LIMITED,
        "max_concurrent_assignments": 2,
        "conflict_cities": [],
        "conflict_countries": ["ke"],
        "conflict_organisations": "",
    }
    return {**fields, **changes}


def _profile(user):
    return ExpertProfile.objects.get(user=user)


def test_an_expert_updates_their_own_profile_and_the_change_is_logged_before_and_after():
    person = expert()
    region, city = RegionFactory(), CityFactory()

    profile = expert_profile_update(
        profile=_profile(person), actor=person, **_fields(regions=[region], conflict_cities=[city])
    )

    profile.refresh_from_db()
    assert profile.themes == ["multi_agency", "young_cities"]  # in the catalogue's order
    assert profile.languages == ["en", "fr"] and profile.conflict_countries == ["KE"]
    assert profile.availability == "limited" and profile.max_concurrent_assignments == 2
    assert list(profile.regions.all()) == [region] and list(profile.conflict_cities.all()) == [city]
    assert profile.updated_at is not None
    log = PeopleLog.objects.get(action=PeopleAction.EXPERT_PROFILE_CHANGED)
    assert log.actor == person and log.person == person
    changed = log.detail["changed"]
    assert changed["availability"] == {"before": "available", "after": "limited"}
    assert changed["conflict_cities"] == {"before": [], "after": [city.pk]}
    assert changed["bio"] == {"changed": True}  # the expert's words are not copied into the log


def test_saving_the_same_profile_again_logs_nothing():
    person = expert()
    expert_profile_update(profile=_profile(person), actor=person, **_fields())
    expert_profile_update(profile=_profile(person), actor=person, **_fields(themes=["young_cities", "multi_agency"]))
    assert PeopleLog.objects.filter(action=PeopleAction.EXPERT_PROFILE_CHANGED).count() == 1


def test_only_the_expert_and_the_management_unit_edit_a_profile():
    person, other = expert(), expert()
    with pytest.raises(PermissionDenied):
        expert_profile_update(profile=_profile(person), actor=other, **_fields())
    with pytest.raises(PermissionDenied):
        expert_profile_update(profile=_profile(person), actor=hub_staff(RegionFactory()), **_fields())
    expert_profile_update(profile=_profile(person), actor=management(), **_fields())
    assert _profile(person).availability == "limited"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"themes": ["astrology"]}, "themes"),
        ({"languages": ["xx"]}, "languages"),
        ({"availability": "sometimes"}, "availability"),
        ({"max_concurrent_assignments": 0}, "max_concurrent_assignments"),
        ({"conflict_countries": ["ZZ"]}, "conflict_countries"),
    ],
)
def test_values_outside_their_lists_are_refused_on_their_field(changes, field):
    person = expert()
    with pytest.raises(ValidationError) as refused:
        expert_profile_update(profile=_profile(person), actor=person, **_fields(**changes))
    assert field in refused.value.message_dict
    assert not PeopleLog.objects.exists()


def test_vetting_a_nominee_records_who_when_and_is_logged():
    person, mu = expert(), management()
    ExpertProfile.objects.filter(user=person).update(vetting_status=Vetting.PENDING)

    profile = expert_vetting_set(profile=_profile(person), actor=mu, status=Vetting.VETTED)

    profile.refresh_from_db()
    assert profile.vetting_status == Vetting.VETTED and profile.vetted_by == mu and profile.vetted_at is not None
    log = PeopleLog.objects.get(action=PeopleAction.EXPERT_VETTING)
    assert log.detail == {"vetting_status": {"before": "pending", "after": "vetted"}, "reason": ""}


@pytest.mark.parametrize(
    ("before", "after"),
    [(Vetting.VETTED, Vetting.SUSPENDED), (Vetting.SUSPENDED, Vetting.VETTED), (Vetting.PENDING, Vetting.SUSPENDED)],
)
def test_suspending_reinstating_and_turning_down_need_a_reason(before, after):
    person, mu = expert(), management()
    ExpertProfile.objects.filter(user=person).update(vetting_status=before)
    with pytest.raises(ValidationError) as refused:
        expert_vetting_set(profile=_profile(person), actor=mu, status=after, reason="   ")
    assert "reason" in refused.value.message_dict
    assert _profile(person).vetting_status == before

    expert_vetting_set(profile=_profile(person), actor=mu, status=after, reason="Conduct complaint")
    profile = _profile(person)
    assert profile.vetting_status == after and profile.vetting_reason == "Conduct complaint"


@pytest.mark.parametrize(
    ("before", "after"),
    [(Vetting.VETTED, Vetting.VETTED), (Vetting.VETTED, Vetting.PENDING), (Vetting.SUSPENDED, Vetting.PENDING)],
)
def test_other_vetting_moves_are_refused(before, after):
    person = expert()
    ExpertProfile.objects.filter(user=person).update(vetting_status=before)
    with pytest.raises(ValidationError):
        expert_vetting_set(profile=_profile(person), actor=management(), status=after, reason="Because")
    assert not PeopleLog.objects.exists()


def test_only_the_management_unit_vets_and_never_themselves():
    person = expert()
    for actor in (person, hub_staff(RegionFactory()), expert()):
        with pytest.raises(PermissionDenied):
            expert_vetting_set(profile=_profile(person), actor=actor, status=Vetting.SUSPENDED, reason="x")
    mu = management()
    ExpertProfile.objects.create(user=mu, vetting_status=Vetting.VETTED)
    with pytest.raises(PermissionDenied):
        expert_vetting_set(profile=_profile(mu), actor=mu, status=Vetting.SUSPENDED, reason="x")


def test_a_suspension_cuts_access_at_once():
    from helpdesk.services import expert_access_grant

    person = expert()
    request = SupportRequestFactory(state="expert_matching")
    expert_access_grant(request=request, expert=person, actor=hub_staff(request.region))
    assert can(person, "view", request)

    # The profile as read through this person: the same User instance (one HTTP request or task).
    profile = person.expert_profile
    expert_vetting_set(profile=profile, actor=management(), status=Vetting.SUSPENDED, reason="Complaint")

    # It reads its access afresh; any other request reads it from the database anyway.
    assert not person.expert_in_good_standing and not can(person, "view", request)
    assert not can(hub_staff(request.region), "propose_expert", request, expert=person)
