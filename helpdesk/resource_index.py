"""The full-text index of the resource hub: every language version's title, summary and text (the words, without
their HTML), kept in step by the resource services and read by ``helpdesk.selectors.resources_search``.

PostgreSQL: ``ResourceSearch`` rows hold each version's ``tsvector``, stemmed with its language's text search
configuration (english, french, arabic) and weighted title A, summary B, text C, under a GIN index. A query is
parsed in the three configurations at once (whoever searches may type in any language: "formations" finds a
French "formation"), and when it finds nothing anywhere, titles close to the words typed are offered instead
(pg_trgm word similarity: typos, partial words).

SQLite: an FTS5 table (``unicode61 remove_diacritics 2``: case and Latin accents folded; Arabic letters folded
here, before indexing and querying). It does not stem: each word typed matches the words it begins ("municip"
finds "municipal", "formation" finds "formations", but "formations" does not find "formation"), and it finds
no close titles for a typo. The weights are grades there: all the words in a title, then in a summary, then
anywhere; then the newest (no bm25 relevance within a grade).

Both: a resource matching in a title ranks above one matching only in its summary or text, then (PostgreSQL)
by relevance, then the newest. A resource's state and who may read it are not indexed: they are filtered on
the resource itself, so only a version's words need rewriting (``resource_index_refresh``), not a change of
state. Either way the search is one query, whatever the number of resources.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import Combinable, RawSQL

from helpdesk.models import Resource, ResourceSearch, ResourceVersion
from helpdesk.sanitize import html_to_text

# The text search configuration of each language of the desk (``SELECT cfgname FROM pg_ts_config``).
CONFIGS = {"en": "english", "fr": "french", "ar": "arabic"}
# ts_rank's weights, in PostgreSQL's order D, C, B, A (text C, summary B, title A).
WEIGHTS = [0.1, 0.2, 0.4, 1.0]
MAX_WORDS = 8
MAX_QUERY = 200  # characters of what was typed that are searched
# The score is an alias, not a column read back: only the order uses it, so a count of the matches (the list's
# total) does not grade every match again (1.4 ms of the search page at 2,200 resources on SQLite).
ORDER = ("-search_score", "-published_at", "-created_at")

# Arabic: short vowels and other marks, the elongation stroke, and the forms of alef written as plain alef.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ALEF = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627"})
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Entry:
    """What the index holds of one language version: its words as plain text."""

    version_id: int
    resource_id: int
    language: str
    title: str
    summary: str
    text: str


def fold(text: str) -> str:
    """Text as the SQLite index stores it and reads a query: Arabic marks dropped, alef forms folded (case and
    Latin accents are the tokenizer's)."""
    return _ARABIC_MARKS.sub("", text).translate(_ALEF)


def entries_for(versions: Iterable[ResourceVersion]) -> list[Entry]:
    return [Entry(v.pk, v.resource_id, v.language, v.title, v.summary, html_to_text(v.body)) for v in versions]


def resource_index_refresh(*, resource_ids: Iterable[int]) -> int:
    """Rewrite the index of every version of these resources (call it inside the change's transaction)."""
    ids = list(resource_ids)
    versions = ResourceVersion.objects.filter(resource_id__in=ids).only(
        "pk", "resource_id", "language", "title", "summary", "body"
    )
    return index_entries(entries_for(versions))


def index_entries(entries: Sequence[Entry]) -> int:
    """Write ``entries`` to the index, replacing what it held of their versions (also used by the scale seeder,
    which gives plain text directly)."""
    if not entries:
        return 0
    version_ids = [entry.version_id for entry in entries]
    if connection.vendor == "postgresql":
        # The plain words first, then one statement per language computes their vectors in the database.
        ResourceSearch.objects.filter(version_id__in=version_ids).delete()
        ResourceSearch.objects.bulk_create(
            [
                ResourceSearch(
                    version_id=e.version_id,
                    resource_id=e.resource_id,
                    language=e.language,
                    title=e.title,
                    summary=e.summary,
                    text=e.text,
                )
                for e in entries
            ],
            batch_size=1000,
        )
        for language in sorted({e.language for e in entries}):
            config = CONFIGS.get(language, "simple")
            ResourceSearch.objects.filter(document__isnull=True, language=language).update(
                document=_vector(config, language, ("title", "A"), ("summary", "B"), ("text", "C")),
                title_document=_vector(config, language, ("title", "A")),
            )
        return len(entries)
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.executemany(_FTS_DELETE, [(version_id,) for version_id in version_ids])
        cursor.executemany(
            _FTS_INSERT,
            [(e.version_id, fold(e.title), fold(e.summary), fold(e.text), e.resource_id, e.language) for e in entries],
        )
    return len(entries)


_FTS_DELETE = "DELETE FROM helpdesk_resource_fts WHERE rowid = %s"
_FTS_INSERT = (
    "INSERT INTO helpdesk_resource_fts (rowid, title, summary, body, resource_id, language)"
    " VALUES (%s, %s, %s, %s, %s, %s)"
)


def _vector(config: str, language: str, *fields: tuple[str, str]) -> Combinable:
    """Each field (with its weight) stemmed in its language and, in French, again unstemmed without accents
    ("simple"): "elections" typed finds "Élections", which the French configuration keeps accented. (Not in
    English and Arabic: the layer would double the document, and ranking reads all of it, for no new match.)"""
    parts = []
    for field, weight in fields:
        parts.append(SearchVector(field, config=config, weight=weight))
        if language != "fr":
            continue
        plain = Func(F(field), Value(_ACCENTED), Value(_PLAIN), function="translate", output_field=TextField())
        parts.append(SearchVector(plain, config="simple", weight=weight))
    vector: Combinable = parts[0]
    for part in parts[1:]:
        vector = vector + part
    return vector


def _plain_letter(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return decomposed[0] if len(decomposed) > 1 and "\u0300" <= decomposed[1] <= "\u036f" else char


# The accented Latin letters and their plain forms, for PostgreSQL's translate() (no unaccent extension needed).
_ACCENTED = "".join(c for c in map(chr, range(0xC0, 0x250)) if _plain_letter(c) != c)
_PLAIN = "".join(_plain_letter(c) for c in _ACCENTED)
_UNACCENT = str.maketrans(_ACCENTED, _PLAIN)


def unaccented(text: str) -> str:
    """Latin letters without their accents, as the index stores them (Arabic is left as it is)."""
    return text.translate(_UNACCENT)


def search(found: QuerySet[Resource], *, q: str, languages: Sequence[str] = ()) -> QuerySet[Resource]:
    """``found`` narrowed to the resources whose versions (in ``languages``, if given) match ``q``, the best
    first: a title match, then relevance, then the newest."""
    q = q[:MAX_QUERY]
    if connection.vendor == "postgresql":
        return _search_postgresql(found, q=q, languages=languages)
    return _search_sqlite(found, q=q, languages=languages)


def _search_postgresql(found: QuerySet[Resource], *, q: str, languages: Sequence[str]) -> QuerySet[Resource]:
    query = _Once(_tsquery(q))
    entries = ResourceSearch.objects.filter(_matches(F("document"), query))
    if languages:
        entries = entries.filter(language__in=languages)
    in_title = _matches(F("title_document"), query)
    # 1 + relevance for a title match, relevance alone otherwise (normalisation 32 keeps it below 1). Read over
    # every version of a matching resource (one that does not match scores 0): one reading of each document.
    versions = ResourceSearch.objects.filter(language__in=languages) if languages else ResourceSearch.objects.all()
    score = (
        versions.filter(resource_id=OuterRef("pk"))
        .values("resource_id")
        .annotate(
            best=Max(
                Case(When(in_title, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
                + SearchRank(F("document"), query, weights=WEIGHTS, normalization=Value(32))
            )
        )
        .values("best")
    )
    matching = Q(pk__in=entries.values("resource_id"))
    if not _has_trigram():
        return found.filter(matching).alias(search_score=Subquery(score)).order_by(*ORDER)
    # Nothing anywhere matches the words: offer the titles closest to them, the closest first.
    nothing = ~Exists(entries)
    # word_similarity above pg_trgm.word_similarity_threshold (0.6), through the titles' trigram index.
    close = Func(Value(q), F("title"), template="(%(expressions)s)", arg_joiner=" <%% ", output_field=BooleanField())
    close_titles = ResourceVersion.objects.filter(close).annotate(
        closeness=Func(Value(q), F("title"), function="word_similarity", output_field=FloatField())
    )
    if languages:
        close_titles = close_titles.filter(language__in=languages)
    closeness = (
        close_titles.filter(resource_id=OuterRef("pk"))
        .values("resource_id")
        .annotate(best=Max("closeness"))
        .values("best")
    )
    return (
        found.filter(matching | (Q(nothing) & Q(pk__in=close_titles.values("resource_id"))))
        .alias(
            search_score=Case(
                When(nothing, then=Subquery(closeness)), default=Subquery(score), output_field=FloatField()
            )
        )
        .order_by(*ORDER)
    )


class _Once(Func):
    """The words typed as a tsquery computed once per search (an InitPlan). The planner cannot read the words
    then, so it takes the default selectivity of ``@@`` and reads the GIN index: given the query itself, it
    estimated a common word read in four configurations ("'mentor' | 'mentoring' | 'mentoring' | ...") to
    match half the documents and scanned them all (10.6 of 16 ms at 2,900 versions)."""

    template = "(SELECT %(expressions)s)"
    output_field = SearchQueryField()


def _matches(vector: Combinable, query: Combinable) -> Func:
    return Func(vector, query, template="(%(expressions)s)", arg_joiner=" @@ ", output_field=BooleanField())


_trigram: dict[str, bool] = {}


def _has_trigram() -> bool:
    """Whether pg_trgm is installed (asked once per process: migration 0020 creates it when it may)."""
    if connection.alias not in _trigram:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _trigram[connection.alias] = cursor.fetchone() is not None
    return _trigram[connection.alias]


def _tsquery(q: str) -> SearchQuery:
    """The words typed, read in every language of the desk (web-search syntax: quotes, "or", "-")."""
    first, *others = [
        *(SearchQuery(q, config=config, search_type="websearch") for config in CONFIGS.values()),
        SearchQuery(unaccented(q), config="simple", search_type="websearch"),
    ]
    query = first
    for other in others:
        query = query | other
    return query


def match_expression(q: str) -> str:
    """The FTS5 query for what was typed: every word (folded), each matching the words it begins; "" when
    nothing searchable was typed."""
    words = _WORD.findall(fold(q).replace("_", " "))[:MAX_WORDS]
    return " ".join(f'"{word}"*' if len(word) > 2 else f'"{word}"' for word in words)


# The FTS5 read (SQLite): only a constant and placeholders go into it; {languages} is empty or a run of "%s".
_MATCHING = "SELECT resource_id FROM helpdesk_resource_fts WHERE helpdesk_resource_fts MATCH %s{languages}"


def _search_sqlite(found: QuerySet[Resource], *, q: str, languages: Sequence[str]) -> QuerySet[Resource]:
    """The column weights as grades: all the words in a title (2), in a summary (1), anywhere (0); then the
    newest. Each grade is one pass over the index, run once per query (not per resource): bm25 cannot be
    aggregated per resource in a subquery, and reading it per resource cost 0.3 s at 3,000 matches."""
    match = match_expression(q)
    if not match:
        return found.none()
    params = list(languages)
    sql = _MATCHING.format(languages=f" AND language IN ({', '.join(['%s'] * len(params))})" if params else "")

    def matching(expression: str) -> RawSQL:
        return RawSQL(sql, [expression, *params])  # noqa: S611

    grade = Case(
        When(pk__in=matching(f"{{title}} : ({match})"), then=Value(2.0)),
        When(pk__in=matching(f"{{summary}} : ({match})"), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return found.filter(pk__in=matching(match)).alias(search_score=grade).order_by(*ORDER)
