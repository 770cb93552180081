"""Random moves by random people, thousands of steps: the lifecycle's invariants hold after every one.

A hypothesis ``RuleBasedStateMachine`` files requests, fires any transition of the table (mostly ones the
request's state allows, by the person the table names, sometimes anything by anyone, with valid, missing
or odd data), lets days pass and runs the auto-close task. After each step:

- every request's state is one of the table's, and a terminal request never moves again;
- the audit trail has exactly one row per successful move (so every refusal wrote nothing);
- no envelope's balance is below zero;
- no expert has more active assignments than their capacity;

and at the end of each example every hash chain verifies.

Each example runs in a savepoint rolled back at its end, under a frozen clock that only the machine moves.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from helpdesk.models import TERMINAL_STATES, SupportRequest
from helpdesk.signals import message_posted
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
from tests.workflows.conftest import VALID, with_indicators
from workflows.audit import audit_verify
from workflows.calendar import fiscal_year_of
from workflows.errors import WorkflowError
from workflows.lifecycle import STATE_NAMES, TRANSITION_SPECS, TRANSITIONS, Rule
from workflows.models import ExpertAssignment, FundEnvelope, TransitionLog
from workflows.selectors import transitions_from
from workflows.services import auto_close_overdue, transition_perform
from workflows.signals import lifecycle_event
from workflows.tally import tally_differences, tally_rebuild

pytestmark = pytest.mark.django_db

START = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
NAMES = [spec.name for spec in TRANSITIONS]
AMOUNTS = [Decimal("4000"), Decimal("12000"), Decimal("30000")]
MAX_REQUESTS = 8
ACTIONS = ["move"] * 16 + ["file", "file", "days", "days"]
ENDINGS = {"withdraw", "decline", "reject_funding", "decline_assignment"}


class LifecycleMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[int] = []
        self.successes = 0
        self.terminal: dict[int, str] = {}

    @initialize()
    def begin(self) -> None:
        # Everything an example writes is rolled back in teardown; the clock starts on a Monday.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._clock = time_machine.travel(START, tick=False)
        self._coordinates = self._clock.start()
        self.people = dict(NETWORK["people"])
        self.city = NETWORK["city"]
        self.experts = [self.people[k] for k in EXPERTS]
        CAPACITY.update({user.pk: user.expert_profile.max_concurrent_assignments for user in self.experts})
        # The network's rows were made by factories: the tally starts from them, and every move keeps it after.
        tally_rebuild()
        self.file_request()

    # --- rules -------------------------------------------------------------------------------------
    def file_request(self) -> None:
        fund = len(self.requests) % 2 == 0
        request = SupportRequestFactory(
            city=self.city,
            submitted_by=self.people["focal"],
            kind="fund" if fund else "expert",
            funding_requested=Decimal("12000") if fund else None,
        )
        self.requests.append(request.pk)

    @rule(data=st.data())
    def step(self, data: st.DataObject) -> None:
        """Mostly a move; now and then a new request, or days passing followed by the scheduled close."""
        action = data.draw(st.sampled_from(ACTIONS), label="action")
        if action == "file" and len(self.requests) < MAX_REQUESTS:
            self.file_request()
        elif action == "days":
            self._coordinates.shift(timedelta(days=data.draw(st.integers(1, 40), label="days")))
            self.successes += auto_close_overdue()
        else:
            self.move(data)

    def move(self, data: st.DataObject) -> None:
        live = [pk for pk in self.requests if pk not in self.terminal] or self.requests
        pk = data.draw(st.sampled_from(live), label="request")
        request = SupportRequest.objects.get(pk=pk)
        offered = [spec.name for spec in transitions_from(request.state)] or NAMES
        forward = [name for name in offered if name not in ENDINGS] or offered
        # Mostly a move that takes the request further, sometimes one that ends it, sometimes anything.
        choice = st.sampled_from(forward) | st.sampled_from(forward) | st.sampled_from(offered) | st.sampled_from(NAMES)
        name = data.draw(choice, label="transition")
        right = self._right_people(request, TRANSITION_SPECS[name].rule)
        anyone = st.sampled_from(sorted(self.people))
        who = data.draw(st.sampled_from(right) | st.sampled_from(right) | anyone, label="actor")
        variant = data.draw(st.sampled_from(["valid"] * 6 + ["missing", "odd"]), label="data")
        payload = self._data(name, variant, data)
        STEPS["tried"] = STEPS.get("tried", 0) + 1
        try:
            transition_perform(request=request, transition=name, actor=self.people[who], data=payload)
        except WorkflowError:
            return
        self.successes += 1
        STEPS[name] = STEPS.get(name, 0) + 1

    # --- invariants --------------------------------------------------------------------------------
    @invariant()
    def states_are_the_tables_and_terminal_states_stay(self) -> None:
        states = dict(SupportRequest.objects.filter(pk__in=self.requests).values_list("pk", "state"))
        assert set(states.values()) <= STATE_NAMES
        for pk, state in self.terminal.items():
            assert states[pk] == state, f"request {pk} left terminal state {state} for {states[pk]}"
        self.terminal.update({pk: state for pk, state in states.items() if state in TERMINAL_STATES})

    @invariant()
    def one_log_row_per_successful_move(self) -> None:
        assert TransitionLog.objects.filter(request_id__in=self.requests).count() == self.successes

    @invariant()
    def envelopes_never_go_below_zero(self) -> None:
        assert not FundEnvelope.objects.filter(Q(committed__gt=F("amount")) | Q(committed__lt=0)).exists()

    @invariant()
    def experts_stay_within_capacity(self) -> None:
        active = (
            ExpertAssignment.objects.filter(expert_id__in=list(CAPACITY), status__in=ExpertAssignment.ACTIVE)
            .values("expert_id")
            .annotate(n=Count("pk"))
            .values_list("expert_id", "n")
        )
        for expert_id, count in active:
            assert count <= CAPACITY[expert_id], f"expert {expert_id} has {count} active assignments"

    def teardown(self) -> None:
        if not hasattr(self, "_atomic"):
            return
        try:
            # The chains are walked once per example (one query), before its rows are rolled back.
            report = audit_verify(request_ids=self.requests)
            assert report.intact, report.broken
            # The figures' tally, kept by each move in its transaction, equals a recount after the walk.
            differences = tally_differences()
            assert not differences, [str(d) for d in differences]
        finally:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
            self._clock.stop()

    # --- helpers -----------------------------------------------------------------------------------
    def _right_people(self, request: SupportRequest, rule_name: Rule) -> list[str]:
        if rule_name is Rule.FOCAL_POINT:
            return ["focal"]
        if rule_name is Rule.HUB_STAFF:
            return ["hub", "officer"]
        if rule_name is Rule.MANAGEMENT:
            return ["mu", "mu2"]
        if rule_name is Rule.SYSTEM:
            return ["system"]
        on_request = {
            user_id
            for user_id, status in ExpertAssignment.objects.filter(request=request).values_list("expert_id", "status")
            if status in ExpertAssignment.ACTIVE
        }
        keys = [k for k in ("expert_a", "expert_b", "expert_c") if self.people[k].pk in on_request]
        return keys + (["hub"] if rule_name is Rule.DELIVERY_TEAM else []) or ["expert_a"]

    def _data(self, name: str, variant: str, data: st.DataObject) -> dict[str, Any]:
        payload = with_indicators(name, dict(VALID.get(name, {})), NETWORK["indicator"])
        if name in {"route_to_experts", "propose_expert"}:
            chosen = data.draw(st.lists(st.sampled_from(self.experts), min_size=1, max_size=3, unique=True))
            payload["experts"] = [user.pk for user in chosen]
        if name == "route_to_funding":
            amount = data.draw(st.sampled_from(AMOUNTS))
            payload.update(amount=amount, budget_lines=[{"item": "All", "amount": str(amount)}])
        if name == "approve_funding":
            approved = data.draw(st.sampled_from([None, *AMOUNTS]))
            payload = {"amount_approved": approved} if approved else {}
        if variant == "missing" and payload:
            payload.pop(data.draw(st.sampled_from(sorted(payload))))
        elif variant == "odd" and payload:
            payload[data.draw(st.sampled_from(sorted(payload)))] = "???"
        return payload


LifecycleMachine.TestCase.settings = settings(
    max_examples=45,
    stateful_step_count=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


EXPERTS = ("expert_a", "expert_b", "expert_c")
NETWORK: dict[str, Any] = {}
CAPACITY: dict[int, int] = {}
STEPS: dict[str, int] = {}


def _build_network() -> None:
    """One network for every example (each example's own rows are rolled back)."""
    region, other_region = RegionFactory(), RegionFactory()
    city, other_city = CityFactory(region=region), CityFactory(region=region)
    NETWORK["city"] = city
    NETWORK["indicator"] = IndicatorFactory()
    NETWORK["people"] = {
        "focal": focal_point(city),
        "other_focal": focal_point(other_city),
        "hub": hub_staff(region),
        "officer": hub_staff(region),
        "other_hub": hub_staff(other_region),
        "expert_a": expert(capacity=1),
        "expert_b": expert(capacity=2),
        "expert_c": expert(capacity=1),
        "mu": management(),
        "mu2": management(),
        "steering": steering(),
        "system": None,
    }
    FundEnvelopeFactory(region=region, fiscal_year=fiscal_year_of(START), amount=Decimal("40000"))
    FundEnvelopeFactory(region=region, fiscal_year=fiscal_year_of(START) + 1, amount=Decimal("20000"))


@override_settings(FUND_FOUR_EYES_THRESHOLD=10000, WORKFLOW_AUTO_CLOSE_DAYS=30)
def test_random_moves_by_random_people_keep_the_invariants():
    _build_network()
    STEPS.clear()

    # Without the listeners (tests/notifications covers them): they would triple the cost of each move.
    with mock.patch.object(lifecycle_event, "receivers", []), mock.patch.object(message_posted, "receivers", []):
        run_state_machine_as_test(LifecycleMachine, settings=LifecycleMachine.TestCase.settings)

    # Thousands of moves were tried, and the lifecycle went all the way, fund and experts included.
    assert STEPS["tried"] >= 2000, STEPS
    assert {"approve_funding", "accept_assignment", "report_delivery", "evaluate"} <= set(STEPS), STEPS
