"""Cleaning of user-written text on the way in: the only module that imports ``bleach``.

Every service that stores text a person wrote calls ``clean_html`` (rich text: descriptions, messages,
evaluation comments, delivery reports) or ``clean_text`` (plain fields: titles, names, reasons). What is
stored is therefore already safe to render; templates still escape plain fields as usual.

Rich text is also made safe on the way out (``render_html``), for rows that did not come through a
service: an import, a bulk load, an edit in the database. Parsing costs ~0.2 ms per message, which a
request page with 50 messages cannot pay on every view, so the hottest columns (a request's description,
a message's body) store a *seal* next to the text: a keyed hash of exactly what ``clean_html`` returned,
under the current allow-list. ``render_html`` trusts text whose seal matches and cleans everything else.
Text changed behind the services' back no longer matches (the key derives from ``SECRET_KEY``, which such
an edit does not know), nor does anything stored before the allow-list last changed.

What people type in a text box is Markdown (``markdown_html``): paragraphs, line breaks, lists, emphasis and
links, read by markdown-it-py (CommonMark, raw HTML off: a ``<`` someone types is a character), then cleaned
by the same allow-list with bare web addresses made links. The services store that cleaned HTML, so a page
shows it without parsing anything (rendering on every view would cost ~0.5 ms a message).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import html
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import bleach
from bleach import html5lib_shim
from bleach.linkifier import LinkifyFilter
from bleach.sanitizer import Cleaner
from django.conf import settings
from django.utils.crypto import constant_time_compare
from markdown_it import MarkdownIt
from markdownify import markdownify

# A short allow-list: structure and emphasis, links, quotes and code. No images, tables, styles or
# classes: a request is prose, and every extra tag is one more thing to get wrong.
ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a", "blockquote", "code", "pre"})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"
# Change whenever the lists above change: every stored seal then stops matching and is cleaned again.
POLICY_VERSION = "1"
_SEAL_SALT = f"helpdesk.sanitize.seal.v{POLICY_VERSION}"
# Parsing cost grows faster than linearly with nesting: text with more tags than this is refused on the
# way in and shown as escaped text on the way out (5,000 tags take about 0.2 s; prose needs a few hundred).
MAX_TAGS = 5000

# Bidirectional embedding/override/isolate controls (U+202A–U+202E, U+2066–U+2069) let a filename or a
# sentence display differently from what it is ("invoice‮fdp.exe"). The plain marks U+200E/U+200F
# stay: Arabic and mixed-direction text needs them and they cannot reorder anything.
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 controls other than tab/newline/carriage return, DEL and the C1 block: never meaningful in prose.
_CONTROL_CHARS = "".join(chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127, *range(128, 160)])
_STRIP_TABLE = {ord(c): None for c in _BIDI_CONTROLS + _CONTROL_CHARS}
# Characters that carry nothing but can hide a word from a reader or a filter.
_ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]")


if TYPE_CHECKING:
    # bleach's stubs leave out html5lib_shim.Filter (bleach's vendored copy of html5lib's) and type bleach's own
    # filters with html5lib's class; html5lib itself is not installed, so only the type checker reads this.
    from html5lib.filters.base import Filter as _TokenFilter
else:
    _TokenFilter = html5lib_shim.Filter


class _LinkRelFilter(_TokenFilter):
    """Give every remaining link ``rel="nofollow noopener noreferrer"`` and no ``target``."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"} and token["name"] == "a":
                attrs = dict(token.get("data") or {})
                attrs.pop((None, "target"), None)
                attrs[(None, "rel")] = LINK_REL
                token["data"] = attrs
            yield token


_cleaner = Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_LinkRelFilter],
)


# Markdown as people write it in a message: CommonMark with a single newline kept as a line break. Raw HTML
# is text; images, headings (a line starting with "#" is a sentence here) and indented code blocks (a
# paragraph pasted with a leading indent is still prose) are left out; fenced code stays.
_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable(["image", "heading", "lheading", "code"])
# A link goes to the web or to an e-mail address, never to a path of the desk or another scheme; any other
# link stays the text it was written as.
_markdown.validateLink = lambda url: url.strip().lower().startswith(("http://", "https://", "mailto:"))  # type: ignore[method-assign]
# The allow-list's cleaner, which also turns bare web addresses into links (not inside code).
_linking_cleaner = Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[functools.partial(LinkifyFilter, callbacks=[], skip_tags={"pre", "code"}), _LinkRelFilter],
)


def strip_controls(text: str) -> str:
    """Remove null bytes, other control characters, bidi overrides and zero-width characters."""
    return _ZERO_WIDTH.sub("", text.translate(_STRIP_TABLE))


def clean_html(text: str | None) -> str:
    """User-written rich text reduced to the allow-list, ready to store and to render as is.

    Tags outside the list are removed (their text kept, escaped); attributes other than a link's
    ``href``/``title`` are dropped, as are links whose scheme is not http, https or mailto
    (``javascript:``, ``data:``, ``vbscript:`` …). Links get ``rel="nofollow noopener noreferrer"``.
    """
    if not text:
        return ""
    text = strip_controls(text)
    if text.count("<") > MAX_TAGS:
        # Too nested to parse cheaply (and no prose needs it): keep the characters, lose the markup.
        return html.escape(text).strip()
    return _cleaner.clean(text).strip()


def markdown_html(text: str | None) -> str:
    """What a person typed (Markdown) as rich text to store: the HTML markdown-it writes, reduced to the
    allow-list, with bare web addresses made links; ``clean_html`` returns it unchanged (tested).

    Links keep only http, https and mailto addresses and get ``rel="nofollow noopener noreferrer"``; what
    the allow-list lacks (a horizontal rule) is dropped, its text kept.
    """
    if not text:
        return ""
    text = strip_controls(text)
    rendered = _markdown.render(text)
    if rendered.count("<") > MAX_TAGS:
        # Thousands of list items are no message: keep the characters, lose the shape.
        return html.escape(text).strip()
    return _linking_cleaner.clean(rendered).strip()


@functools.lru_cache(maxsize=4)
def _seal_key(salt: str, secret: str) -> bytes:
    # What django.utils.crypto.salted_hmac derives on every call; a page checks fifty seals.
    return hashlib.sha256((salt + secret).encode()).digest()


def seal(cleaned: str) -> str:
    """The seal to store next to ``cleaned`` (the output of ``clean_html``); empty text needs none.

    Equal to ``salted_hmac(_SEAL_SALT, cleaned, algorithm="sha256").hexdigest()`` (tested).
    """
    if not cleaned:
        return ""
    key = _seal_key(_SEAL_SALT, settings.SECRET_KEY)
    return hmac.new(key, cleaned.encode(), hashlib.sha256).hexdigest()


def is_sealed(text: str, stored_seal: str) -> bool:
    return bool(stored_seal) and constant_time_compare(stored_seal, seal(text))


def render_html(text: str | None, *, sealed_with: str = "", max_chars: int = 100_000) -> str:
    """Stored rich text made safe to render.

    Text whose seal matches is returned as stored (``clean_html`` produced it under the current policy);
    anything else is cleaned again, or escaped when too big or too nested to parse cheaply (only rows
    written around the services can be: the services refuse such text).
    """
    if not text:
        return ""
    if sealed_with and is_sealed(text, sealed_with):
        return text
    if len(text) > max_chars:
        return html.escape(strip_controls(text[:max_chars]))
    return clean_html(text)


# Markup that gives text its shape: stored rich text with none of it is a person's words as typed.
_SHAPED = re.compile(r"<(?:p|br|ul|ol|li|blockquote|pre)\b", re.IGNORECASE)


def render_typed(text: str | None, *, sealed_with: str = "", max_chars: int = 100_000) -> str:
    """Stored rich text that a person typed in a box and may edit again (a request's description), made safe
    to render and given its shape.

    The intake service stores what was typed as cleaned (the edit form shows it again as typed), so such
    text carries no structure: it is read as the Markdown it was written in (``markdown_html``, about 0.5 ms,
    once per page). Text that already has its shape (written as HTML by an import or a service) is shown as
    ``render_html`` shows it.
    """
    if not text:
        return ""
    if len(text) > max_chars or _SHAPED.search(text):
        return render_html(text, sealed_with=sealed_with, max_chars=max_chars)
    return _typed_html(text)


# A request page is opened again and again while its description stays the same: each process keeps the
# last few renderings (the output depends on the text alone; at most a few MB).
@functools.lru_cache(maxsize=128)
def _typed_html(text: str) -> str:
    # The cleaner wrote "<", ">" and "&" as entities; Markdown reads the characters the person typed.
    return markdown_html(html.unescape(text))


def clean_text(text: str | None) -> str:
    """A plain field (title, name, reason): control and bidi characters removed, whitespace trimmed.

    Markup is left as the characters it is: plain fields are escaped when rendered, never trusted.
    """
    if not text:
        return ""
    return strip_controls(text).strip()


def html_to_text(text: str | None) -> str:
    """The words of stored rich text without any markup (for exports, search snippets, screening)."""
    if not text:
        return ""
    return html.unescape(bleach.clean(text, tags=set(), attributes={}, strip=True, strip_comments=True)).strip()


def html_to_markdown(text: str | None) -> str:
    """Stored rich text as Markdown again, to edit it: what ``markdown_html`` made of it comes back as the marks
    that make it (bold, lists, links, quotes), so a person rewriting a text keeps its formatting."""
    if not text:
        return ""
    return markdownify(text, heading_style="ATX", bullets="-", escape_misc=False).strip()
