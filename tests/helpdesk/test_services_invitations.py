"""Invitations through their services: who may invite whom, the single-use link, and what accepting gives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from helpdesk.access import can
from helpdesk.models import ExpertProfile, Invitation, PeopleAction, PeopleLog, Role, User
from helpdesk.services.invitations import (
    EXPIRED,
    REVOKED,
    UNKNOWN,
    USED,
    InvitationRefused,
    invitation_accept,
    invitation_confirm,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    invitation_token,
    username_suggest,
)
from tests.factories import CityFactory, RegionFactory, expert, focal_point, hub_staff, management, steering

pytestmark = pytest.mark.django_db

PASSWORD = "a-sturdy-passphrase-42"


@pytest.fixture
def net():
    region_a, region_b = RegionFactory(code="a"), RegionFactory(code="b")
    city_a, city_b = CityFactory(region=region_a), CityFactory(region=region_b)
    return {
        "region_a": region_a,
        "region_b": region_b,
        "city_a": city_a,
        "city_b": city_b,
        "lead": hub_staff(region_a, username="lead.a", is_hub_lead=True),
        "officer": hub_staff(region_a, username="officer.a"),
        "mu": management(username="mu"),
    }


def _accept(invitation: Invitation, **kwargs) -> User:
    values = {"username": "newcomer", "password": PASSWORD, "language": "fr", "time_zone": "Africa/Nairobi"}
    return invitation_accept(token=invitation_token(invitation), **{**values, **kwargs})


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.FOCAL_POINT, {"city": "city_a"}),
        (Role.HUB_STAFF, {"region": "region_a"}),
        (Role.HUB_STAFF, {"region": "region_b", "is_hub_lead": True}),
        (Role.EXPERT, {}),
        (Role.MANAGEMENT, {}),
        (Role.STEERING, {}),
    ],
)
def test_accepting_gives_exactly_the_invited_role_and_scope(net, role, scope):
    values = {key: net[value] if isinstance(value, str) else value for key, value in scope.items()}
    invitation = invitation_create(actor=net["mu"], email="New.Person@Example.org", role=role, **values)
    user = _accept(invitation, first_name="Nadia", last_name="Haddad")
    user = User.objects.get(pk=user.pk)
    assert user.roles == {role}
    assert user.email == invitation.email
    assert user.check_password(PASSWORD)
    assert (user.preferred_language, user.time_zone, user.first_name) == ("fr", "Africa/Nairobi", "Nadia")
    assert list(user.cities.all()) == ([net["city_a"]] if role == Role.FOCAL_POINT else [])
    assert user.region == (values.get("region") if role == Role.HUB_STAFF else None)
    assert user.is_hub_lead is bool(values.get("is_hub_lead"))
    profile = ExpertProfile.objects.filter(user=user).first()
    if role == Role.EXPERT:
        assert profile.vetting_status == ExpertProfile.Vetting.PENDING and profile.nominated_by == net["mu"]
    else:
        assert profile is None
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.status == "accepted"
    actions = list(PeopleLog.objects.filter(invitation=invitation).values_list("action", flat=True))
    assert sorted(actions) == sorted([PeopleAction.INVITED, PeopleAction.INVITATION_ACCEPTED])


def test_the_scope_a_role_does_not_carry_is_dropped(net):
    invitation = invitation_create(
        actor=net["mu"], email="x@example.org", role=Role.EXPERT, city=net["city_a"], region=net["region_a"]
    )
    assert (invitation.city, invitation.region, invitation.is_hub_lead) == (None, None, False)


def test_a_link_is_refused_when_expired_revoked_reused_or_tampered(net):
    invitation = invitation_create(actor=net["lead"], email="a@example.org", role=Role.FOCAL_POINT, city=net["city_a"])
    token = invitation_token(invitation)
    assert invitation_for_token(token).refusal == ""
    assert invitation_for_token(token[:-1] + ("0" if token[-1] != "0" else "1")).refusal == UNKNOWN
    assert invitation_for_token(token + "0").refusal == UNKNOWN
    assert invitation_for_token("nonsense").refusal == UNKNOWN
    assert invitation_for_token(f"{invitation.pk + 1}-{token.split('-')[1]}").refusal == UNKNOWN

    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert invitation_for_token(token).refusal == EXPIRED
    with pytest.raises(InvitationRefused) as refused:
        _accept(invitation)
    assert refused.value.reason == EXPIRED

    other = invitation_create(actor=net["lead"], email="b@example.org", role=Role.FOCAL_POINT, city=net["city_a"])
    invitation_revoke(invitation=other, actor=net["lead"])
    assert invitation_for_token(invitation_token(other)).refusal == REVOKED
    with pytest.raises(InvitationRefused):
        _accept(other)

    third = invitation_create(actor=net["lead"], email="c@example.org", role=Role.FOCAL_POINT, city=net["city_a"])
    _accept(third)
    with pytest.raises(InvitationRefused) as refused:
        _accept(third, username="second.try")
    assert refused.value.reason == USED
    assert User.objects.filter(email="c@example.org").count() == 1


def test_a_resend_voids_the_old_link_and_renews_the_expiry(net, settings):
    settings.INVITATION_DAYS = 3
    invitation = invitation_create(actor=net["lead"], email="a@example.org", role=Role.FOCAL_POINT, city=net["city_a"])
    old = invitation_token(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    renewed = invitation_resend(invitation=invitation, actor=net["lead"])
    assert invitation_for_token(old).refusal == UNKNOWN
    assert invitation_for_token(invitation_token(renewed)).refusal == ""
    assert renewed.send_count == 2
    assert timedelta(days=2, hours=23) < renewed.expires_at - timezone.now() <= timedelta(days=3)
    with pytest.raises(InvitationRefused):
        _accept(invitation)  # the object still holds the old nonce: its link is the old one
    assert PeopleLog.objects.filter(invitation=invitation, action=PeopleAction.INVITATION_RESENT).exists()


def test_a_second_pending_invitation_for_the_same_address_and_scope_is_refused(net):
    invitation_create(actor=net["lead"], email="a@example.org", role=Role.FOCAL_POINT, city=net["city_a"])
    with pytest.raises(ValidationError) as invalid:
        invitation_create(actor=net["mu"], email="A@EXAMPLE.org", role=Role.FOCAL_POINT, city=net["city_a"])
    assert "send that one again" in str(invalid.value)
    # Another scope is another invitation.
    invitation_create(actor=net["mu"], email="a@example.org", role=Role.FOCAL_POINT, city=net["city_b"])


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.MANAGEMENT, {}),
        (Role.STEERING, {}),
        (Role.HUB_STAFF, {"region": "region_a", "is_hub_lead": True}),
        (Role.HUB_STAFF, {"region": "region_b"}),
        (Role.FOCAL_POINT, {"city": "city_b"}),
    ],
)
def test_a_hub_lead_cannot_invite_above_their_role_or_outside_their_region(net, role, scope):
    values = {key: net[value] if isinstance(value, str) else value for key, value in scope.items()}
    with pytest.raises(PermissionDenied):
        invitation_create(actor=net["lead"], email="x@example.org", role=role, **values)
    assert not Invitation.objects.exists()


def test_a_hub_lead_invites_their_cities_officers_and_experts(net):
    for role, values in [
        (Role.FOCAL_POINT, {"city": net["city_a"]}),
        (Role.HUB_STAFF, {"region": net["region_a"]}),
        (Role.EXPERT, {}),
    ]:
        invitation_create(actor=net["lead"], email=f"{role}@example.org", role=role, **values)
    assert Invitation.objects.count() == 3


def test_a_hub_officer_only_nominates_experts(net):
    officer = net["officer"]
    invitation = invitation_create(actor=officer, email="e@example.org", role=Role.EXPERT)
    for role, values in [(Role.FOCAL_POINT, {"city": net["city_a"]}), (Role.HUB_STAFF, {"region": net["region_a"]})]:
        with pytest.raises(PermissionDenied):
            invitation_create(actor=officer, email="x@example.org", role=role, **values)
    user = _accept(invitation)
    assert ExpertProfile.objects.get(user=user).nominated_by == officer
    # The nomination and its acceptance are in the nominating hub's history.
    lines = PeopleLog.objects.filter(invitation=invitation)
    assert {line.region_id for line in lines} == {officer.region_id} and lines.count() == 2


def test_focal_points_experts_and_the_steering_committee_invite_nobody(net):
    for person in (focal_point(net["city_a"]), expert(), steering()):
        assert not can(person, "invite")
        with pytest.raises(PermissionDenied):
            invitation_create(actor=person, email="x@example.org", role=Role.EXPERT)


def test_resend_and_revoke_are_for_the_sender_the_hubs_lead_and_the_management_unit(net):
    invitation = invitation_create(actor=net["officer"], email="e@example.org", role=Role.EXPERT)
    lead_invitation = invitation_create(
        actor=net["lead"], email="f@example.org", role=Role.FOCAL_POINT, city=net["city_a"]
    )
    other_hub = hub_staff(net["region_b"], is_hub_lead=True)
    with pytest.raises(PermissionDenied):
        invitation_resend(invitation=lead_invitation, actor=net["officer"])
    with pytest.raises(PermissionDenied):
        invitation_revoke(invitation=lead_invitation, actor=other_hub)
    invitation_resend(invitation=invitation, actor=net["officer"])
    invitation_revoke(invitation=lead_invitation, actor=net["mu"])
    with pytest.raises(ValidationError):
        invitation_resend(invitation=lead_invitation, actor=net["mu"])
    revoked = PeopleLog.objects.get(action=PeopleAction.INVITATION_REVOKED)
    assert (revoked.actor, revoked.region) == (net["mu"], net["region_a"])


def test_accepting_checks_the_username_password_and_time_zone(net):
    User.objects.create_user(username="taken", email="t@example.org")
    invitation = invitation_create(actor=net["mu"], email="n@example.org", role=Role.STEERING)
    with pytest.raises(ValidationError) as invalid:
        _accept(invitation, username="TAKEN", password="123", time_zone="Mars/Olympus")
    errors = invalid.value.message_dict
    assert set(errors) == {"username", "password", "time_zone"}
    assert not User.objects.filter(email="n@example.org").exists()
    assert Invitation.objects.get(pk=invitation.pk).status == "pending"


def test_an_existing_account_gains_the_scope_only_after_its_owner_confirms(net):
    person = focal_point(net["city_a"], email="Known@example.org")
    invitation = invitation_create(
        actor=net["mu"], email="known@example.org", role=Role.FOCAL_POINT, city=net["city_b"]
    )
    assert invitation.existing_user == person
    person = User.objects.get(pk=person.pk)
    assert set(person.cities.all()) == {net["city_a"]}
    # Not a second account, and nobody else may confirm it.
    with pytest.raises(ValidationError):
        _accept(invitation)
    with pytest.raises(PermissionDenied):
        invitation_confirm(token=invitation_token(invitation), user=net["officer"])
    invitation_confirm(token=invitation_token(invitation), user=person)
    assert set(User.objects.get(pk=person.pk).cities.all()) == {net["city_a"], net["city_b"]}
    assert User.objects.filter(email__iexact="known@example.org").count() == 1
    log = PeopleLog.objects.get(action=PeopleAction.SCOPE_ADDED)
    assert log.detail["before"]["cities"] == [net["city_a"].pk]
    with pytest.raises(InvitationRefused):
        invitation_confirm(token=invitation_token(invitation), user=person)


def test_confirming_hub_staff_refuses_staff_of_another_hub_and_an_expert_starts_pending(net):
    staff_b = hub_staff(net["region_b"], email="staffb@example.org")
    with pytest.raises(ValidationError):
        invitation_create(actor=net["mu"], email="staffb@example.org", role=Role.HUB_STAFF, region=net["region_a"])
    # Moved to another hub after the invitation was sent: refused at confirmation too.
    invitation = invitation_create(actor=net["mu"], email="staffb@example.org", role=Role.EXPERT)
    invitation_confirm(token=invitation_token(invitation), user=staff_b)
    staff_b = User.objects.get(pk=staff_b.pk)
    assert staff_b.roles == {Role.HUB_STAFF, Role.EXPERT}
    assert ExpertProfile.objects.get(user=staff_b).vetting_status == ExpertProfile.Vetting.PENDING
    person = expert(email="ex@example.org")
    lead_invite = invitation_create(
        actor=net["mu"], email="ex@example.org", role=Role.HUB_STAFF, region=net["region_a"]
    )
    User.objects.filter(pk=person.pk).update(region=net["region_b"])
    User.objects.get(pk=person.pk).groups.add(Group.objects.get(name=Role.HUB_STAFF))
    with pytest.raises(ValidationError):
        invitation_confirm(token=invitation_token(lead_invite), user=User.objects.get(pk=person.pk))


def test_username_suggestion_is_free():
    User.objects.create_user(username="amina.k", email="z@example.org")
    assert username_suggest("Amina.K@example.org") == "amina.k2"
    assert username_suggest("new@example.org") == "new"
