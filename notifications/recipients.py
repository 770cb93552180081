"""Who hears what: the audiences the lifecycle table names for each move and state, resolved to people in a
bounded number of queries.

Each event names audiences (``workflows.lifecycle``); an audience is resolved for many requests at once with
one query (two for ``OWNER_OR_HUB``, one for all the expert audiences together, one for the experts a move
released), whatever the number of requests or people.
The first audience that names a person decides the reason they are told (it chooses what the text says is
expected of them). Watchers hear every event of the requests they watch. Nobody is told of their own move.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from helpdesk.models import Role, SupportRequest, User
from notifications.models import Reason, Watch
from workflows.lifecycle import EVENTS, FAST_TRACK_ALERTED, STATES
from workflows.models import ExpertAssignment
from workflows.spec import Audience, DeadlineKind

A = Audience

# A message reaches those involved in the request (then only those who may see it), never its author.
MESSAGE_CANDIDATES: tuple[Audience, ...] = (
    A.CITY,
    A.OWNER_OR_HUB,
    A.PROPOSED_EXPERTS,
    A.ACCEPTED_EXPERTS,
    # Still reading the brief and the expert channel while the hub lead decides on the conflict they declared.
    A.CONFLICTED_EXPERTS,
)

# A passed deadline reminds whoever the state waits on (the lifecycle table says who); an escalation, later,
# goes to the hub's lead and the management unit.
REMINDER_RECIPIENTS: dict[str, tuple[Audience, ...]] = {
    state.name: state.waits_on for state in STATES if state.waits_on and state.deadline.kind is not DeadlineKind.NONE
}
ESCALATION_RECIPIENTS: tuple[Audience, ...] = (A.HUB_LEADS, A.MANAGEMENT)
# A request entering the incident fast track alerts the hub's lead and staff and the management unit at once (the
# table names them for its ``fast_track`` move; a request filed after an incident alerts the same people), and
# its watchers; a fast-track step left untouched at half its time escalates as an overdue one does.
FAST_TRACK_RECIPIENTS: tuple[Audience, ...] = (*FAST_TRACK_ALERTED, A.WATCHERS)
HALF_TIME_RECIPIENTS: tuple[Audience, ...] = ESCALATION_RECIPIENTS


@dataclass(frozen=True)
class Recipient:
    user: User
    reason: Reason


# request id → user id → recipient, in the order the audiences named them.
Resolved = dict[int, dict[int, Recipient]]


def audiences_for(event: str) -> tuple[Audience, ...]:
    """Who hears of a lifecycle event: the recipients the table names for it, and the request's watchers."""
    named = EVENTS[event].recipients if event in EVENTS else ()
    return (*named, A.WATCHERS)


# request id → the people an audience names for it, with the reason they are told.
People = dict[int, list[tuple[User, Reason]]]


class Resolver:
    """Resolves audiences for a batch of requests; each audience costs one query for the whole batch (the
    expert audiences share one), and asking for the same audience twice costs nothing more."""

    def __init__(
        self,
        requests: Sequence[SupportRequest],
        named_expert_ids: Iterable[int] = (),
        *,
        released_expert_ids: Iterable[int] = (),
        application_closed: bool = False,
    ) -> None:
        self.requests = list(requests)
        self.named_expert_ids = set(named_expert_ids)
        # What one move's event says it ended (only an event's resolver, for its one request, is given them).
        self.released_expert_ids = set(released_expert_ids)
        self.application_closed = application_closed
        self._cache: dict[Audience, People] = {}
        self._assignments: list[tuple[int, User, str]] | None = None
        # One instance per person across audiences and requests, so what is cached on it is read once.
        self._instances: dict[int, User] = {}

    def people(self, audience: Audience) -> People:
        if audience not in self._cache:
            self._cache[audience] = getattr(self, f"_{audience.value}")()
        return self._cache[audience]

    def recipients(self, audiences: Sequence[Audience], *, exclude_user_id: int | None = None) -> Resolved:
        """Everyone ``audiences`` name for each request, once each, without ``exclude_user_id`` (the actor)."""
        resolved: Resolved = {r.pk: {} for r in self.requests}
        for audience in audiences:
            for request_id, people in self.people(audience).items():
                chosen = resolved[request_id]
                for user, reason in people:
                    if user.pk != exclude_user_id and user.pk not in chosen:
                        chosen[user.pk] = Recipient(user=self._instances.setdefault(user.pk, user), reason=reason)
        return resolved

    def _by_request(self, key: str, users_by_key: dict[int, list[User]], reason: Reason) -> People:
        return {r.pk: [(u, reason) for u in users_by_key.get(getattr(r, key), [])] for r in self.requests}

    def _city(self) -> People:
        through = User.cities.through
        rows = through.objects.filter(
            city_id__in={r.city_id for r in self.requests},
            user__is_active=True,
            user__groups__name=Role.FOCAL_POINT,
        ).select_related("user")
        by_city: dict[int, list[User]] = defaultdict(list)
        for row in rows:
            by_city[row.city_id].append(row.user)
        return self._by_request("city_id", by_city, Reason.CITY)

    def _hub_users(self, *, leads_only: bool) -> dict[int, list[User]]:
        qs = User.objects.filter(
            is_active=True, region_id__in={r.region_id for r in self.requests}, groups__name=Role.HUB_STAFF
        )
        if leads_only:
            qs = qs.filter(is_hub_lead=True)
        by_region: dict[int, list[User]] = defaultdict(list)
        for user in qs.order_by("pk"):
            assert user.region_id is not None  # region_id__in never matches a user without a region
            by_region[user.region_id].append(user)
        return by_region

    def _hub(self) -> People:
        return self._by_request("region_id", self._hub_users(leads_only=False), Reason.HUB)

    def _hub_leads(self) -> People:
        return self._by_request("region_id", self._hub_users(leads_only=True), Reason.HUB_LEAD)

    def _owner(self) -> People:
        owner_ids = {r.owner_id for r in self.requests if r.owner_id}
        owners = {u.pk: u for u in User.objects.filter(is_active=True, pk__in=owner_ids)} if owner_ids else {}
        return {r.pk: [(owners[r.owner_id], Reason.OWNER)] if r.owner_id in owners else [] for r in self.requests}

    def _owner_or_hub(self) -> People:
        owners = self.people(A.OWNER)
        if all(owners[r.pk] for r in self.requests):
            return owners
        hub = self.people(A.HUB)
        return {r.pk: owners[r.pk] or hub.get(r.pk, []) for r in self.requests}

    def _management(self) -> People:
        unit = list(User.objects.filter(is_active=True, groups__name=Role.MANAGEMENT).order_by("pk"))
        return {r.pk: [(u, Reason.MANAGEMENT) for u in unit] for r in self.requests}

    def _experts(self, statuses: Iterable[str], *, named: bool = False) -> People:
        if self._assignments is None:
            # Every engaged expert of the batch in one read; each expert audience picks its statuses from it.
            s = ExpertAssignment.Status
            qs = ExpertAssignment.objects.filter(
                request_id__in=[r.pk for r in self.requests],
                status__in=[s.PROPOSED, s.ACCEPTED, s.CONFLICT, s.COMPLETED],
                expert__is_active=True,
            )
            self._assignments = [(a.request_id, a.expert, a.status) for a in qs.select_related("expert").order_by("pk")]
        wanted = set(statuses)
        by_request: People = {r.pk: [] for r in self.requests}
        for request_id, expert, status in self._assignments:
            if status in wanted and (not named or expert.pk in self.named_expert_ids):
                by_request[request_id].append((expert, Reason.EXPERT))
        return by_request

    def _named_experts(self) -> People:
        s = ExpertAssignment.Status
        if not self.named_expert_ids:
            return self._experts([s.PROPOSED])
        # The experts the move named, whatever their answer: a proposal's, or one whose declared conflict was waived.
        return self._experts([s.PROPOSED, s.ACCEPTED, s.CONFLICT], named=True)

    def _proposed_experts(self) -> People:
        return self._experts([ExpertAssignment.Status.PROPOSED])

    def _accepted_experts(self) -> People:
        return self._experts([ExpertAssignment.Status.ACCEPTED])

    def _engaged_experts(self) -> People:
        s = ExpertAssignment.Status
        return self._experts([s.PROPOSED, s.ACCEPTED, s.CONFLICT, s.COMPLETED])

    def _conflicted_experts(self) -> People:
        return self._experts([ExpertAssignment.Status.CONFLICT])

    def _released_experts(self) -> People:
        """Experts whose open proposal the move closed: no longer on the request, told that their part ended."""
        if not self.released_expert_ids:
            return {r.pk: [] for r in self.requests}
        released = list(User.objects.filter(pk__in=self.released_expert_ids, is_active=True).order_by("pk"))
        return {r.pk: [(u, Reason.RELEASED) for u in released] for r in self.requests}

    def _fund_deciders(self) -> People:
        """The management unit, when the move closed a fund application that awaited its decision."""
        if not self.application_closed:
            return {r.pk: [] for r in self.requests}
        return self.people(A.MANAGEMENT)

    def _watchers(self) -> People:
        watches = Watch.objects.filter(
            request_id__in=[r.pk for r in self.requests], user__is_active=True
        ).select_related("user")
        by_request: People = {r.pk: [] for r in self.requests}
        for watch in watches.order_by("pk"):
            by_request[watch.request_id].append((watch.user, Reason.WATCHER))
        return by_request


def city_focal_points(city_id: int) -> list[User]:
    """A city's active focal points, for what concerns the city and no request they may open (a peer
    introduction told to the peer city, the city's consent to a resource)."""
    return list(
        User.objects.filter(cities__pk=city_id, is_active=True, groups__name=Role.FOCAL_POINT).distinct().order_by("pk")
    )


def resolve(
    audiences: Sequence[Audience],
    requests: Sequence[SupportRequest],
    *,
    exclude_user_id: int | None = None,
    named_expert_ids: Iterable[int] = (),
) -> Resolved:
    """Everyone the ``audiences`` name for each request, once each, without ``exclude_user_id`` (the actor)."""
    return Resolver(requests, named_expert_ids).recipients(audiences, exclude_user_id=exclude_user_id)
