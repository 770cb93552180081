"""The management unit's fund queue: the applications awaiting a decision, with each hub's envelope
(``templates/web/management/fund_queue.html``).

Emergency applications (``FundApplication.emergency``: on the incident fast track, decided within hours) come
first, soonest due first, with the time left; the others follow, oldest first, a page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import Truncator

from helpdesk.models import StrategicPriority, User, localized_name
from helpdesk.placeholders import ANONYMISED_TITLE
from helpdesk.selectors import PERSON_NAME, only_visible
from web.countdown import countdown_text
from web.lists.labels import ChoiceWords
from web.lists.pagination import PER_PAGE, Page, paginate
from workflows.models import FundEnvelope
from workflows.selectors import current_fiscal_year, envelope_balances, pending_applications


@dataclass(frozen=True)
class FundRow:
    """A fund application awaiting the management unit's decision."""

    reference: str
    url: str
    title: str
    city: str
    region: str
    priority_label: str
    amount: Decimal
    amount_text: str  # in the reader's number format
    currency: str
    recommended_by: str  # empty: nobody recorded
    first_approver: str  # empty: no first approval yet (four eyes)
    created_at: datetime
    overdue: bool
    emergency: bool = False
    due_at: datetime | None = None  # when the decision is due (shown for an emergency one)
    time_left: str = ""  # "Answer due in 31 hours", "Overdue by 2 hours" (an emergency one)
    tied: bool = False  # the reader declared a tie to the request's city: another member decides


TITLE_CHARS = 70
# Emergency applications all stand above the pages (a handful at most: each is decided within hours).
EMERGENCY_MAX = 50

# What a line reads of an application, its request and people (and its cursor: created_at, pk).
FUND_QUEUE_LINE = (
    "pk",
    "created_at",
    "emergency",
    "amount_requested",
    "currency",
    "strategic_priority",
    "request__reference",
    "request__title",
    "request__due_at",
    "request__anonymised_at",
    "request__city_id",
    "request__city__name",
    "request__region__name",
    "request__region__name_fr",
    "request__region__name_ar",
    *(f"{person}__{name}" for person in ("recommended_by", "first_approver") for name in PERSON_NAME),
)


def _person(line: Any, relation: str) -> str:
    names = [getattr(line, f"{relation}__{name}") for name in PERSON_NAME]
    return User.display_name(*names) if names[2] else ""


def fund_row(
    line: Any, *, now: datetime, words: ChoiceWords | None = None, tied: frozenset[int] = frozenset()
) -> FundRow:
    """A line from a ``FUND_QUEUE_LINE`` row (read as named values: the line joins seven tables);
    ``words``: the labels of the page; ``tied``: the cities the reader declared a tie to (the fund decisions
    refuse them: ``ActorCheck.NOT_TIED_TO_CITY``)."""
    due_at = line.request__due_at
    words = words or ChoiceWords()
    return FundRow(
        reference=line.request__reference,
        url=reverse("request-detail", args=[line.request__reference]),
        title=Truncator(str(ANONYMISED_TITLE) if line.request__anonymised_at else line.request__title).chars(
            TITLE_CHARS
        ),
        city=line.request__city__name,
        region=localized_name(line.request__region__name, line.request__region__name_fr, line.request__region__name_ar),
        priority_label=words(StrategicPriority, line.strategic_priority),
        amount=line.amount_requested,
        amount_text=number_format(line.amount_requested, decimal_pos=2, force_grouping=True),
        currency=line.currency,
        recommended_by=_person(line, "recommended_by"),
        first_approver=_person(line, "first_approver"),
        created_at=line.created_at,
        overdue=bool(due_at and due_at < now),
        emergency=line.emergency,
        due_at=due_at,
        time_left=countdown_text(due_at, now=now) if line.emergency else "",
        tied=line.request__city_id in tied,
    )


@dataclass
class FundQueue:
    page: Page  # rows: ``FundRow`` lines of the pending fund applications that are not emergencies, oldest first
    envelopes: list[FundEnvelope]  # annotated with their balances (``envelope_balances``)
    fiscal_year: int
    # The emergency applications, soonest due first: shown above the first page (``page.previous_cursor`` None).
    emergencies: list[FundRow] = field(default_factory=list)

    @property
    def first_page(self) -> bool:
        return self.page.previous_cursor is None

    @property
    def total(self) -> int:
        """Every application awaiting a decision, emergencies included."""
        return self.page.total + len(self.emergencies)


def fund_queue(
    user: User,
    *,
    fiscal_year: int | None = None,
    after: str | None = None,
    before: str | None = None,
    per_page: int = PER_PAGE,
) -> FundQueue:
    """One page of the fund applications awaiting a decision (oldest first), with each region's envelope for
    the fiscal year: what is committed and what pending applications ask, so the unit sees what an approval
    would leave. The emergency applications come apart, soonest due first, whatever the page."""
    year = fiscal_year or current_fiscal_year()
    pending = only_visible(pending_applications(), user, through="request")
    applications = pending.filter(emergency=False)
    emergencies = (
        pending.filter(emergency=True)
        .order_by("request__due_at", "pk")
        .values_list(*FUND_QUEUE_LINE, named=True)[:EMERGENCY_MAX]
    )
    page = paginate(
        applications.values_list(*FUND_QUEUE_LINE, named=True),
        sort_key="oldest",
        after=after,
        before=before,
        per_page=per_page,
        count_qs=applications.values("pk"),
    )
    now, words = timezone.now(), ChoiceWords()
    tied = frozenset(user.tied_cities.values_list("pk", flat=True))
    page.rows = [fund_row(line, now=now, words=words, tied=tied) for line in page.rows]
    return FundQueue(
        page=page,
        envelopes=list(envelope_balances(year)),
        fiscal_year=year,
        emergencies=[fund_row(line, now=now, words=words, tied=tied) for line in emergencies],
    )
