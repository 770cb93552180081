"""PDF attachments: parsed with pypdf and refused when anything in them can act when the file is opened.

Three lines of defence, each cheap enough for a file of ``ATTACHMENT_MAX_BYTES``:

1. Nothing before the ``%PDF-`` header and nothing but white space after the last ``%%EOF``, and no HTML
   between the objects: a PDF that is also a web page (a polyglot) is refused.
2. The raw bytes outside stream bodies, ``#xx`` name escapes decoded (``/Java#53cript`` is ``/JavaScript``),
   must not name JavaScript, launch actions, embedded files, XFA or rich media. This sees what a damaged
   file hides from a parser but not what is compressed.
3. pypdf reads the file and every object it lists, those packed in compressed object streams included, is
   walked with everything nested in it (catalogue, pages, annotations, name trees, AcroForm, actions); the
   same keys and action types anywhere refuse the file. pypdf decodes name escapes itself. A PDF pypdf
   cannot read, or that needs a password, is refused: the person can save it again.
"""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from helpdesk.attachment_common import MARKUP_BYTES, AttachmentRefused, refuse

# The walk stops (and refuses) past this many objects. pypdf parses 10,000 to 15,000 a second, so this bounds
# the check to about two seconds; a real document of 10 MB has a few thousand (a 6,000-page one 18,000).
MAX_PDF_OBJECTS = 30_000

_SCRIPTS = _("PDF files with scripts or embedded files cannot be attached.")
_XFA = _("PDF files with dynamic (XFA) forms cannot be attached: print the form to a new PDF.")
_MEDIA = _("PDF files with embedded media cannot be attached.")
_UNREADABLE = _("This PDF cannot be read; save it again without password.")
_POLYGLOT = _("This PDF has other content before or after it: save it again as a PDF.")
_TOO_COMPLEX = _("This PDF has too many parts to be checked.")

# Dictionary keys and name values, each with the reason it gives. ``/Launch`` and ``/JavaScript`` as a
# value are action types (``/S``), ``/EmbeddedFile`` and ``/RichMedia`` are types and subtypes.
_ACTIVE_KEYS = {
    "/JS": _SCRIPTS,
    "/JavaScript": _SCRIPTS,
    "/EmbeddedFile": _SCRIPTS,
    "/EmbeddedFiles": _SCRIPTS,
    "/EF": _SCRIPTS,
    "/XFA": _XFA,
    "/RichMedia": _MEDIA,
    "/RichMediaContent": _MEDIA,
    "/RichMediaSettings": _MEDIA,
}
_ACTIVE_NAMES = {
    "/JavaScript": _SCRIPTS,
    "/Launch": _SCRIPTS,
    "/GoToE": _SCRIPTS,
    "/EmbeddedFile": _SCRIPTS,
    "/RichMedia": _MEDIA,
}
_RAW_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|XFA|RichMedia)(?![A-Za-z0-9])")
_RAW_REASONS = {b"XFA": _XFA, b"RichMedia": _MEDIA}
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# A stream's body runs from the line after ``stream`` to ``endstream``; compressed bodies are noise in which
# "/JS" turns up by chance about once in 20 MB, and XMP metadata is XML, so both are left to the parser.
_STREAM_START = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
# What the walk looks into; strings and numbers cannot act and are not kept.
_CONTAINERS = (IndirectObject, DictionaryObject, ArrayObject, NameObject)
_TRAILING_BLANKS = b" \t\r\n\x00\x0c"


def check_pdf(content: bytes) -> None:
    """Raise ``AttachmentRefused`` unless ``content`` is a PDF alone, readable, and inert."""
    end = content.rfind(b"%%EOF")
    if end < 0:
        raise refuse(_UNREADABLE, "pdf_unreadable")
    if content[end + 5 :].strip(_TRAILING_BLANKS):
        raise refuse(_POLYGLOT, "polyglot")
    outside_streams = _without_stream_bodies(content)
    if MARKUP_BYTES.search(outside_streams):
        raise refuse(_POLYGLOT, "polyglot")
    unescaped = _NAME_ESCAPE.sub(lambda match: bytes.fromhex(match.group(1).decode()), outside_streams)
    found = _RAW_ACTIVE.search(unescaped)
    if found:
        raise refuse(_RAW_REASONS.get(found.group(1), _SCRIPTS), "pdf_active")
    _walk(_read(content))


def _without_stream_bodies(content: bytes) -> bytes:
    """``content`` with each stream's body cut out, in one pass (an unterminated last body is kept: a
    pattern searching for each body's end would read the rest of the file once per ``stream`` keyword)."""
    pieces = []
    position = 0
    while (start := _STREAM_START.search(content, position)) is not None:
        end = content.find(b"endstream", start.end())
        if end < 0:
            break
        pieces.append(content[position : start.end()])
        position = end
    pieces.append(content[position:])
    return b"".join(pieces)


def _read(content: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        # An owner password alone (printing or copying restricted) opens with the empty user password.
        if reader.is_encrypted and not reader.decrypt(""):
            raise refuse(_UNREADABLE, "pdf_unreadable")
    # pypdf raises many kinds of error on a damaged file (its own, ValueError, KeyError, zlib's, a
    # DependencyError for AES without a crypto library...): any of them means the file cannot be checked.
    except AttachmentRefused:
        raise
    except Exception as error:
        raise refuse(_UNREADABLE, "pdf_unreadable") from error
    return reader


def _walk(reader: PdfReader) -> None:
    """Visit the trailer and every object the cross-reference lists, and everything nested in them; the
    indirect objects are counted, the direct ones are bounded by the file's size."""
    pending: list[object] = [reader.trailer]
    for generation, table in reader.xref.items():
        pending.extend(IndirectObject(number, generation, reader) for number in table)
    pending.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    if len(pending) > MAX_PDF_OBJECTS:  # Known before parsing any of them.
        raise refuse(_TOO_COMPLEX, "too_complex")
    seen: set[tuple[int, int]] = set()
    visited = 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            visited += 1
            if visited > MAX_PDF_OBJECTS:
                raise refuse(_TOO_COMPLEX, "too_complex")
            try:
                pending.append(item.get_object())
            except Exception as error:  # A damaged object: the file cannot be checked (see ``_read``).
                raise refuse(_UNREADABLE, "pdf_unreadable") from error
        elif isinstance(item, DictionaryObject):  # Streams too: their dictionary, not their data.
            for name, value in item.items():
                reason = _ACTIVE_KEYS.get(str(name))
                if reason is not None:
                    raise refuse(reason, "pdf_active")
                if isinstance(value, _CONTAINERS):
                    pending.append(value)
        elif isinstance(item, ArrayObject):
            pending.extend(value for value in item if isinstance(value, _CONTAINERS))
        elif isinstance(item, NameObject):
            reason = _ACTIVE_NAMES.get(str(item))
            if reason is not None:
                raise refuse(reason, "pdf_active")
