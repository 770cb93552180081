"""What the demo's resource hub holds: the management unit's training tools (``tools``), the hubs' guides
(``guides``), cities' own policies and city profiles (``cities``), the good practice drawn from closed requests
and what is still being written or reviewed (``practice``).

Content, not interface strings: each resource in the languages its people wrote it in, the first text the
original and the others translated from it, by the people named (``by``: a demo username). Bodies are
Markdown, wrapped here for reading; ``devtools.demo.resources.typed`` puts each paragraph on one line, as a
person types it in the resource form.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpdesk.models import Consent, ResourceKind, ResourceState

K = ResourceKind


@dataclass(frozen=True)
class Text:
    language: str
    by: str  # the demo username who wrote (or translated) it
    title: str
    summary: str
    body: str  # Markdown


@dataclass(frozen=True)
class DemoResource:
    kind: str
    themes: tuple[str, ...]
    priorities: tuple[int, ...]
    hub: str | None  # region code; None: network-wide
    texts: tuple[Text, ...]  # the original first, then its translations
    age: int  # days since it was published (or, unpublished, since it was written)
    state: str = ResourceState.PUBLISHED
    city: str | None = None  # the city whose experience it tells
    # Drawn from a closed demo request of ``city`` (its title), with the city's word on it.
    source: str | None = None
    consent: str = Consent.NOT_NEEDED
