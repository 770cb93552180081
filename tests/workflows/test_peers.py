"""Peer exchange: suggested cities, the hub's proposal (a lifecycle move), both cities' answers, anonymity,
and the exchange then tracked like any other support."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import City, RequestState, Resource
from notifications.models import Notification
from notifications.rendering import render_email
from tests.factories import CityFactory, RegionFactory, SupportRequestFactory, focal_point, resource
from tests.workflows.conftest import Net
from workflows.audit import audit_verify
from workflows.errors import TransitionRefused
from workflows.models import Evaluation, PeerIntroduction, TransitionLog
from workflows.peers import (
    city_introductions,
    introduction_answer,
    introduction_view,
    peer_suggestions,
    peer_themes_offered,
)
from workflows.selectors import available_transitions
from workflows.services import transition_perform

S = RequestState
Status = PeerIntroduction.Status
THEME = "multi_agency"


def _open(city: City, *themes: str, languages: list[str] | None = None) -> City:
    City.objects.filter(pk=city.pk).update(peer_contact_themes=list(themes or [THEME]), languages=languages or ["en"])
    city.refresh_from_db()
    return city


def _good_outcome(city: City, *, rating: int = 5, theme: str = THEME) -> None:
    done = SupportRequestFactory(city=city, state=S.CLOSED, theme=theme)
    Evaluation.objects.create(request=done, rating=rating, outcomes="A plan adopted.", would_recommend=True)


def _peer_request(net: Net, **fields) -> object:
    return net.at("submitted", kind="peer_exchange", **fields)


def _propose(net: Net, request, peer: City, note: str = "Both cities run youth councils."):
    return transition_perform(
        request=request, transition="introduce_peer", actor=net.hub, data={"peer_city": peer.pk, "note": note}
    )


@pytest.fixture
def peer(net: Net) -> City:
    """The far city (another hub), open to peer exchange on the theme, with its own focal point."""
    _open(net.far_city)
    net.people["peer_focal"] = focal_point(net.far_city)
    return net.far_city


# --- The city's offer -------------------------------------------------------------------------------------------
def test_the_themes_offered_first_are_those_of_good_evaluations_and_published_resources(net):
    _good_outcome(net.city, rating=5, theme="young_cities")
    _good_outcome(net.city, rating=3, theme="national_local")
    resource(city=net.city, themes=["incident_response"])
    resource(city=net.city, themes=["global_crises"], state="draft")

    assert peer_themes_offered(net.city) == ["incident_response", "young_cities"]


# --- Suggestions ------------------------------------------------------------------------------------------------
def test_suggestions_rank_a_good_outcome_then_a_shared_language_then_the_same_hub(net):
    request = _peer_request(net, language="fr")
    far = RegionFactory()
    plain_same_hub = _open(CityFactory(region=net.region, name="Same hub"), languages=["ar"])
    french_far = _open(CityFactory(region=far, name="French far"), languages=["fr"])
    proven_far = _open(CityFactory(region=far, name="Proven far"), languages=["ar"])
    _good_outcome(proven_far)
    _good_outcome(proven_far, rating=3)
    plain_far = _open(CityFactory(region=far, name="Plain far"), languages=["ar"])
    _open(CityFactory(region=far, name="Other theme"), "young_cities")
    _open(CityFactory(region=far, name="Not a member", is_member=False))
    _open(net.city)  # the asking city itself

    suggestions = peer_suggestions(request)

    assert [s.city.name for s in suggestions] == ["Proven far", "French far", "Same hub", "Plain far"]
    proven, french, same = suggestions[0], suggestions[1], suggestions[2]
    assert proven.good_outcomes == 1
    assert french.shared_languages == ("French",)
    assert same.same_hub and not proven.same_hub
    assert plain_same_hub.pk == same.city.pk and french_far.pk == french.city.pk and plain_far.pk


def test_suggestions_cost_four_queries_whatever_the_number_of_cities(net):
    request = _peer_request(net)
    for _ in range(3):
        _good_outcome(_open(CityFactory(region=net.region)))

    with CaptureQueriesContext(connection) as few:
        assert len(peer_suggestions(request)) == 3
    for _ in range(20):
        _good_outcome(_open(CityFactory(region=net.other_region)))
    with CaptureQueriesContext(connection) as many:
        assert len(peer_suggestions(request, limit=30)) == 23

    assert len(few) == len(many) == 4


def test_only_a_peer_exchange_has_suggestions(net, peer):
    assert peer_suggestions(net.at("submitted", kind="expert")) == []


# --- The hub's proposal -----------------------------------------------------------------------------------------
def test_proposing_a_peer_moves_the_request_to_matching_and_records_the_introduction(net, peer):
    request = _peer_request(net)

    moved = _propose(net, request, peer)

    assert moved.state == S.EXPERT_MATCHING
    intro = PeerIntroduction.objects.get(request=request)
    assert (intro.peer_city, intro.status, intro.proposed_by) == (peer, Status.PROPOSED, net.hub)
    row = TransitionLog.objects.filter(request=request).latest("seq")
    assert (row.transition, row.data["introduction"], row.data["peer_city"]) == ("introduce_peer", intro.pk, peer.pk)
    # The note is the introduction's, never the audit trail's.
    assert "youth councils" not in str(row.data) and row.comment == ""


def test_a_second_peer_may_be_proposed_while_matching_without_changing_the_state(net, peer):
    request = _propose(net, _peer_request(net), peer)
    second = _open(CityFactory(region=net.region))

    moved = _propose(net, request, second)

    assert moved.state == S.EXPERT_MATCHING
    assert PeerIntroduction.objects.filter(request=request).count() == 2


@pytest.mark.parametrize("who", ["focal", "mu", "other_hub", "expert"])
def test_only_the_requests_hub_proposes_a_peer(net, peer, who):
    request = _peer_request(net)

    with pytest.raises(TransitionRefused) as refused:
        transition_perform(
            request=request, transition="introduce_peer", actor=net.people[who], data={"peer_city": peer.pk}
        )

    assert refused.value.code == "not_allowed"
    assert not PeerIntroduction.objects.exists()


def test_a_request_for_another_kind_of_support_is_not_introduced(net, peer):
    request = net.at("submitted", kind="expert")

    assert "introduce_peer" not in {s.name for s in available_transitions(request, net.hub)}
    with pytest.raises(TransitionRefused) as refused:
        _propose(net, request, peer)
    assert refused.value.code == "not_peer_exchange"


@pytest.mark.parametrize("which", ["not_open", "other_theme", "itself", "twice"])
def test_the_peer_must_be_open_on_the_theme_and_not_proposed_before(net, peer, which):
    request = _peer_request(net)
    target = {
        "not_open": net.other_city,
        "other_theme": _open(CityFactory(), "young_cities"),
        "itself": _open(net.city),
        "twice": peer,
    }[which]
    if which == "twice":
        request = _propose(net, request, peer)
    before = PeerIntroduction.objects.count()

    with pytest.raises(TransitionRefused) as refused:
        _propose(net, request, target)

    assert refused.value.code == ("already_proposed" if which == "twice" else "peer_unavailable")
    assert PeerIntroduction.objects.count() == before


def test_the_proposal_tells_both_cities_and_the_peer_city_without_the_request(net, peer):
    request = _propose(net, _peer_request(net), peer)
    intro = PeerIntroduction.objects.get(request=request)

    asking = Notification.objects.in_app().filter(recipient=net.focal).get()
    told_peer = Notification.objects.in_app().filter(recipient=net.peer_focal).get()

    assert (asking.event, asking.request) == ("introduce_peer", request)
    assert (told_peer.event, told_peer.request, told_peer.data) == (
        "introduction_proposed",
        None,
        {"introduction": intro.pk},
    )


# --- The answers ------------------------------------------------------------------------------------------------
def _introduced(net: Net, peer: City, **fields) -> PeerIntroduction:
    request = _propose(net, _peer_request(net, **fields), peer)
    return PeerIntroduction.objects.select_related("request").get(request=request)


def test_one_acceptance_is_not_enough_both_make_the_introduction(net, peer):
    intro = _introduced(net, peer)

    first = introduction_answer(introduction=intro, actor=net.peer_focal, accept=True)
    assert (first.status, first.peer_answer, first.asking_answer, first.made_at) == (
        Status.PROPOSED,
        "accepted",
        "",
        None,
    )

    made = introduction_answer(introduction=first, actor=net.focal, accept=True)

    assert made.status == Status.MADE and made.made_at is not None
    assert (made.asking_by, made.peer_by) == (net.focal, net.peer_focal)
    lines = list(
        TransitionLog.objects.filter(request=intro.request).order_by("seq").values_list("transition", flat=True)
    )
    assert lines[-2:] == ["introduction_accepted", "introduction_made"]
    assert audit_verify(request_ids=[intro.request_id]).intact
    told = set(Notification.objects.in_app().filter(event="introduction_made").values_list("recipient", "request"))
    # The city that answered last is not told of its own answer; the other city and the hub (nobody owns the
    # request: all its staff) are, the peer city without the request.
    hub = {(net.hub.pk, intro.request_id), (net.officer.pk, intro.request_id)}
    assert told == {(net.peer_focal.pk, None), *hub}


def test_a_decline_ends_the_introduction_and_the_hub_is_told(net, peer):
    intro = _introduced(net, peer)
    introduction_answer(introduction=intro, actor=net.focal, accept=True)
    intro.refresh_from_db()

    declined = introduction_answer(introduction=intro, actor=net.peer_focal, accept=False)

    assert declined.status == Status.DECLINED and declined.made_at is None
    told = set(Notification.objects.in_app().filter(event="introduction_declined").values_list("recipient", flat=True))
    assert told == {net.hub.pk, net.officer.pk}
    with pytest.raises(PermissionDenied):
        introduction_answer(introduction=declined, actor=net.focal, accept=True)


@pytest.mark.parametrize("who", ["other_focal", "hub", "mu", "expert"])
def test_only_the_two_cities_answer(net, peer, who):
    intro = _introduced(net, peer)

    with pytest.raises(PermissionDenied):
        introduction_answer(introduction=intro, actor=net.people[who], accept=True)

    intro.refresh_from_db()
    assert (intro.asking_answer, intro.peer_answer) == ("", "")


def test_a_city_answers_once(net, peer):
    intro = _introduced(net, peer)
    introduction_answer(introduction=intro, actor=net.peer_focal, accept=True)
    intro.refresh_from_db()

    with pytest.raises(PermissionDenied):
        introduction_answer(introduction=intro, actor=net.peer_focal, accept=False)


# --- What each side sees ----------------------------------------------------------------------------------------
def test_an_anonymous_city_stays_anonymous_until_it_accepted(net, peer, mailoutbox, django_capture_on_commit_callbacks):
    City.objects.filter(pk=net.city.pk).update(anonymous_to_experts=True, name="Hiddenville")
    with django_capture_on_commit_callbacks(execute=True):
        intro = _introduced(net, peer, title="Hiddenville youth plan")
    intro = PeerIntroduction.objects.select_related("request__region", "request__city", "peer_city").get(pk=intro.pk)

    seen = introduction_view(intro, net.peer_focal)
    assert seen.other_city == "" and seen.request_reference == ""
    assert seen.hub == net.region.localized_name
    with django_capture_on_commit_callbacks(execute=True):
        introduction_answer(introduction=intro, actor=net.peer_focal, accept=True)
    intro = PeerIntroduction.objects.select_related("request__region", "request__city", "peer_city").get(pk=intro.pk)
    assert introduction_view(intro, net.peer_focal).other_city == ""
    # The asking city learns the peer's name once the peer accepted.
    assert introduction_view(intro, net.focal).other_city == peer.name

    rows = Notification.objects.filter(recipient=net.peer_focal)
    words = " ".join(str(r.data) for r in rows) + " ".join(
        render_email(r).body + str(render_email(r).alternatives) + render_email(r).subject for r in rows
    )
    words += " ".join(
        str(m.subject) + str(m.body) + str(m.alternatives) for m in mailoutbox if net.peer_focal.email in m.to
    )
    assert "Hiddenville" not in words and intro.request.reference not in words

    introduction_answer(introduction=intro, actor=net.focal, accept=True)
    intro = PeerIntroduction.objects.select_related(
        "request__region", "request__city", "peer_city", "asking_by", "peer_by"
    ).get(pk=intro.pk)
    made = introduction_view(intro, net.peer_focal)
    assert made.other_city == "Hiddenville"
    assert [(c.name, c.email) for c in made.contacts] == [(net.focal.get_full_name(), net.focal.email)]


def test_a_focal_points_home_lists_the_introductions_awaiting_its_city_first(net, peer):
    intro = _introduced(net, peer)

    assert [(v.pk, v.can_answer, v.side) for v in city_introductions(net.peer_focal)] == [(intro.pk, True, "peer")]
    assert [(v.pk, v.can_answer, v.side) for v in city_introductions(net.focal)] == [(intro.pk, True, "asking")]
    assert city_introductions(net.other_focal) == []


# --- Tracked like other support ---------------------------------------------------------------------------------
def test_once_made_the_exchange_is_delivered_evaluated_and_closed(net, peer):
    intro = _introduced(net, peer)
    request = intro.request
    assert "start_delivery" not in {s.name for s in available_transitions(request, net.hub)}
    introduction_answer(introduction=intro, actor=net.peer_focal, accept=True)
    introduction_answer(introduction=PeerIntroduction.objects.get(pk=intro.pk), actor=net.focal, accept=True)

    request = transition_perform(request=request, transition="start_delivery", actor=net.hub, data={})
    request = transition_perform(
        request=request, transition="report_delivery", actor=net.hub, data={"report": "<p>Two visits.</p>"}
    )
    request = transition_perform(request=request, transition="evaluate", actor=net.focal, data=net.data("evaluate"))

    assert request.state == S.CLOSED
    assert Evaluation.objects.get(request=request).rating == 4


def test_published_resources_alone_do_not_make_a_city_a_suggestion(net):
    # Published resources do not make a city a suggestion by themselves: it must have opted in.
    resource(city=net.other_city, themes=[THEME])
    assert Resource.objects.count() == 1
    assert peer_suggestions(_peer_request(net)) == []


def test_a_proposal_of_a_request_that_ended_is_no_longer_answered_nor_listed(net, peer):
    intro = _introduced(net, peer)
    transition_perform(request=intro.request, transition="withdraw", actor=net.focal)
    intro.refresh_from_db()

    with pytest.raises(PermissionDenied):
        introduction_answer(introduction=intro, actor=net.peer_focal, accept=True)
    assert city_introductions(net.peer_focal) == []
