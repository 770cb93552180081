"""Images and Office documents: their structure read, not their first bytes trusted.

An image must decode (Pillow opens and verifies it) and end where its format says it ends: a PNG at its
``IEND`` chunk, a JPEG at the ``EOI`` marker found by walking its segments (an Exif thumbnail's own ``EOI``
sits inside a segment and is skipped). Only blank padding or, for a JPEG, further whole JPEG pictures (the
multi-picture format phones use for previews and depth maps) may follow; anything else, HTML appended to
make a polyglot first of all, refuses the file.

An Office Open XML document (docx, xlsx, pptx) is a zip archive: refused when it carries macros (a VBA
project, a macro-enabled content type, Excel 4 macro sheets), ActiveX controls or embedded binary objects,
and when it would unpack to more than ``ATTACHMENT_MAX_UNPACKED_BYTES`` in total, has a part compressed
more than ``MAX_COMPRESSION_RATIO`` to one, or has more than ``MAX_ZIP_ENTRIES`` parts (zip bombs). The sizes
checked are those the archive declares.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

from helpdesk.attachment_common import refuse

PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

MAX_ZIP_ENTRIES = 5000
MAX_COMPRESSION_RATIO = 100
# Small parts (styles, repeated XML) legitimately compress very well; the ratio is checked above this size.
_RATIO_FROM_BYTES = 1 << 20
_MAX_CONTENT_TYPES_BYTES = 1 << 20
_MAX_JPEG_PICTURES = 16
_PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG"}
_BLANKS = b" \t\r\n\x00"
# In entropy-coded data ``FF00`` is a stuffed byte, ``FFD0``-``FFD7`` restarts and ``FFFF`` fill: any other
# ``FF`` pair is the next marker (found by the regex engine, not byte by byte in Python).
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_OOXML_MAIN = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml", PPTX: "ppt/presentation.xml"}
_MACRO_TYPES = (b"macroenabled", b"vbaproject", b"vbadata", b"macrosheet")

_MACROS = _("Office files with macros cannot be attached: save it without macros.")
_OBJECTS = _("Office files with ActiveX controls or embedded objects cannot be attached: save it without them.")
_IMAGE_UNREADABLE = _("This image cannot be read: save it again as PNG or JPEG.")
_IMAGE_POLYGLOT = _("This image has other content after its end: save it again as an image.")


# --- images -----------------------------------------------------------------------------------------------
def check_image(content: bytes, *, content_type: str) -> None:
    """Raise ``AttachmentRefused`` unless ``content`` is one whole PNG or JPEG picture (see the docstring)."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 89 and 179 million pixels; such an image is refused all the same.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                image_format = image.format
                image.verify()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise refuse(_("This image has too many pixels to be checked."), "image_too_large") from error
    # Pillow raises OSError, SyntaxError, ValueError and others on a damaged file.
    except Exception as error:
        raise refuse(_IMAGE_UNREADABLE, "image_unreadable") from error
    if image_format != _PILLOW_FORMATS[content_type]:
        raise refuse(_IMAGE_UNREADABLE, "image_unreadable")
    end = _png_end(content) if content_type == PNG else _jpeg_end(content, 0)
    pictures = 1
    while end is not None and content_type == JPEG and content.startswith(b"\xff\xd8", end):
        pictures += 1
        end = _jpeg_end(content, end) if pictures <= _MAX_JPEG_PICTURES else None
    if end is None:
        raise refuse(_IMAGE_UNREADABLE, "image_unreadable")
    if content[end:].strip(_BLANKS):
        raise refuse(_IMAGE_POLYGLOT, "polyglot")


def _png_end(content: bytes) -> int | None:
    """Where the ``IEND`` chunk ends (after its CRC), walking chunk by chunk from the signature."""
    position = 8
    while position + 12 <= len(content):
        length = int.from_bytes(content[position : position + 4], "big")
        kind = content[position + 4 : position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position if position <= len(content) else None
    return None


def _jpeg_end(content: bytes, start: int) -> int | None:
    """Where the JPEG starting at ``start`` ends (after its ``EOI``), walking its segments: each marker's
    length is skipped whole (an Exif thumbnail's ``FFD9`` is inside one), and after a start-of-scan the
    entropy-coded data runs to the next marker that is neither a stuffed ``FF00`` nor a restart."""
    size = len(content)
    if content[start : start + 2] != b"\xff\xd8":
        return None
    position = start + 2
    while position < size:
        if content[position] != 0xFF:
            return None
        while position < size and content[position] == 0xFF:  # Fill bytes may precede a marker.
            position += 1
        if position >= size:
            return None
        marker = content[position]
        position += 1
        if marker == 0xD9:
            return position
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # No length follows these.
            continue
        if position + 2 > size:
            return None
        length = int.from_bytes(content[position : position + 2], "big")
        if length < 2:
            return None
        position += length
        if marker == 0xDA:
            position = _scan_end(content, position)
            if position < 0:
                return None
    return None


def _scan_end(content: bytes, position: int) -> int:
    """The offset of the marker that ends the entropy-coded data from ``position``, or -1."""
    found = _SCAN_END.search(content, position)
    return -1 if found is None else found.start()


# --- Office Open XML --------------------------------------------------------------------------------------
def ooxml_type(content: bytes) -> str | None:
    """The Office type of a zip archive, ``None`` for any other archive; refused when it is hostile."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            _check_archive(infos)
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names:
                return None
            content_types = archive.getinfo("[Content_Types].xml")
            if content_types.file_size > _MAX_CONTENT_TYPES_BYTES:
                raise refuse(_("This Office document has too many parts to be checked."), "too_complex")
            declared = archive.read(content_types).lower()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        return None
    _check_parts(names, declared)
    for content_type, main in _OOXML_MAIN.items():
        if main in names:
            return content_type
    return None


def _check_archive(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ZIP_ENTRIES:
        raise refuse(_("This Office document has too many parts to be checked."), "too_complex")
    if any(info.flag_bits & 0x1 for info in infos):
        raise refuse(_("Encrypted files cannot be attached."), "encrypted")
    limit = settings.ATTACHMENT_MAX_UNPACKED_BYTES
    if sum(info.file_size for info in infos) > limit:
        raise refuse(
            _("This Office document unpacks to more than %(limit)s and cannot be checked.")
            % {"limit": filesizeformat(limit)},
            "zip_bomb",
        )
    for info in infos:
        if info.file_size > _RATIO_FROM_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise refuse(_("This Office document has a part compressed suspiciously tightly (a zip bomb)."), "zip_bomb")


def _check_parts(names: set[str], content_types: bytes) -> None:
    lowered = [name.lower() for name in names]
    if any(kind in content_types for kind in _MACRO_TYPES) or any(
        name.endswith(("vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml")) or "/macrosheets/" in name
        for name in lowered
    ):
        raise refuse(_MACROS, "macros")
    # Printer settings are the one binary part ordinary documents carry; other ``.bin`` parts are OLE objects.
    if b"activex" in content_types or any(
        "/activex/" in name or (name.endswith(".bin") and "/printersettings/" not in name) for name in lowered
    ):
        raise refuse(_OBJECTS, "embedded_objects")
