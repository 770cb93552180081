"""Peer exchange: which cities the hub may introduce a request's city to, each city's answer, and what each
side reads of the other.

The hub proposes an introduction with the lifecycle move ``introduce_peer`` (``workflows.moves.peers``); each
city's focal point answers here (``introduction_answer``), on the request's audit trail although the peer city
cannot see the request. What a city reads of the other (``introduction_view``):

- the peer city, until both accepted: "a city of <hub> asks for a peer exchange on <theme>" and the hub's note,
  never the request nor the asking city's name (anonymous to experts or not: one rule, nothing to get wrong);
- the asking city: the peer city's name once the peer city accepted (its consent to be named);
- once made: both cities' names and the focal points who accepted, with their e-mail, so they can talk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.access import can
from helpdesk.models import (
    TERMINAL_STATES,
    City,
    Language,
    RequestState,
    Resource,
    ResourceState,
    SupportKind,
    SupportRequest,
    Theme,
    User,
)
from workflows.audit import log_append
from workflows.errors import TransitionConflict
from workflows.models import Evaluation, PeerIntroduction
from workflows.models.peers import Answer
from workflows.signals import introduction_event

GOOD_RATING = 4  # an evaluation from this rating up is a good outcome
Status = PeerIntroduction.Status

# The lines an answer leaves on the request's audit trail (not lifecycle moves: the request stays where it is).
INTRODUCTION_ACCEPTED = "introduction_accepted"
INTRODUCTION_DECLINED = "introduction_declined"
INTRODUCTION_MADE = "introduction_made"
INTRODUCTION_WITHDRAWN = "introduction_withdrawn"
TRAIL_LINES: dict[str, Promise] = {
    INTRODUCTION_ACCEPTED: _("A city accepted the peer introduction"),
    INTRODUCTION_DECLINED: _("A city declined the peer introduction"),
    INTRODUCTION_MADE: _("Both cities accepted the peer introduction"),
    INTRODUCTION_WITHDRAWN: _("The hub withdrew the peer introduction"),
}


# --- The city's offer ---------------------------------------------------------------------------------------
def peer_themes_offered(city: City) -> list[str]:
    """The themes on which ``city`` has something to share (closed requests rated 4 or 5, published
    resources), in the catalogue's order: the opt-in page offers them first. Two queries."""
    rated = set(
        Evaluation.objects.filter(
            rating__gte=GOOD_RATING, request__city_id=city.pk, request__state=RequestState.CLOSED
        ).values_list("request__theme", flat=True)
    )
    published = Resource.objects.filter(city_id=city.pk, state=ResourceState.PUBLISHED).values_list("themes", flat=True)
    shared = rated | {theme for themes in published for theme in (themes or [])}
    return [theme for theme in Theme.values if theme in shared]


# --- Suggestions --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PeerSuggestion:
    """A city the hub may introduce the request's city to, and why."""

    city: City  # with its region
    good_outcomes: int  # its closed requests on the theme rated 4 or 5
    shared_languages: tuple[str, ...]  # language labels both cities work in
    same_hub: bool
    proposed: bool  # already proposed on this request

    @property
    def rank(self) -> tuple[int, int, bool, str]:
        return (-self.good_outcomes, -len(self.shared_languages), not self.same_hub, self.city.name)


def peer_suggestions(request: SupportRequest, limit: int = 10) -> list[PeerSuggestion]:
    """For a peer exchange, member cities other than the asking one that opted in on the request's theme,
    best first: a good outcome on the theme, then a working language shared with the asking city (or the
    request's language), then the same hub. Four queries whatever the number of cities."""
    if request.kind != SupportKind.PEER_EXCHANGE:
        return []
    asking = City.objects.only("pk", "languages").get(pk=request.city_id)
    wanted = {request.language, *(asking.languages or [])}
    cities = [
        city
        for city in City.objects.filter(is_member=True)
        .exclude(pk=request.city_id)
        .exclude(peer_contact_themes=[])
        .select_related("region")
        .only("pk", "name", "country", "languages", "peer_contact_themes", "region")
        if request.theme in (city.peer_contact_themes or [])
    ]
    ids = [city.pk for city in cities]
    good = dict(
        Evaluation.objects.filter(
            rating__gte=GOOD_RATING,
            request__theme=request.theme,
            request__state=RequestState.CLOSED,
            request__city_id__in=ids,
        )
        .values("request__city_id")
        .annotate(n=Count("pk"))
        .values_list("request__city_id", "n")
    )
    proposed = set(PeerIntroduction.objects.filter(request_id=request.pk).values_list("peer_city_id", flat=True))
    suggestions = [
        PeerSuggestion(
            city=city,
            good_outcomes=good.get(city.pk, 0),
            shared_languages=tuple(
                str(label) for code, label in Language.choices if code in wanted and code in (city.languages or [])
            ),
            same_hub=city.region_id == request.region_id,
            proposed=city.pk in proposed,
        )
        for city in cities
    ]
    return sorted(suggestions, key=lambda s: s.rank)[:limit]


# --- Answers ------------------------------------------------------------------------------------------------
def _side(introduction: PeerIntroduction, user: User) -> str:
    """Which city ``user`` answers for: the asking city first (a focal point of both answers for it first)."""
    if introduction.request.city_id in user.focal_city_ids and not introduction.asking_answer:
        return "asking"
    return "peer"


def introduction_answer(*, introduction: PeerIntroduction, actor: User, accept: bool) -> PeerIntroduction:
    """``actor``, a focal point of one of the two cities, accepts or declines the introduction for their city.

    With the request's row locked: the answer is recorded, a line is appended to the request's audit trail;
    the second acceptance makes the introduction (both cities are told, and the hub), a decline ends it (the
    hub is told). Raises ``PermissionDenied`` when ``actor`` may not answer (any more), ``TransitionConflict``
    when the introduction changed since it was read."""
    now = timezone.now()
    with transaction.atomic():
        request = (
            SupportRequest.objects.select_for_update()
            .only("pk", "state", "city_id", "region_id")
            .get(pk=introduction.request_id)
        )
        current = (
            PeerIntroduction.objects.select_for_update(of=("self",)).select_related("request").get(pk=introduction.pk)
        )
        if current.status != introduction.status:
            raise TransitionConflict()
        # A request that ended (declined, withdrawn) no longer needs a peer.
        if not can(actor, "answer_introduction", current) or request.state in TERMINAL_STATES:
            raise PermissionDenied
        side = _side(current, actor)
        answer = Answer.ACCEPTED if accept else Answer.DECLINED
        setattr(current, f"{side}_answer", answer)
        setattr(current, f"{side}_by", actor)
        setattr(current, f"{side}_at", now)
        changed = [f"{side}_answer", f"{side}_by", f"{side}_at"]
        if not accept:
            current.status = Status.DECLINED
            changed.append("status")
            line = INTRODUCTION_DECLINED
        elif current.asking_answer == Answer.ACCEPTED and current.peer_answer == Answer.ACCEPTED:
            current.status, current.made_at = Status.MADE, now
            changed += ["status", "made_at"]
            line = INTRODUCTION_MADE
        else:
            line = INTRODUCTION_ACCEPTED
        current.save(update_fields=changed)
        log_append(
            request_id=request.pk,
            transition=line,
            from_state=request.state,
            to_state=request.state,
            actor_id=actor.pk,
            created_at=now,
            data={"introduction": current.pk, "side": side, "accepted": accept, "status": current.status},
        )
        if line != INTRODUCTION_ACCEPTED:
            introduction_event.send(sender=PeerIntroduction, event=line, introduction=current, actor=actor)
    return current


def introduction_withdraw(*, introduction: PeerIntroduction, actor: User) -> PeerIntroduction:
    """The request's hub withdraws an introduction still waiting for an answer: both cities are told (the peer
    city still without the request), and a line joins the request's audit trail. Raises ``PermissionDenied``
    when ``actor`` may not (any more), ``TransitionConflict`` when the introduction changed since it was read."""
    now = timezone.now()
    with transaction.atomic():
        request = (
            SupportRequest.objects.select_for_update().only("pk", "state", "region_id").get(pk=introduction.request_id)
        )
        current = (
            PeerIntroduction.objects.select_for_update(of=("self",)).select_related("request").get(pk=introduction.pk)
        )
        if current.status != introduction.status:
            raise TransitionConflict()
        if not can(actor, "withdraw_introduction", current):
            raise PermissionDenied
        current.status = Status.WITHDRAWN
        current.save(update_fields=["status"])
        log_append(
            request_id=request.pk,
            transition=INTRODUCTION_WITHDRAWN,
            from_state=request.state,
            to_state=request.state,
            actor_id=actor.pk,
            created_at=now,
            data={"introduction": current.pk, "status": current.status},
        )
        introduction_event.send(
            sender=PeerIntroduction, event=INTRODUCTION_WITHDRAWN, introduction=current, actor=actor
        )
    return current


# --- Reading ------------------------------------------------------------------------------------------------
INTRODUCTION_RELATED = ("request__region", "request__city", "peer_city__region", "asking_by", "peer_by")


def introduction_for(user: User, pk: int) -> PeerIntroduction | None:
    """The introduction ``pk`` if ``user`` may see it (either city's focal point, the request's overseers)."""
    introduction = PeerIntroduction.objects.select_related(*INTRODUCTION_RELATED).filter(pk=pk).first()
    if introduction is None or not can(user, "view_introduction", introduction):
        return None
    return introduction


@dataclass(frozen=True)
class Contact:
    name: str
    email: str


@dataclass(frozen=True)
class IntroductionView:
    """What one reader sees of an introduction (``side``: ``asking``, ``peer`` or ``hub``)."""

    pk: int
    side: str
    status: str
    status_label: str
    theme: str  # its label
    hub: str  # the asking city's hub, in the reader's language
    note: str
    proposed_at: datetime
    made_at: datetime | None
    own_answer: str  # the reader's city's answer ("" while it has not)
    own_answer_label: str
    can_answer: bool
    other_city: str  # empty while the reader may not know it
    can_withdraw: bool = False  # the request's hub, while the introduction waits for an answer
    asking_city: str = ""  # the hub's page names both
    peer_city: str = ""
    request_reference: str = ""  # for the asking city and the hub only
    contacts: list[Contact] = field(default_factory=list)


def _contact(user: User | None) -> list[Contact]:
    return [Contact(name=user.get_full_name() or user.username, email=user.email)] if user else []


def introduction_view(introduction: PeerIntroduction, user: User) -> IntroductionView:
    """``introduction`` (read with ``INTRODUCTION_RELATED``) as ``user`` may see it."""
    request = introduction.request
    made = introduction.status == Status.MADE
    cities = user.focal_city_ids
    if request.city_id in cities:
        side = "asking"
    elif introduction.peer_city_id in cities:
        side = "peer"
    else:
        side = "hub"
    own = {"asking": introduction.asking_answer, "peer": introduction.peer_answer}.get(side, "")
    if side == "asking":
        # The peer city's name is its own to give: shown once it accepted.
        other = introduction.peer_city.name if introduction.peer_answer == Answer.ACCEPTED else ""
        contacts = _contact(introduction.peer_by) if made else []
    elif side == "peer":
        other = request.city.name if made else ""
        contacts = _contact(introduction.asking_by) if made else []
    else:
        other = ""
        contacts = [*_contact(introduction.asking_by), *_contact(introduction.peer_by)] if made else []
    return IntroductionView(
        pk=introduction.pk,
        side=side,
        status=introduction.status,
        status_label=str(introduction.get_status_display()),
        theme=str(Theme(request.theme).label) if request.theme in Theme.values else "",
        hub=request.region.localized_name,
        note=introduction.note,
        proposed_at=introduction.proposed_at,
        made_at=introduction.made_at,
        own_answer=own,
        own_answer_label=str(Answer(own).label) if own in Answer.values else "",
        can_answer=can(user, "answer_introduction", introduction) and request.state not in TERMINAL_STATES,
        can_withdraw=can(user, "withdraw_introduction", introduction),
        other_city=other,
        asking_city=request.city.name if side == "hub" else "",
        peer_city=introduction.peer_city.name if side == "hub" else "",
        request_reference=request.reference if side != "peer" else "",
        contacts=contacts,
    )


def city_introductions(user: User, *, limit: int = 10) -> list[IntroductionView]:
    """A focal point's introductions, for their home: those awaiting their city's answer first, then those
    made, newest first (declined and withdrawn ones drop off, and proposals of a request that ended). One
    query, and a second for the introductions found: most cities have none, and finding none with everything
    the lines show joined in cost 1.8 ms of every city home at 100,000 requests."""
    cities = user.focal_city_ids
    if not cities:
        return []
    ids = list(
        PeerIntroduction.objects.filter(
            Q(status=Status.MADE) | Q(status=Status.PROPOSED) & ~Q(request__state__in=TERMINAL_STATES)
        )
        .filter(Q(request__city_id__in=cities) | Q(peer_city_id__in=cities))
        .order_by("-proposed_at", "-pk")
        .values_list("pk", flat=True)[: limit * 2]
    )
    if not ids:
        return []
    rows = (
        PeerIntroduction.objects.filter(pk__in=ids)
        .select_related(*INTRODUCTION_RELATED)
        .order_by("-proposed_at", "-pk")
    )
    views = [introduction_view(row, user) for row in rows]
    return sorted(views, key=lambda v: not v.can_answer)[:limit]


def request_introductions(request: SupportRequest, user: User) -> list[IntroductionView]:
    """The introductions proposed for ``request``, as its hub sees them on the peers page. One query."""
    rows = PeerIntroduction.objects.filter(request_id=request.pk).select_related(*INTRODUCTION_RELATED)
    return [introduction_view(row, user) for row in rows.order_by("proposed_at", "pk")]
