"""The table and the machine agree: every state, every move, every rule and check has its implementation."""

from __future__ import annotations

import pytest
from django_fsm import RETURN_VALUE

from helpdesk.models import TERMINAL_STATES, RequestState, SupportRequest
from workflows.lifecycle import (
    STATE_SPECS,
    STATES,
    TRANSITION_SPECS,
    TRANSITIONS,
    TRIAGE,
    Deadline,
    Kind,
    Rule,
)
from workflows.machine import RequestLifecycle, machine_transitions
from workflows.moves import HANDLERS
from workflows.rules import ACTOR_CHECKS, GUARDS, RULES
from workflows.validation import CLEANERS


def test_the_table_has_exactly_the_models_states():
    assert [state.name for state in STATES] == list(RequestState.values)
    assert {s.name for s in STATES if s.is_terminal} == set(TERMINAL_STATES)
    assert all(STATE_SPECS[s].deadline is Deadline.NONE for s in TERMINAL_STATES | {RequestState.DRAFT})


def test_every_move_starts_and_ends_in_a_state_of_the_table():
    for spec in TRANSITIONS:
        assert set(spec.sources) <= set(STATE_SPECS), spec.name
        assert set(spec.targets) <= set(STATE_SPECS), spec.name
        assert not set(spec.sources) & TERMINAL_STATES, f"{spec.name} leaves a terminal state"
    assert set(TRIAGE) <= set(TRANSITION_SPECS)


def test_every_rule_check_guard_and_field_kind_is_implemented():
    assert set(RULES) == set(Rule)
    for spec in TRANSITIONS:
        assert all(guard in GUARDS for guard in spec.guards), spec.name
        assert all(check in ACTOR_CHECKS for check in spec.actor_checks), spec.name
        assert all(field.kind in CLEANERS for field in spec.fields), spec.name
        assert all(field.kind is not Kind.TEXT or field.label for field in spec.fields), spec.name
    assert set(HANDLERS) <= set(TRANSITION_SPECS)


def test_django_fsm_collected_the_proxys_transitions_from_the_table():
    assert RequestLifecycle._meta.proxy and RequestLifecycle._meta.concrete_model is SupportRequest
    collected = RequestLifecycle._meta.get_field("state").transitions[RequestLifecycle]
    assert set(collected) == set(TRANSITION_SPECS)
    edges = {(t.name, t.source) for t in machine_transitions()}
    assert edges == {(spec.name, source) for spec in TRANSITIONS for source in spec.sources}
    for transition in machine_transitions():
        spec = TRANSITION_SPECS[transition.name]
        if spec.may_stay:
            assert isinstance(transition.target, RETURN_VALUE)
            assert set(transition.target.allowed_states) == set(spec.targets)
        else:
            assert transition.target == spec.target
        assert transition.custom["spec"] is spec


def test_the_concrete_model_carries_no_transition():
    assert not SupportRequest._meta.get_field("state").transitions.get(SupportRequest)


def test_the_state_cannot_be_set_by_hand(net):
    request = net.request()

    with pytest.raises(AttributeError):
        request.state = RequestState.CLOSED

    assert SupportRequest.objects.get(pk=request.pk).state == RequestState.DRAFT
