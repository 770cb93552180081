"""What the attachment checks share: the refusal they raise, whose message says why in the reader's language,
and what counts as markup a browser would run."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AttachmentRefused(ValidationError):
    """A file the desk does not accept; the message says why, in the reader's language."""


def refuse(message: StrOrPromise, code: str) -> AttachmentRefused:
    return AttachmentRefused(message, code=code)


# The start of an element a browser acts on. HTML allows no space between ``<`` and the tag's name; up to 64
# are matched all the same, bounded so that a scan in chunks finds a tag split across two of them.
_TAGS = r"<\s{0,64}(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|link|style|\?xml|xsl|a\s|img|form)"
MARKUP = re.compile(_TAGS, re.IGNORECASE)
MARKUP_BYTES = re.compile(_TAGS.encode(), re.IGNORECASE)
# The longest text ``MARKUP`` can match: what a chunked scan keeps of one chunk to search with the next.
MARKUP_SPAN = 80
