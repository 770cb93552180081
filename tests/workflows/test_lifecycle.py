"""The table and the machine agree: every state, every move, every rule and check has its implementation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.loader import get_template
from django.utils import translation
from django.utils.functional import Promise
from django_fsm import RETURN_VALUE

from helpdesk.models import TERMINAL_STATES, RequestState, SupportRequest
from web.forms.moves import FORM_FIELDS
from web.templatetags.desk import MOVE_BUTTONS, TONE_BADGES
from workflows.checks import ACTOR_CHECKS, GUARDS, RULES
from workflows.lifecycle import INITIAL, STATE_SPECS, STATES, TRANSITION_SPECS, TRANSITIONS, TRIAGE
from workflows.machine import RequestLifecycle, machine_transitions
from workflows.spec import Audience, DeadlineKind, Kind, Road, Rule, StateSpec, TransitionSpec
from workflows.validation import CLEANERS

LOCALE = Path(settings.BASE_DIR) / "locale"


def _translated() -> dict[str, set[str]]:
    """For French and Arabic, the English texts their catalogue translates."""
    found = {}
    for language in ("fr", "ar"):
        po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
        found[language] = {entry.msgid for entry in po.translated_entries()}
    return found


TRANSLATED = _translated()


def _words(value: object) -> bool:
    """Text a person reads: not blank, and translated into French and Arabic."""
    if not isinstance(value, Promise | str) or not str(value).strip():
        return False
    with translation.override("en"):
        english = str(value)
    return all(english in texts for texts in TRANSLATED.values())


def _template(name: str) -> bool:
    try:
        get_template(name)
    except Exception:
        return False
    return True


def state_facts(state: StateSpec) -> dict[str, Callable[[], bool]]:
    """Every fact a state must state, each as the question whether it does."""
    waiting = not state.is_terminal
    timed = state.deadline.kind is not DeadlineKind.NONE
    return {
        "label": lambda: _words(state.state.label),
        "tone": lambda: state.tone in TONE_BADGES,
        "city phrase": lambda: _words(state.phrases.city),
        "staff phrase": lambda: _words(state.phrases.staff),
        "expert phrase": lambda: _words(state.phrases.expert),
        # Who it waits on: somebody until it ends, nobody after.
        "waits on": lambda: bool(state.waits_on) == waiting and all(isinstance(a, Audience) for a in state.waits_on),
        # A deadline for every state somebody other than the city's draft waits on, none once it ended.
        "deadline": lambda: (
            (timed == (waiting and state.state != INITIAL))
            and (not timed or (state.deadline.days > 0 and state.deadline.setting.startswith("WORKFLOW_")))
        ),
        "road": lambda: isinstance(state.road, Road),
    }


def move_facts(spec: TransitionSpec) -> dict[str, Callable[[], bool]]:
    """Every fact a move must state, each as the question whether it does."""
    events = spec.events
    return {
        "label": lambda: _words(spec.label),
        "past-tense line": lambda: all(_words(event.line) for event in events),
        "recipients": lambda: all(event.recipients for event in events) or spec.system_only,
        "e-mail template": lambda: all(_template(event.template) for event in events),
        "handler": lambda: callable(spec.handler),
        "irreversible": lambda: isinstance(spec.irreversible, bool),
        # The confirmation names what cannot be undone.
        "consequence": lambda: not spec.irreversible or spec.system_only or _words(spec.consequence),
        "tone": lambda: spec.tone in MOVE_BUTTONS,
        "rule": lambda: spec.rule in RULES,
        "guards": lambda: all(guard in GUARDS for guard in spec.guards),
        "actor checks": lambda: all(check in ACTOR_CHECKS for check in spec.actor_checks),
        "fields": lambda: all(
            _words(f.label)
            and f.kind in CLEANERS
            and f.kind in FORM_FIELDS
            and (not f.help_text or _words(f.help_text))
            for f in spec.fields
        ),
        "stay event": lambda: spec.may_stay == (spec.stay_event is not None),
        "comment channel": lambda: (
            bool(spec.comment_field) == bool(spec.comment_visibility)
            and (not spec.comment_field or spec.comment_field in {f.name for f in spec.fields})
        ),
    }


def missing(facts: dict[str, Callable[[], bool]]) -> list[str]:
    return [name for name, holds in facts.items() if not holds()]


def test_every_state_and_move_has_every_fact():
    lacking = {f"state {state.name}": missing(state_facts(state)) for state in STATES}
    lacking |= {f"move {spec.name}": missing(move_facts(spec)) for spec in TRANSITIONS}
    assert {what: facts for what, facts in lacking.items() if facts} == {}


def test_the_fact_test_notices_a_missing_fact():
    """The test above is not vacuous: a state without its expert phrase, a move without a line or a template,
    each fails it."""
    import dataclasses

    from workflows.spec import Event, Phrases

    state = STATE_SPECS["submitted"]
    blank = dataclasses.replace(state, phrases=Phrases(city=state.phrases.city, staff=state.phrases.staff, expert=""))
    assert missing(state_facts(blank)) == ["expert phrase"]
    move = TRANSITION_SPECS["withdraw"]
    silent = dataclasses.replace(move, event=Event(name="withdraw", line="", recipients=(), template="nowhere.txt"))
    assert missing(move_facts(silent)) == ["past-tense line", "recipients", "e-mail template"]


def test_the_table_has_exactly_the_models_states():
    assert [state.name for state in STATES] == list(RequestState.values)
    assert {s.name for s in STATES if s.is_terminal} == set(TERMINAL_STATES)
    # A terminal state is one no move leaves (the follow-ups after delivery keep a closed request closed).
    leaving = [spec for spec in TRANSITIONS if spec.target is not None]
    assert {s.name for s in STATES if not any(s.name in spec.sources for spec in leaving)} == set(TERMINAL_STATES)


def test_every_move_starts_and_ends_in_a_state_of_the_table():
    for spec in TRANSITIONS:
        assert set(spec.sources) <= set(STATE_SPECS), spec.name
        assert set(spec.targets) <= set(STATE_SPECS), spec.name
        assert spec.target is None or not set(spec.sources) & TERMINAL_STATES, f"{spec.name} leaves a terminal state"
    # Only the follow-ups after delivery happen to a request that ended (closed, never declined or withdrawn).
    after_the_end = {spec.name for spec in TRANSITIONS if set(spec.sources) & TERMINAL_STATES}
    assert after_the_end == {
        "follow_up_open",
        "follow_up_remind",
        "follow_up_escalate",
        "follow_up_miss",
        "answer_follow_up",
        "check_in_open",
        "check_in_remind",
        "check_in_escalate",
        "check_in_miss",
        "answer_check_in",
    }
    assert all(set(TRANSITION_SPECS[name].sources) & TERMINAL_STATES == {RequestState.CLOSED} for name in after_the_end)
    assert set(TRIAGE) <= set(TRANSITION_SPECS)


def test_every_rule_check_guard_and_field_kind_is_implemented():
    assert set(RULES) == set(Rule)
    assert set(CLEANERS) == set(Kind) == set(FORM_FIELDS)


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


def test_a_move_announces_its_stay_event_only_when_it_kept_the_request_where_it_was():
    approve = TRANSITION_SPECS["approve_funding"]
    assert approve.stay_event is not None
    stayed = approve.announced(from_state="funding_review", to_state="funding_review")
    moved = approve.announced(from_state="funding_review", to_state="in_delivery")
    assert (stayed, moved) == (approve.stay_event, approve.event)
    accept = TRANSITION_SPECS["accept_assignment"]  # leaves the state as it is, and has one event
    assert accept.announced(from_state="in_delivery", to_state="in_delivery") == accept.event


def test_a_move_announces_the_other_event_its_handler_named():
    accept = TRANSITION_SPECS["accept_assignment"]
    (conflict,) = accept.other_events

    assert accept.announced(from_state="expert_matching", to_state="expert_matching", name=conflict.name) == conflict
    assert accept.announced(from_state="expert_matching", to_state="expert_matching", name="nothing") == accept.event
    assert conflict in accept.events and conflict.recipients == (Audience.HUB_LEADS, Audience.OWNER_OR_HUB)


def test_a_states_phrases_speak_the_readers_language():
    with translation.override("fr"):
        assert str(STATE_SPECS["info_requested"].phrases.city) == "Le pôle attend votre réponse"
