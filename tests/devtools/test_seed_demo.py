from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, F, Sum

from devtools.demo.network import CITIES, EXPERTS
from helpdesk.models import City, Indicator, IndicatorUnit, Message, Region, RequestState, Role, SupportRequest, User
from workflows.models import FundEnvelope, FundingSource, OutcomeTally, OutcomeTarget, OutcomeValue, RequestTally
from workflows.tally import tally_differences

pytestmark = pytest.mark.django_db

NAMED_CITIES = [
    "Mombasa",
    "Kolofata",
    "Kousseri",
    "Mokolo",
    "Saïda",
    "Kumanovo",
    "Cape Town",
    "Addu City",
    "Highland Park",
    "Chattanooga",
    "Aurora",
    "Berlin",
    "Denver",
    "Halle",
    "London",
    "New York City",
    "Oslo",
    "The Hague",
    "Victoria",
]


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label not in {"sessions"}}


def test_seed_demo_builds_the_network_and_a_second_run_changes_nothing():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = _row_counts()
    call_command("seed_demo", stdout=StringIO())
    assert _row_counts() == first

    assert set(Region.objects.values_list("code", flat=True)) >= {
        "esa",
        "mena",
        "south-asia",
        "western-balkans",
        "north-america",
    }
    assert City.objects.count() >= 40
    # Every hub named in the network's three languages; every country an ISO code the library names.
    assert not Region.objects.filter(name_fr="").exists() and not Region.objects.filter(name_ar="").exists()
    assert all(city.country.name for city in City.objects.all())
    assert set(NAMED_CITIES) <= set(City.objects.values_list("name", flat=True))
    for region in Region.objects.filter(is_active=True):
        assert User.objects.filter(groups__name=Role.HUB_STAFF, region=region).exists(), region
    assert User.objects.filter(groups__name=Role.EXPERT).count() >= 20
    assert User.objects.filter(groups__name=Role.MANAGEMENT).exists()
    assert User.objects.filter(groups__name=Role.STEERING).exists()
    assert set(SupportRequest.objects.values_list("state", flat=True)) == set(RequestState.values)
    assert Message.objects.exists()
    text = out.getvalue()
    assert "focal.mombasa" in text and "hub.esa" in text and "mu.director" in text and "steering.viewer" in text


def test_the_demo_names_its_key_indicators_and_donors_in_three_languages():
    call_command("seed_demo", stdout=StringIO())

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


def test_every_focal_point_and_hub_member_has_scope():
    call_command("seed_demo", stdout=StringIO())
    assert len(CITIES) >= 40 and len(EXPERTS) >= 20
    for user in User.objects.filter(groups__name=Role.FOCAL_POINT):
        assert user.cities.exists()
    assert not User.objects.filter(groups__name=Role.HUB_STAFF, region__isnull=True).exists()


def test_seed_demo_scale_adds_requests_with_one_to_ten_messages():
    call_command("seed_demo", stdout=StringIO())
    before = SupportRequest.objects.count()
    messages_before = Message.objects.count()
    out = StringIO()
    call_command("seed_demo", "--scale", "300", "--cities", "60", "--experts", "30", stdout=out)
    assert SupportRequest.objects.count() == before + 300
    assert City.objects.count() == 60
    assert User.objects.filter(groups__name=Role.EXPERT).count() == 30
    added = Message.objects.count() - messages_before
    assert 300 <= added <= 3000
    last_demo_pk = SupportRequest.objects.order_by("pk").values_list("pk", flat=True)[before - 1]
    counts = (
        SupportRequest.objects.filter(pk__gt=last_demo_pk).annotate(n=Count("messages")).values_list("n", flat=True)
    )
    assert len(counts) == 300
    assert min(counts) >= 1 and max(counts) <= 10
    # Every bulk row is consistent: region copied from its city.
    assert not SupportRequest.objects.exclude(region_id=F("city__region_id")).exists()
    assert "Added 300 requests" in out.getvalue()
    # The bulk requests have outcomes too: planned when routed, and every envelope they drew on has a donor.
    assert OutcomeTarget.objects.filter(request__pk__gt=last_demo_pk).exists()
    assert not FundEnvelope.objects.filter(source__isnull=True).exists()
    assert "planned outcomes" in out.getvalue() and "follow-ups" in out.getvalue()
    # The bulk load bypassed the moves; the seeder rebuilt the figures' tally from it.
    assert tally_differences() == []
    assert RequestTally.objects.filter(measure="filed", dimension="state").aggregate(n=Sum("n"))["n"] == (
        SupportRequest.objects.exclude(state="draft").count()
    )
    # The outcome tally too (its cells are in the check above): every planned outcome of a filed request counted
    # in the cells of every request (fund 0).
    assert OutcomeTally.objects.filter(measure="planned", fund=0).aggregate(n=Sum("n"))["n"] == (
        OutcomeTarget.objects.exclude(request__state="draft").count()
    )


def test_the_demo_lives_its_follow_ups_through_the_lifecycle_on_their_days():
    import time_machine

    from workflows.models import FollowUp, TransitionLog

    # A day late in the fiscal year, so that support delivered in the summer has had its three months.
    with time_machine.travel("2026-12-05 10:00:00+00:00"):
        call_command("seed_demo", stdout=StringIO())
        # The outcome follow-ups (a fast-track request's check-ins: tests/devtools/demo/test_fund.py).
        follow_ups = list(FollowUp.objects.filter(kind=FollowUp.Kind.OUTCOME).select_related("request"))
        assert follow_ups
        for follow_up in follow_ups:
            request = follow_up.request
            assert request.outcome_targets.exists()  # only planned support is followed up
            asked = TransitionLog.objects.get(
                request=request, transition="follow_up_open", created_at=follow_up.opened_at
            )
            assert asked.created_at.date() == follow_up.due_on
            if follow_up.status == FollowUp.Status.ANSWERED:
                assert follow_up.values.count() == request.outcome_targets.count()
                assert TransitionLog.objects.filter(request=request, transition="answer_follow_up").exists()
        before = FollowUp.objects.count(), TransitionLog.objects.count()
        call_command("seed_demo", stdout=StringIO())
        assert (FollowUp.objects.count(), TransitionLog.objects.count()) == before


def test_the_demo_has_invitations_a_pending_expert_and_a_city_without_a_focal_point():
    from helpdesk.models import ExpertProfile, Invitation, InvitationStatus, PeopleAction, PeopleLog

    call_command("seed_demo", stdout=StringIO())
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
