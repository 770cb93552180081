"""The moves over the API: exactly the page's buttons (``available_transitions``) for every role in every state,
every move refused on the page refused here with the same code and nothing written, a request walked from draft
to closed, the 409 of a stale move, and a bounded query count."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helpdesk.models import SupportRequest, User
from helpdesk.selectors import request_for
from tests.factories import (
    CityFactory,
    FundEnvelopeFactory,
    IndicatorFactory,
    RegionFactory,
    SupportRequestFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    steering,
)
from tests.web.api.conftest import token_client
from tests.workflows.conftest import PATHS, VALID, row_counts, with_indicators
from workflows.checks import refusal
from workflows.errors import TransitionRefused
from workflows.facts import RequestFacts
from workflows.lifecycle import TRANSITIONS
from workflows.selectors import available_transitions, current_fiscal_year, expected_move
from workflows.services import transition_perform

pytestmark = pytest.mark.django_db


class World:
    """The lifecycle tests' network (``tests/workflows/conftest.py``), one token client per person."""

    def __init__(self) -> None:
        region, other_region = RegionFactory(), RegionFactory()
        self.city = CityFactory(region=region)
        self.people: dict[str, User] = {
            "focal": focal_point(self.city),
            "other_focal": focal_point(CityFactory(region=region)),
            "hub": hub_staff(region, is_hub_lead=True),
            "officer": hub_staff(region),
            "other_hub": hub_staff(other_region),
            "expert": expert(capacity=2),
            "expert2": expert(capacity=2),
            "unassigned_expert": expert(),
            "mu": management(),
            "mu2": management(),
            "steering": steering(),
        }
        FundEnvelopeFactory(region=region, fiscal_year=current_fiscal_year(), amount=Decimal("100000"))
        self.indicator = IndicatorFactory(priority=4)
        self._clients: dict[str, Client] = {}

    def client(self, who: str) -> Client:
        if who not in self._clients:
            self._clients[who] = token_client(self.people[who])
        return self._clients[who]

    def data(self, transition: str) -> dict[str, Any]:
        data = with_indicators(transition, dict(VALID.get(transition, {})), self.indicator)
        if transition == "route_to_experts":
            data["experts"] = [self.people["expert"].pk]
        if transition == "propose_expert":  # the first expert is proposed already on the way there
            data["experts"] = [self.people["expert2"].pk]
        return data

    def at(self, path: str) -> SupportRequest:
        request = SupportRequestFactory(city=self.city, submitted_by=self.people["focal"])
        for transition, who in PATHS[path]:
            request = transition_perform(
                request=request, transition=transition, actor=self.people[who], data=self.data(transition)
            )
        return SupportRequest.objects.get(pk=request.pk)


def as_json(data: dict[str, Any]) -> dict[str, Any]:
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in data.items()}


def moves_url(request: SupportRequest) -> str:
    return reverse("api:request-moves", args=[request.reference])


def move_url(request: SupportRequest, name: str) -> str:
    return reverse("api:request-move", args=[request.reference, name])


@pytest.fixture
def world(db: None) -> World:
    return World()


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_role_sees_the_page_buttons_and_is_refused_what_the_page_refuses(world: World, path: str) -> None:
    request = world.at(path)
    for who, user in world.people.items():
        client = world.client(who)
        answer = client.get(moves_url(request))
        if request_for(user, request.reference) is None:
            assert answer.status_code == 404, who
            for spec in TRANSITIONS:
                assert client.post(move_url(request, spec.name), {}, content_type="application/json").status_code == 404
            continue
        assert answer.status_code == 200, (who, answer.content)
        buttons = available_transitions(request, user)
        assert [m["name"] for m in answer.json()["moves"]] == [s.name for s in buttons], (path, who)
        before = row_counts()
        for spec in TRANSITIONS:
            if spec in buttons:
                continue
            sent = client.post(move_url(request, spec.name), {"confirm": True}, content_type="application/json")
            if spec.system_only:
                assert sent.status_code == 404, (path, who, spec.name)
                continue
            if (spec.chooses_experts or spec.chooses_peer) and sent.status_code == 404:
                continue  # the matching (peers) page is closed to this person: so is its move
            expected = refusal(spec, RequestFacts(request), user)
            assert expected is not None
            # The page's own path says the same: ``transition_perform`` refuses with that code.
            with pytest.raises(TransitionRefused) as page, transaction.atomic():
                transition_perform(request=request, transition=spec.name, actor=user, data=world.data(spec.name))
            assert page.value.code == expected.code
            assert sent.status_code == 422, (path, who, spec.name, sent.content)
            assert sent.json()["code"] == expected.code, (path, who, spec.name)
            assert sent.json()["detail"] == str(expected)
        assert row_counts() == before, (path, who)
        assert SupportRequest.objects.get(pk=request.pk).state == request.state


@pytest.mark.parametrize("path", sorted(PATHS))
def test_every_button_is_made_over_the_api(world: World, path: str) -> None:
    """Each move the page offers, made with its data over the API (and rolled back before the next)."""
    request = world.at(path)
    for who, user in world.people.items():
        if request_for(user, request.reference) is None:
            continue
        for spec in available_transitions(request, user):
            data = as_json(world.data(spec.name))
            if spec.irreversible:
                data["confirm"] = True
            client = world.client(who)  # made outside the rolled-back block
            with transaction.atomic():
                sent = client.post(move_url(request, spec.name), data, content_type="application/json")
                assert sent.status_code == 200, (path, who, spec.name, sent.content)
                assert sent.json()["move"] == spec.name
                transaction.set_rollback(True)


def test_the_fields_are_the_page_forms(world: World) -> None:
    request = world.at("expert_matching_accepted")
    moves = {m["name"]: m for m in world.client("hub").get(moves_url(request)).json()["moves"]}
    funding = {f["name"]: f for f in moves["route_to_funding"]["fields"]}
    assert {"value": "EUR", "label": "EUR"} in funding["currency"]["choices"]
    assert funding["amount"]["type"] == "decimal"
    assert funding["budget_lines"]["type"] == "budget_lines"
    assert {c["value"] for c in funding["indicators"]["choices"]} == {world.indicator.pk}
    decline = moves["decline"]
    assert decline["irreversible"] is True and decline["consequence"]
    assert decline["fields"][-1]["name"] == "confirm" and decline["fields"][-1]["required"] is True
    expected = expected_move(request, available_transitions(request, world.people["hub"]))
    assert [m["name"] for m in moves.values() if m["expected"]] == ([expected.name] if expected else [])
    # Proposing more experts is made on the matching page: its candidates are the choices.
    assert moves["propose_expert"]["made_on"] == "matching"
    experts = {f["name"]: f for f in moves["propose_expert"]["fields"]}["experts"]
    assert world.people["expert2"].pk in {c["value"] for c in experts["choices"]}


def test_form_errors_are_400_with_the_fields_and_write_nothing(world: World) -> None:
    request = world.at("submitted")
    client = world.client("hub")
    before = row_counts()
    sent = client.post(move_url(request, "decline"), {"reason": ""}, content_type="application/json")
    assert sent.status_code == 400
    assert set(sent.json()["fields"]) >= {"reason", "confirm"}
    assert row_counts() == before


def test_unknown_move_is_404(world: World) -> None:
    request = world.at("submitted")
    assert (
        world.client("hub").post(move_url(request, "fly_away"), {}, content_type="application/json").status_code == 404
    )


def test_a_stale_move_is_409_and_writes_nothing(world: World) -> None:
    request = world.at("submitted")
    client = world.client("hub")
    seen = client.get(moves_url(request)).json()
    transition_perform(
        request=request, transition="request_info", actor=world.people["officer"], data=world.data("request_info")
    )
    before = row_counts()
    sent = client.post(
        move_url(request, "decline"),
        {**world.data("decline"), "confirm": True, "from_state": seen["state"]},
        content_type="application/json",
    )
    assert sent.status_code == 409
    assert sent.json()["code"] == "conflict"
    assert row_counts() == before


def test_a_request_walked_from_draft_to_closed(world: World) -> None:
    request = SupportRequestFactory(city=world.city, submitted_by=world.people["focal"])
    road = [
        ("focal", "submit", {}),
        ("hub", "route_to_experts", world.data("route_to_experts")),
        ("expert", "accept_assignment", world.data("accept_assignment")),
        ("hub", "start_delivery", {}),
        ("expert", "report_delivery", world.data("report_delivery")),
        ("focal", "evaluate", world.data("evaluate")),
    ]
    for who, name, data in road:
        listed = world.client(who).get(moves_url(request)).json()
        move = next(m for m in listed["moves"] if m["name"] == name)
        if move["irreversible"]:
            data = {**data, "confirm": True}
        sent = world.client(who).post(
            move_url(request, name), {**as_json(data), "from_state": listed["state"]}, content_type="application/json"
        )
        assert sent.status_code == 200, (name, sent.content)
    request.refresh_from_db()
    assert request.state == "closed"
    assert world.client("focal").get(moves_url(request)).json()["moves"] == []


def test_a_form_post_is_read_as_the_page_reads_it(world: World) -> None:
    request = world.at("submitted")
    sent = world.client("hub").post(move_url(request, "request_info"), {"question": "Which services take part?"})
    assert sent.status_code == 200, sent.content
    request.refresh_from_db()
    assert request.state == "info_requested"


def _moves_queries(world: World, request: SupportRequest) -> int:
    client = world.client("hub")
    client.get(moves_url(request))  # the token's first use writes its last-used time
    with CaptureQueriesContext(connection) as queries:
        assert client.get(moves_url(request)).status_code == 200
    return len(queries)


def test_the_moves_list_keeps_its_query_count_at_ten_times_the_data(world: World) -> None:
    request = world.at("expert_matching_accepted")
    small = _moves_queries(world, request)
    for _n in range(9):
        other = SupportRequestFactory(city=world.city, submitted_by=world.people["focal"])
        other = transition_perform(request=other, transition="submit", actor=world.people["focal"])
        transition_perform(
            request=other,
            transition="route_to_experts",
            actor=world.people["hub"],
            data={**world.data("route_to_experts"), "experts": [expert(capacity=2).pk]},
        )
        IndicatorFactory(priority=4)
    assert _moves_queries(world, request) == small


def test_the_hub_lead_waives_a_declared_conflict_over_the_api_as_on_the_page(world: World) -> None:
    from workflows.models import ExpertAssignment

    request = world.at("expert_matching")
    conflict = {"declaration": "I advised the council last year.", "has_conflict": True}
    transition_perform(request=request, transition="accept_assignment", actor=world.people["expert"], data=conflict)
    assignment = ExpertAssignment.objects.get(request=request)
    moves = {m["name"]: m for m in world.client("hub").get(moves_url(request)).json()["moves"]}
    assert "waive_conflict" not in {m["name"] for m in world.client("officer").get(moves_url(request)).json()["moves"]}

    fields = {f["name"]: f for f in moves["waive_conflict"]["fields"]}
    assert fields["assignment"]["type"] == "assignment" and fields["assignment"]["initial"] == assignment.pk
    assert fields["assignment"]["choices"] == [{"value": assignment.pk, "label": str(world.people["expert"])}]
    sent = world.client("hub").post(
        move_url(request, "waive_conflict"),
        {"assignment": assignment.pk, "reason": "The advice ended a year ago.", "confirm": True},
        content_type="application/json",
    )

    assert sent.status_code == 200, sent.content
    assert ExpertAssignment.objects.get(pk=assignment.pk).status == ExpertAssignment.Status.ACCEPTED
