from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, F, Sum

from helpdesk.models import City, Message, Region, RequestState, Role, SupportRequest, User
from workflows.models import FundEnvelope, OutcomeTally, OutcomeTarget, RequestTally
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
