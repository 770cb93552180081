"""The demo network as ``seed_demo`` leaves it (``devtools.demo.network`` and what it builds on): its key
indicators and donors named in three languages, everyone's scope, and the people still joining."""

from collections import Counter

import pytest

from devtools.demo.network import CITIES, EXPERTS
from helpdesk.models import (
    City,
    ExpertProfile,
    Indicator,
    IndicatorUnit,
    Invitation,
    InvitationStatus,
    PeopleAction,
    PeopleLog,
    RequestState,
    Role,
    SupportRequest,
    User,
)
from workflows.models import FundEnvelope, FundingSource, OutcomeValue

pytestmark = pytest.mark.django_db


def test_the_demo_names_its_key_indicators_and_donors_in_three_languages(demo):
    indicators = list(Indicator.objects.all())
    per_priority = Counter(indicator.priority for indicator in indicators)
    assert set(per_priority) == {1, 2, 3, 4, 5} and set(per_priority.values()) <= {3, 4}
    assert {indicator.unit for indicator in indicators} == set(IndicatorUnit.values)
    assert any(not indicator.higher_is_better for indicator in indicators)
    for indicator in indicators:
        texts = [indicator.name_fr, indicator.name_ar, indicator.definition_fr, indicator.definition_ar]
        assert all(texts) and len({indicator.name, indicator.name_fr, indicator.name_ar}) == 3, indicator.code
        assert any("\u0600" <= ch <= "\u06ff" for ch in indicator.name_ar), indicator.code
    sources = list(FundingSource.objects.all())
    assert 3 <= len(sources) <= 4 and all(source.name_fr and source.name_ar for source in sources)
    # Every envelope says who finances it, and every donor finances one.
    assert not FundEnvelope.objects.filter(source__isnull=True).exists()
    assert set(FundEnvelope.objects.values_list("source", flat=True)) == {source.pk for source in sources}
    # Every delivered request that planned indicators reports the values it reached.
    delivered = SupportRequest.objects.filter(
        state__in=[RequestState.DELIVERED, RequestState.CLOSED], outcome_targets__isnull=False
    ).distinct()
    assert delivered.exists()
    for request in delivered:
        assert OutcomeValue.objects.filter(target__request=request, stage="delivered").exists(), request.title


def test_every_focal_point_and_hub_member_has_scope(demo):
    assert len(CITIES) >= 40 and len(EXPERTS) >= 20
    for user in User.objects.filter(groups__name=Role.FOCAL_POINT):
        assert user.cities.exists()
    assert not User.objects.filter(groups__name=Role.HUB_STAFF, region__isnull=True).exists()


def test_the_demo_has_invitations_a_pending_expert_and_a_city_without_a_focal_point(demo):
    statuses = Counter(invitation.status for invitation in Invitation.objects.all())
    assert statuses[InvitationStatus.PENDING] >= 3 and statuses[InvitationStatus.EXPIRED] == 1
    assert Invitation.objects.filter(language="fr").exists()
    leads = set(User.objects.filter(is_hub_lead=True).values_list("pk", flat=True))
    focal = Invitation.objects.filter(role=Role.FOCAL_POINT)
    assert focal.exists() and set(focal.values_list("invited_by", flat=True)) <= leads
    nominated = Invitation.objects.get(role=Role.EXPERT, accepted_at__isnull=True)
    assert nominated.invited_by.has_role(Role.HUB_STAFF) and not nominated.invited_by.is_hub_lead
    assert all(len(nonce) >= 40 for nonce in Invitation.objects.values_list("nonce", flat=True))
    # Every invitation has its line in the people log, by whoever sent it.
    for invitation in Invitation.objects.all():
        assert PeopleLog.objects.filter(
            invitation=invitation, action=PeopleAction.INVITED, actor=invitation.invited_by
        ).exists()
    pending = ExpertProfile.objects.get(user__username="expert.pending")
    assert pending.vetting_status == ExpertProfile.Vetting.PENDING and pending.nominated_by is not None
    members = City.objects.filter(is_member=True)
    assert members.filter(focal_points__isnull=True).exists()
    assert members.filter(principles_accepted_on__isnull=True).count() == 1
    assert members.filter(member_since__isnull=False, principles_accepted_on__isnull=False).count() >= 30
