"""A focal point's home: their cities' requests (all of them, and those waiting for the city itself), each
line in the city's words (``templates/web/city/home.html``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.access import can
from helpdesk.models import RequestState, SupportRequest, User
from helpdesk.placeholders import ANONYMISED_TITLE
from helpdesk.selectors import visible_requests
from web.countdown import request_countdown
from web.lists.labels import ChoiceWords
from web.lists.pagination import Page, paginate
from workflows.lifecycle import STATE_SPECS
from workflows.models import FollowUp
from workflows.selectors import follow_up_awaited, states_waiting_on
from workflows.spec import Party


@dataclass(frozen=True)
class CityRow:
    """One of a city's own requests, as its focal point's home lists it."""

    reference: str
    url: str
    title: str
    city_id: int
    city: str
    state: str
    state_label: str
    phrase: str  # where it stands, in the city's words
    due_at: datetime | None
    updated_at: datetime
    edit_url: str | None = None  # a draft the reader may still edit: its form, to carry on where they left it
    follow_up: bool = False  # the desk asks how the results of the support are holding up (or, a check-in)
    fast_track: bool = False  # on the incident fast track: its badge
    countdown: str = ""  # on the fast track, in a step timed in hours: "Answer due in 5 hours" (``web.countdown``)


# What a line says of a request whose follow-up awaits the city's answer (whatever its state).
FOLLOW_UP_PHRASE = _("Tell us how the results are holding up")
# ... and whose check-in after the incident does (a request on the incident fast track).
CHECK_IN_PHRASE = _("Tell us how the city is recovering after the incident")


# What a line reads of a request, and what its cursor needs.
# ``region_id``: what ``can`` reads of a row besides its city, so that asking it costs no query.
CITY_COLUMNS = (
    "reference",
    "title",
    "state",
    "due_at",
    "fast_tracked_at",
    "updated_at",
    "anonymised_at",
    "city_id",
    "region_id",
    "city__name",
)


def city_row(
    request: SupportRequest,
    words: ChoiceWords | None = None,
    user: User | None = None,
    *,
    now: datetime | None = None,
) -> CityRow:
    """A line for a request fetched with its city (``CITY_COLUMNS``) and, for the list of what waits for the
    city, whether a follow-up awaits it; ``words``: the labels of the page (``web.lists.labels``); ``user``:
    the reader, to link the drafts they may edit to their form; ``now``: the page's moment (its countdowns)."""
    words = words or ChoiceWords()
    editable = user is not None and can(user, "edit_draft", request)
    state_label = words(RequestState, request.state)
    follow_up = bool(getattr(request, "follow_up_awaited", False))
    check_in = bool(getattr(request, "check_in_awaited", False))
    phrase = str(
        CHECK_IN_PHRASE if check_in else FOLLOW_UP_PHRASE if follow_up else STATE_SPECS[request.state].phrases.city
    )
    return CityRow(
        reference=request.reference,
        url=reverse("request-detail", args=[request.reference]),
        title=str(ANONYMISED_TITLE) if request.anonymised_at else request.title,
        city_id=request.city_id,
        city=request.city.name,
        state=request.state,
        state_label=state_label,
        # Beside the state's badge: no phrase that only says the badge again ("Closed Closed").
        phrase="" if phrase == state_label else phrase,
        due_at=request.due_at,
        updated_at=request.updated_at,
        edit_url=reverse("request-edit", args=[request.reference]) if editable else None,
        follow_up=follow_up,
        fast_track=request.fast_tracked_at is not None,
        countdown=request_countdown(request, now=now),
    )


def _own(user: User) -> QuerySet[SupportRequest]:
    return visible_requests(user).filter(city__in=user.cities.values("pk")).select_related("city").only(*CITY_COLUMNS)


def city_attention(user: User, *, limit: int = 20) -> list[CityRow]:
    """A focal point's requests that wait for the city itself (the states the lifecycle says wait on the
    city: a draft, a question of the hub, an evaluation; and, whatever the state, a follow-up to answer),
    the nearest deadline first."""
    # Only this short list asks about follow-ups: the page's list of every request reads each line's state
    # (the subquery costs its query about a third more, most of it in building the SQL).
    rows = (
        _own(user)
        .annotate(follow_up_awaited=follow_up_awaited(), check_in_awaited=follow_up_awaited(FollowUp.Kind.INCIDENT))
        .filter(Q(state__in=states_waiting_on(Party.CITY)) | Q(follow_up_awaited=True))
    )
    words, now = ChoiceWords(), timezone.now()
    return [
        city_row(request, words, user, now=now)
        for request in rows.order_by(F("due_at").asc(nulls_last=True), "-pk")[:limit]
    ]


def city_requests(user: User, *, after: str | None = None, before: str | None = None) -> Page:
    """All requests of the focal point's cities, last changed first: one page of ``CityRow`` lines."""
    page = paginate(_own(user), sort_key="updated", after=after, before=before)
    words, now = ChoiceWords(), timezone.now()
    page.rows = [city_row(request, words, user, now=now) for request in page.rows]
    return page
