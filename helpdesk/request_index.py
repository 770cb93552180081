"""The queue's full-text search on PostgreSQL: the words of a request's title, and of its title, description and
summary, under two GIN expression indexes (migration 0028), read by ``helpdesk.selectors.request_search``.

A search used to be ``UPPER(column) LIKE '%term%'`` through trigram indexes: the planner could not tell how many
requests a word matches, and read the text of every candidate of the hub to count them (the count grew with the
years). The expressions here are the indexes' own, written once (``TITLE_SQL``, ``CONTENT_SQL``) for the migration
and the query alike: PostgreSQL uses an expression index only for the same expression.

Words are read with the ``simple`` configuration (lower case, no stemming, any language: requests are written in
English, French and Arabic, and one dictionary would stem the others wrongly), each word of three letters or more
as a prefix: "mentor" finds "mentoring", as the substring match did; every word typed must be there. Markup in a
description is a tag to the parser, not a word.

SQLite keeps the substring match (``icontains``): it reads a hub's candidates in date order until a page is full.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import BooleanField, F, Func, Q

CONFIG = "simple"
MAX_WORDS = 8
_WORD = re.compile(r"\w+")

# The indexed expressions, on the columns of ``helpdesk_supportrequest`` (the migration's and the query's).
_TEMPLATE = "to_tsvector('simple'::regconfig, %(expressions)s)"
_JOINER = " || ' ' || "
TITLE = ("title",)
# The title again in the content: a person who reads a request's text finds it by words from its title and its
# description together. All NOT NULL: no COALESCE, which the index would have to repeat.
CONTENT = ("title", "description", "summary")
SUMMARY = ("title", "summary")  # what an expert reads of a request they were let into
INDEXES = {
    "req_search_title_fts": _TEMPLATE % {"expressions": '"title"'},
    "req_search_content_fts": _TEMPLATE % {"expressions": _JOINER.join(f'"{name}"' for name in CONTENT)},
}


def vector(*fields: str) -> Func:
    """The ``tsvector`` of these columns: ``TITLE`` and ``CONTENT`` are indexed; ``SUMMARY`` (an expert's reach) is
    computed on the few rows it is asked of."""
    return Func(*(F(name) for name in fields), template=_TEMPLATE, arg_joiner=_JOINER, output_field=SearchVectorField())


def tsquery_text(term: str) -> str:
    """The ``to_tsquery`` text for what was typed: every word, a prefix from three letters; "" when no word was
    typed. Only word characters reach it, each quoted, so nothing typed is read as the query's own syntax."""
    words = _WORD.findall(term.replace("_", " ").lower())[:MAX_WORDS]
    return " & ".join(f"'{word}':*" if len(word) > 2 else f"'{word}'" for word in words)


def matches(vector: Func, query: SearchQuery) -> Q:
    return Q(Func(vector, query, template="(%(expressions)s)", arg_joiner=" @@ ", output_field=BooleanField()))


def query_for(term: str) -> SearchQuery | None:
    text = tsquery_text(term)
    return SearchQuery(text, config=CONFIG, search_type="raw") if text else None
