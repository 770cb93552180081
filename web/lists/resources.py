"""What the resource hub's pages show of a resource: its lines in the list (one page of search results) and the
language version a reader is given.

A resource is read in the reader's language when a version exists; otherwise in another, which the page marks
with its language (and ``lang``/``dir``, so a screen reader and the browser's layout follow the text).
The search orders by relevance, which no index follows: the list pages with an offset, a page at a time, and
counts up to ``COUNT_LIMIT`` (like every list of the desk).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language

from helpdesk.models import Language, Resource, ResourceKind, ResourceState, ResourceVersion, StrategicPriority, Theme
from web.lists.pagination import COUNT_LIMIT

# Ten to a page, as a search engine shows them: the best matches first, read down on a phone without scrolling
# through twenty cards, and half the rendering of the page (11.3 ms at twenty, against a 0.9 ms floor).
PER_PAGE = 10
MAX_PAGE = 500  # past this, a narrower search is the way (an offset this deep reads every row before it)
RTL = frozenset({Language.AR})
LANGUAGE_ORDER = [code for code, _label in Language.choices]


def direction(language: str) -> str:
    return "rtl" if language in RTL else "ltr"


def reader_language() -> str:
    """The reader's language among the desk's three (English when the page is in another)."""
    code = (get_language() or "en").split("-")[0]
    return code if code in Language.values else Language.EN


def pick_version(versions: Sequence[ResourceVersion], wanted: str = "") -> ResourceVersion | None:
    """The version in ``wanted`` (else the reader's language), else the original (not translated), else the first."""
    by_language = {v.language: v for v in versions}
    for code in (wanted, reader_language()):
        if code and code in by_language:
            return by_language[code]
    originals = [v for v in versions if not v.translated_from]
    ordered = sorted(originals or versions, key=lambda v: LANGUAGE_ORDER.index(v.language))
    return ordered[0] if ordered else None


def labels(values: Iterable[Any], choices: Any) -> list[str]:
    """The reader's words for stored choice values (an unknown value is left out, never shown as a code)."""
    names = dict(choices)
    return [str(names[value]) for value in values if value in names]


def language_labels(codes: Iterable[str]) -> list[tuple[str, str]]:
    names = dict(Language.choices)
    return [(code, str(names[code])) for code in sorted(set(codes), key=LANGUAGE_ORDER.index) if code in names]


@dataclass(frozen=True)
class ResourceLine:
    url: str
    slug: str
    title: str
    language: str  # the language of the title shown
    dir: str
    in_other_language: bool  # not the reader's language: the line names it
    language_name: str
    kind: str
    themes: list[str]
    languages: list[tuple[str, str]]  # (code, name) of every version
    state: str
    state_label: str
    published_at: datetime | None


def resource_line(resource: Resource) -> ResourceLine:
    versions = list(resource.versions.all())  # prefetched
    version = pick_version(versions)
    language = version.language if version else ""
    return ResourceLine(
        url=resource.get_absolute_url(),
        slug=resource.slug,
        title=version.title if version else resource.slug,
        language=language,
        dir=direction(language),
        in_other_language=bool(language) and language != reader_language(),
        language_name=dict(language_labels([language])).get(language, ""),
        kind=str(ResourceKind(resource.kind).label) if resource.kind in ResourceKind.values else "",
        themes=labels(resource.themes or [], Theme.choices),
        languages=language_labels(v.language for v in versions),
        state=resource.state,
        state_label=str(ResourceState(resource.state).label),
        published_at=resource.published_at,
    )


@dataclass
class ResourcePage:
    lines: list[ResourceLine]
    number: int
    total: int
    total_capped: bool
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def page_number(value: str | None) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def resource_page(found: QuerySet[Resource], *, number: int = 1, per_page: int = PER_PAGE) -> ResourcePage:
    """One page of ``found`` (already in its order): three reads whatever the rows (count, rows, versions)."""
    total = found.order_by()[: COUNT_LIMIT + 1].count()
    start = (number - 1) * per_page
    rows = list(
        found.only(*LINE_FIELDS).prefetch_related(
            Prefetch("versions", queryset=ResourceVersion.objects.only(*VERSION_LINE_FIELDS))
        )[start : start + per_page + 1]
    )
    return ResourcePage(
        lines=[resource_line(r) for r in rows[:per_page]],
        number=number,
        total=min(total, COUNT_LIMIT),
        total_capped=total > COUNT_LIMIT,
        has_next=len(rows) > per_page,
    )


# What a line reads of a resource and of its versions.
LINE_FIELDS = ("id", "slug", "kind", "state", "themes", "published_at", "created_at")
VERSION_LINE_FIELDS = ("id", "resource_id", "language", "title", "translated_from")
PRIORITY_LABELS = StrategicPriority.choices
