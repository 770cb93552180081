"""Races on PostgreSQL: two people acting at once never both win, and the loser leaves nothing behind.

Each racer is a thread with its own database connection. To make the race certain rather than likely,
the first racer is held inside its transaction (by a listener of the move's event, which runs before
commit) until the second is seen waiting on a row lock; then the first commits and the second finishes.
A last test lets the racers go at once, without holding anyone, several times over.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from helpdesk.models import RequestState, SupportRequest
from workflows.errors import TransitionConflict, TransitionRefused, WorkflowError
from workflows.models import ExpertAssignment, FundApplication, FundEnvelope, TransitionLog
from workflows.services import transition_perform
from workflows.signals import lifecycle_event

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent writers: PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]
S = RequestState
WAIT = 10.0


class Racer(threading.Thread):
    """Runs one call in its own thread and connection; keeps the result or the error."""

    def __init__(self, name: str, call: Callable[[], Any]) -> None:
        super().__init__(name=name, daemon=True)
        self.call = call
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.call()
        except BaseException as exc:  # the test inspects whatever happened
            self.error = exc
        finally:
            connection.close()


class Hold:
    """Keeps the thread named ``first`` inside its move's transaction until released."""

    def __init__(self) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()

    def __call__(self, sender: object, **kwargs: object) -> None:
        if threading.current_thread().name == "first":
            self.inside.set()
            assert self.release.wait(WAIT), "never released"

    def __enter__(self) -> Hold:
        lifecycle_event.connect(self, dispatch_uid="race-hold", weak=False)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        lifecycle_event.disconnect(dispatch_uid="race-hold")


def _waiting_on_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _race(first_call: Callable[[], Any], second_call: Callable[[], Any]) -> tuple[Racer, Racer]:
    """Start ``first`` and hold it before commit; start ``second`` and wait until it blocks; let both finish."""
    with Hold() as hold:
        first = Racer("first", first_call)
        first.start()
        assert hold.inside.wait(WAIT), f"the first racer never got inside its move: {first.error!r}"
        second = Racer("second", second_call)
        second.start()
        deadline = time.monotonic() + WAIT
        while not _waiting_on_a_lock():
            assert time.monotonic() < deadline, "the second racer never waited for the first"
            assert second.is_alive(), f"the second racer finished without waiting: {second.error!r}"
            time.sleep(0.02)
        hold.release.set()
        first.join(WAIT)
        second.join(WAIT)
    assert not first.is_alive() and not second.is_alive()
    return first, second


def _application(net, amount: str) -> SupportRequest:
    request = net.at("submitted")
    lines = [{"item": "All", "amount": amount}]
    return transition_perform(
        request=request,
        transition="route_to_funding",
        actor=net.hub,
        data=net.data("route_to_funding", amount=amount, budget_lines=lines),
    )


def test_two_approvals_of_one_request_at_once_exactly_one_wins(net):
    request = _application(net, "10000")
    rows_before = TransitionLog.objects.count()

    first, second = _race(
        lambda: transition_perform(request=request, transition="approve_funding", actor=net.mu),
        lambda: transition_perform(request=request, transition="approve_funding", actor=net.mu2),
    )

    assert first.error is None and first.result.state == S.IN_DELIVERY
    assert isinstance(second.error, TransitionConflict)
    application = FundApplication.objects.get(request=request)
    assert application.status == FundApplication.Status.APPROVED and application.decided_by == net.mu
    assert FundEnvelope.objects.get(pk=net.envelope.pk).committed == Decimal("10000")
    assert TransitionLog.objects.count() == rows_before + 1


def test_two_approvals_that_together_exceed_the_envelope_exactly_one_wins(net, settings):
    settings.FUND_FOUR_EYES_THRESHOLD = 1_000_000
    one, other = _application(net, "60000"), _application(net, "60000")
    rows_before = TransitionLog.objects.count()

    first, second = _race(
        lambda: transition_perform(request=one, transition="approve_funding", actor=net.mu),
        lambda: transition_perform(request=other, transition="approve_funding", actor=net.mu2),
    )

    assert first.error is None and first.result.state == S.IN_DELIVERY
    # The second read a balance of 100,000 before the first committed; the conditional UPDATE refused it.
    assert isinstance(second.error, TransitionRefused) and second.error.code == "envelope_exhausted"
    assert FundEnvelope.objects.get(pk=net.envelope.pk).committed == Decimal("60000")
    # Nothing half-written for the loser: still in review, application pending, no audit row.
    loser = SupportRequest.objects.get(pk=other.pk)
    assert loser.state == S.FUNDING_REVIEW and loser.delivery_due is None
    assert FundApplication.objects.get(request=other).status == FundApplication.Status.PENDING
    assert TransitionLog.objects.count() == rows_before + 1


def test_two_proposals_never_overfill_an_expert(net):
    net.expert.expert_profile.max_concurrent_assignments = 1
    net.expert.expert_profile.save(update_fields=["max_concurrent_assignments"])
    one, other = net.at("submitted"), net.at("submitted")

    first, second = _race(
        lambda: transition_perform(
            request=one, transition="route_to_experts", actor=net.hub, data={"experts": [net.expert.pk]}
        ),
        lambda: transition_perform(
            request=other, transition="route_to_experts", actor=net.officer, data={"experts": [net.expert.pk]}
        ),
    )

    assert first.error is None
    assert isinstance(second.error, TransitionRefused) and second.error.code == "capacity"
    assert ExpertAssignment.objects.filter(expert=net.expert, status__in=ExpertAssignment.ACTIVE).count() == 1
    assert SupportRequest.objects.get(pk=other.pk).state == S.SUBMITTED


def _approve_after(start: threading.Barrier, request: SupportRequest, who: Any) -> Callable[[], Any]:
    def call() -> Any:
        start.wait(WAIT)
        return transition_perform(request=request, transition="approve_funding", actor=who)

    return call


def test_racers_let_go_together_never_both_win(net, settings):
    """No holding: whichever order the database picks, one approval wins and the envelope holds."""
    settings.FUND_FOUR_EYES_THRESHOLD = 1_000_000
    for _ in range(3):
        FundEnvelope.objects.filter(pk=net.envelope.pk).update(committed=Decimal("40000"))
        same = _application(net, "50000")
        one, other = _application(net, "50000"), _application(net, "50000")
        start = threading.Barrier(4)

        racers = [
            Racer("a", _approve_after(start, same, net.mu)),
            Racer("b", _approve_after(start, same, net.mu2)),
            Racer("c", _approve_after(start, one, net.mu)),
            Racer("d", _approve_after(start, other, net.mu2)),
        ]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(WAIT)

        outcomes = [racer.error is None for racer in racers]
        assert sum(outcomes) == 1, [racer.error for racer in racers]
        assert all(isinstance(r.error, WorkflowError) for r in racers if r.error is not None)
        assert FundEnvelope.objects.get(pk=net.envelope.pk).committed == Decimal("90000")
        approved = FundApplication.objects.filter(
            request__in=[same, one, other], status=FundApplication.Status.APPROVED
        )
        assert approved.count() == 1
        moved = SupportRequest.objects.filter(pk__in=[same.pk, one.pk, other.pk], state=S.IN_DELIVERY)
        assert moved.count() == 1
