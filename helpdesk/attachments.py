"""What may be attached to a request: checked by content, not by the name or type the browser claims.

Accepted: PDF, Word/Excel/PowerPoint (docx, xlsx, pptx and the legacy doc, xls, ppt), PNG, JPEG, plain text
and CSV, up to ``settings.ATTACHMENT_MAX_BYTES``. Refused: HTML, SVG, XML, scripts, executables, archives,
macro-enabled Office files, PDFs carrying JavaScript or launch actions, empty files, and anything whose
content does not match the extension of its name (an HTML page renamed ``report.pdf``).

How each kind is checked: ``helpdesk.attachment_pdf`` (PDFs parsed whole with pypdf, polyglots refused),
``helpdesk.attachment_containers`` (images decoded by Pillow and ending where their format ends; Office
archives without macros, ActiveX or embedded objects, and no zip bombs); text and CSV are decoded and
scanned whole for markup here, in chunks.

Known limits: a PDF is refused when pypdf cannot read it or it needs a password (AES-encrypted PDFs too,
even with an owner password only, as no crypto library is installed); the raw-bytes check does not look
inside stream bodies and the parser does not decode content streams (nothing in them can run); Office
archives are judged by the sizes they declare, and their XML parts are not parsed; legacy Office files
(doc, xls, ppt) are recognised by their stream names, not parsed; a photo with a vendor trailer after its
last picture is refused (it can be saved again); text files are not screened for personal data. Downloads
are always ``Content-Disposition: attachment`` with ``nosniff``, so a browser never runs what a check
misses.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from helpdesk.attachment_common import MARKUP, MARKUP_SPAN, AttachmentRefused, refuse
from helpdesk.attachment_containers import DOCX, JPEG, PNG, PPTX, XLSX, check_image, ooxml_type
from helpdesk.attachment_pdf import check_pdf
from helpdesk.sanitize import clean_text

__all__ = ["ACCEPTED_EXTENSIONS", "AttachmentRefused", "Inspected", "inspect_upload", "safe_name"]

PDF = "application/pdf"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"

# Detected type → the extensions a file of that type may carry.
EXTENSIONS = {
    PDF: {"pdf"},
    PNG: {"png"},
    JPEG: {"jpg", "jpeg"},
    DOCX: {"docx"},
    XLSX: {"xlsx"},
    PPTX: {"pptx"},
    DOC: {"doc"},
    XLS: {"xls"},
    PPT: {"ppt"},
    "text/plain": {"txt", "text", "md"},
    "text/csv": {"csv"},
}
ACCEPTED_EXTENSIONS = sorted({ext for exts in EXTENSIONS.values() for ext in exts})

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Legacy Office files are OLE containers; the main stream's name (UTF-16LE in the directory) says which.
_OLE_STREAMS = {
    DOC: "WordDocument".encode("utf-16-le"),
    XLS: "Workbook".encode("utf-16-le"),
    PPT: "PowerPoint Document".encode("utf-16-le"),
}
_OLE_XLS_OLD = "Book".encode("utf-16-le")
_OLE_MACROS = ("_VBA_PROJECT".encode("utf-16-le"), "Macros".encode("utf-16-le"))
# Text is decoded and scanned a chunk at a time: never more than this many bytes' worth of text in memory.
TEXT_CHUNK_BYTES = 1 << 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MARKUP_REFUSAL = _("Web pages, SVG and XML files cannot be attached: attach a PDF instead.")
# HTML in front of a PDF header that viewers still find (they look through the first kilobyte).
_PDF_HEADER_WINDOW = 1024
_REFUSED_KINDS = {
    "application/x-msdownload": _("Programs cannot be attached."),
    "application/x-executable": _("Programs cannot be attached."),
    "application/x-mach-binary": _("Programs cannot be attached."),
    "application/zip": _("Archives cannot be attached: attach the documents themselves."),
    "application/x-rar-compressed": _("Archives cannot be attached: attach the documents themselves."),
    "application/x-7z-compressed": _("Archives cannot be attached: attach the documents themselves."),
    "application/gzip": _("Archives cannot be attached: attach the documents themselves."),
    "application/x-tar": _("Archives cannot be attached: attach the documents themselves."),
}


@dataclass(frozen=True)
class Inspected:
    name: str
    extension: str
    content_type: str
    size: int
    content: bytes


def safe_name(name: str) -> str:
    """The file's name as shown and sent back: no folders, no control or bidi characters, 255 at most."""
    base = clean_text(os.path.basename(name.replace("\\", "/"))).lstrip(". ")
    base = re.sub(r"[\x00-\x1f\"<>:|?*]", "_", base) or "attachment"
    stem, dot, ext = base.rpartition(".")
    if len(base) > 255:
        base = (stem[: 254 - len(ext)] + dot + ext) if dot else base[:255]
    return base


def _extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def _ole_type(content: bytes) -> str | None:
    if any(marker in content for marker in _OLE_MACROS):
        raise refuse(_("Office files with macros cannot be attached: save it without macros."), "macros")
    for content_type, stream in _OLE_STREAMS.items():
        if stream in content:
            return content_type
    return XLS if _OLE_XLS_OLD in content else None


def _text_type(content: bytes, extension: str) -> str | None:
    """Plain text or CSV: decodes cleanly, no control characters, and no markup a browser would run, anywhere
    in the file (a tag split across two chunks is found: each chunk is searched with the end of the last)."""
    if content[:2] in {b"\xff\xfe", b"\xfe\xff"}:
        candidates = [("utf-16", "utf-16")]
    else:
        candidates = [("utf-8-sig", "utf-8"), ("cp1252", "windows-1252")]
    for codec, charset in candidates:
        try:
            clean = _text_is_clean(content, codec)
        except UnicodeDecodeError:
            continue
        if not clean:
            return None
        return f"{'text/csv' if extension == 'csv' else 'text/plain'}; charset={charset}"
    return None


def _text_is_clean(content: bytes, codec: str) -> bool:
    """False on a control character; raises on markup, and ``UnicodeDecodeError`` when ``codec`` fails."""
    tail = ""
    for text in _decoded_chunks(content, codec):
        if _CONTROL.search(text):
            return False
        if MARKUP.search(tail + text):
            raise refuse(_MARKUP_REFUSAL, "markup")
        tail = text[-MARKUP_SPAN:]
    return True


def _decoded_chunks(content: bytes, codec: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(content)
    for start in range(0, len(content), TEXT_CHUNK_BYTES):
        end = start + TEXT_CHUNK_BYTES
        yield decoder.decode(view[start:end], final=end >= len(content))


def inspect_upload(upload: IO[bytes], *, name: str, size: int | None = None) -> Inspected:
    """Check an uploaded file; returns what to store or raises ``AttachmentRefused`` with a clear reason."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if size is not None and size > limit:
        raise refuse(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            "too_large",
        )
    # From the start, unless it is a stream read once (a kept file in a bucket, helpdesk.storage).
    if hasattr(upload, "seek") and (not hasattr(upload, "seekable") or upload.seekable()):
        upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise refuse(_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}, "too_large")
    if not content:
        raise refuse(_("The file is empty."), "empty")
    display_name = safe_name(name)
    extension = _extension(display_name)
    if extension not in ACCEPTED_EXTENSIONS:
        raise refuse(
            _("Files of this type cannot be attached. Accepted: %(types)s.")
            % {"types": ", ".join(ACCEPTED_EXTENSIONS)},
            "type_not_allowed",
        )

    guess = filetype.guess(content[:8192])
    detected: str | None = None
    if content.startswith(b"%PDF-"):
        detected = PDF
        check_pdf(content)
    elif extension == "pdf" and b"%PDF-" in content[:_PDF_HEADER_WINDOW]:
        raise refuse(_("This PDF has other content before or after it: save it again as a PDF."), "polyglot")
    elif guess is not None and guess.mime in {PNG, JPEG}:
        detected = guess.mime
        check_image(content, content_type=detected)
    elif content.startswith(b"PK\x03\x04"):
        detected = ooxml_type(content)
        if detected is None:
            raise refuse(_("Archives cannot be attached: attach the documents themselves."), "archive")
    elif content.startswith(_OLE_SIGNATURE):
        detected = _ole_type(content)
    elif guess is not None:
        reason = _REFUSED_KINDS.get(guess.mime)
        if reason is not None:
            raise refuse(reason, "type_not_allowed")
    else:
        detected = _text_type(content, extension)

    if detected is None:
        raise refuse(
            _("The file's content is not one of the accepted types (%(types)s).")
            % {"types": ", ".join(ACCEPTED_EXTENSIONS)},
            "unknown_content",
        )
    if extension not in EXTENSIONS[detected.split(";")[0]]:
        raise refuse(
            _("The file's content does not match its name (.%(extension)s).") % {"extension": extension},
            "mismatch",
        )
    return Inspected(display_name, extension, detected, len(content), content)
