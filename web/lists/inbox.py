"""An expert's inbox: their assignments, each line the request's brief facts, never its content
(``templates/web/expert/inbox.html``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from helpdesk.models import Language, RequestState, SupportKind, Theme, User, country_name
from helpdesk.placeholders import ANONYMISED_TITLE
from helpdesk.selectors import request_search, visible_requests
from web.lists.labels import ChoiceWords
from workflows.lifecycle import STATE_SPECS
from workflows.models import ExpertAssignment
from workflows.selectors import assignments_for_expert
from workflows.spec import Reader

# The groups of the inbox, in the order it shows them; an assignment the expert declined is not listed. An
# acceptance awaiting the hub lead's decision on a declared conflict is listed only while there is one.
GROUPS = (
    ExpertAssignment.Status.PROPOSED,
    ExpertAssignment.Status.CONFLICT,
    ExpertAssignment.Status.ACCEPTED,
    ExpertAssignment.Status.COMPLETED,
)
OCCASIONAL = frozenset({ExpertAssignment.Status.CONFLICT})
INBOX_LIMIT = 200
MAX_SEARCH_LENGTH = 100


@dataclass(frozen=True)
class InboxRow:
    """One of an expert's assignments. ``place`` is the city (with its ``country``), or only the hub for a city
    that stays anonymous to experts (and no country)."""

    reference: str
    url: str
    title: str
    state: str
    state_label: str
    phrase: str  # where the request stands, in an expert's words
    theme: str
    kind: str
    language: str
    place: str
    country: str
    proposed_at: datetime


# What a line reads of an assignment and its request.
INBOX_COLUMNS = (
    "status",
    "created_at",
    *(f"request__{name}" for name in ("reference", "title", "state", "theme", "kind", "language", "anonymised_at")),
    "request__city__name",
    "request__city__country",
    "request__city__anonymous_to_experts",
    "request__region__name",
    "request__region__name_fr",
    "request__region__name_ar",
)


def _reader(status: str) -> Reader:
    if status == ExpertAssignment.Status.PROPOSED:
        return "proposed_expert"
    return "conflicted_expert" if status == ExpertAssignment.Status.CONFLICT else "expert"


def inbox_row(assignment: ExpertAssignment, words: ChoiceWords | None = None) -> InboxRow:
    """A line for an assignment fetched with its request, the request's city and hub (``INBOX_COLUMNS``)."""
    words = words or ChoiceWords()
    request = assignment.request
    city = request.city
    state_label = words(RequestState, request.state)
    # A proposal awaiting the expert's answer reads as that answer, whatever the request's state.
    phrase = str(STATE_SPECS[request.state].phrases.of(_reader(assignment.status)))
    return InboxRow(
        reference=request.reference,
        url=reverse("request-detail", args=[request.reference]),
        title=str(ANONYMISED_TITLE) if request.anonymised_at else request.title,
        state=request.state,
        state_label=state_label,
        # Beside the state's badge: no phrase that only says the badge again ("Closed Closed").
        phrase="" if phrase == state_label else phrase,
        theme=words(Theme, request.theme),
        kind=words(SupportKind, request.kind),
        language=words(Language, request.language),
        place=request.region.localized_name if city.anonymous_to_experts else city.name,
        country="" if city.anonymous_to_experts else country_name(city.country),
        proposed_at=assignment.created_at,
    )


def expert_assignments(user: User, *, search: str = "") -> dict[str, list[InboxRow]]:
    """An expert's proposed, accepted and completed assignments (and those awaiting the hub lead's decision on a
    conflict they declared) on requests they may still see, by status; ``search``: only those whose request
    matches it in what the expert may read (``request_search``)."""
    grouped: dict[str, list[InboxRow]] = {status: [] for status in GROUPS}
    requests = visible_requests(user)
    term = search.strip()[:MAX_SEARCH_LENGTH]
    if term:
        requests = request_search(requests, user, term)
    assignments = assignments_for_expert(user).filter(status__in=list(grouped), request__in=requests.values("pk"))
    assignments = assignments.only(*INBOX_COLUMNS)[:INBOX_LIMIT]
    words = ChoiceWords()
    for assignment in assignments:
        grouped[assignment.status].append(inbox_row(assignment, words))
    return {status: rows for status, rows in grouped.items() if rows or status not in OCCASIONAL}
