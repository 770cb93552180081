"""What may be attached to a request: checked by content, not by the name or type the browser claims.

Accepted: PDF, Word/Excel/PowerPoint (docx, xlsx, pptx and the legacy doc, xls, ppt), PNG, JPEG, plain text
and CSV, up to ``settings.ATTACHMENT_MAX_BYTES``. Refused: HTML, SVG, XML, scripts, executables, archives,
macro-enabled Office files, PDFs carrying JavaScript or launch actions, empty files, and anything whose
content does not match the extension of its name (an HTML page renamed ``report.pdf``).

Known limits: PDF JavaScript hidden inside compressed object streams is not seen (downloads are always
``Content-Disposition: attachment`` with ``nosniff``, so the browser never runs it); legacy Office files
are recognised by their stream names, not fully parsed; text files are not screened for personal data.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from helpdesk.sanitize import clean_text

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
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
_OOXML_MAIN = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml", PPTX: "ppt/presentation.xml"}
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia)\b")
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|link|style|\?xml|xsl|a\s|img|form)",
    re.IGNORECASE,
)
_MAX_ZIP_ENTRIES = 5000
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


class AttachmentRefused(ValidationError):
    """A file the desk does not accept; the message says why, in the reader's language."""


@dataclass(frozen=True)
class Inspected:
    name: str
    extension: str
    content_type: str
    size: int
    content: bytes


def _refuse(message: StrOrPromise, code: str) -> AttachmentRefused:
    return AttachmentRefused(message, code=code)


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


def _ooxml_type(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_ENTRIES:
                raise _refuse(_("This Office document has too many parts to be checked."), "too_complex")
            names = {info.filename for info in infos}
            if any(info.flag_bits & 0x1 for info in infos):
                raise _refuse(_("Encrypted files cannot be attached."), "encrypted")
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refuse(_("Office files with macros cannot be attached: save it without macros."), "macros")
    for content_type, main in _OOXML_MAIN.items():
        if main in names:
            return content_type
    return None


def _ole_type(content: bytes) -> str | None:
    if any(marker in content for marker in _OLE_MACROS):
        raise _refuse(_("Office files with macros cannot be attached: save it without macros."), "macros")
    for content_type, stream in _OLE_STREAMS.items():
        if stream in content:
            return content_type
    return XLS if _OLE_XLS_OLD in content else None


def _text_type(content: bytes, extension: str) -> str | None:
    """Plain text or CSV: decodes cleanly, no control characters, and no markup a browser would run."""
    if content[:2] in {b"\xff\xfe", b"\xfe\xff"}:
        candidates = [("utf-16", "utf-16")]
    else:
        candidates = [("utf-8-sig", "utf-8"), ("cp1252", "windows-1252")]
    for codec, name in candidates:
        try:
            text = content.decode(codec)
        except UnicodeDecodeError:
            continue
        charset = name
        break
    else:
        return None
    if re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", text):
        return None
    if _MARKUP.search(text[:65536].encode("utf-8", "ignore")):
        raise _refuse(_("Web pages, SVG and XML files cannot be attached: attach a PDF instead."), "markup")
    return f"{'text/csv' if extension == 'csv' else 'text/plain'}; charset={charset}"


def inspect_upload(upload: IO[bytes], *, name: str, size: int | None = None) -> Inspected:
    """Check an uploaded file; returns what to store or raises ``AttachmentRefused`` with a clear reason."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if size is not None and size > limit:
        raise _refuse(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            "too_large",
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _refuse(_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}, "too_large")
    if not content:
        raise _refuse(_("The file is empty."), "empty")
    display_name = safe_name(name)
    extension = _extension(display_name)
    if extension not in ACCEPTED_EXTENSIONS:
        raise _refuse(
            _("Files of this type cannot be attached. Accepted: %(types)s.")
            % {"types": ", ".join(ACCEPTED_EXTENSIONS)},
            "type_not_allowed",
        )

    guess = filetype.guess(content[:8192])
    detected: str | None = None
    if content.startswith(b"%PDF-"):
        detected = PDF
        if _PDF_ACTIVE.search(content):
            raise _refuse(_("PDF files with scripts or embedded files cannot be attached."), "pdf_active")
    elif guess is not None and guess.mime in {PNG, JPEG}:
        detected = guess.mime
    elif content.startswith(b"PK\x03\x04"):
        detected = _ooxml_type(content)
        if detected is None:
            raise _refuse(_("Archives cannot be attached: attach the documents themselves."), "archive")
    elif content.startswith(_OLE_SIGNATURE):
        detected = _ole_type(content)
    elif guess is not None:
        reason = _REFUSED_KINDS.get(guess.mime)
        if reason is not None:
            raise _refuse(reason, "type_not_allowed")
    else:
        detected = _text_type(content, extension)

    if detected is None:
        raise _refuse(
            _("The file's content is not one of the accepted types (%(types)s).")
            % {"types": ", ".join(ACCEPTED_EXTENSIONS)},
            "unknown_content",
        )
    if extension not in EXTENSIONS[detected.split(";")[0]]:
        raise _refuse(
            _("The file's content does not match its name (.%(extension)s).") % {"extension": extension},
            "mismatch",
        )
    return Inspected(display_name, extension, detected, len(content), content)
