"""Files to attach, built in code: the hostile ones the desk must refuse and clean ones it must still accept.

``hostile()`` and ``clean()`` map a case's name to ``(file name, content)``; each is built once per test run.
Every hostile file is something a viewer would open: the PDFs have a correct cross-reference table or
stream, the images decode, the Office files are well-formed archives.
"""

from __future__ import annotations

import functools
import io
import random
import struct
import zipfile
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, StreamObject, TextStringObject

HTML = b"<!DOCTYPE html><html><body><script>fetch('/steal?c='+document.cookie)</script></body></html>\n"
Case = tuple[str, bytes]


# --- PDF --------------------------------------------------------------------------------------------------
def raw_pdf(objects: list[bytes], *, root: int = 1) -> bytes:
    """A PDF of ``objects`` (object n is ``objects[n - 1]``) with a correct classic cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


_PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"


def _pdf_with_catalog(extra: bytes, *more: bytes) -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>", _PAGES, _PAGE, *more])


def pdf_in_object_stream(compressed: dict[int, bytes], plain: dict[int, bytes]) -> bytes:
    """A PDF 1.5 whose ``compressed`` objects live in a Flate object stream and whose cross-reference is a
    compressed stream too: none of their keys appear in the file's bytes. Object 1 must be the catalogue."""
    numbers = sorted(compressed)
    header = b""
    body = b""
    for number in numbers:
        header += b"%d %d " % (number, len(body))
        body += compressed[number] + b"\n"
    packed = zlib.compress(header + body)
    stream_number = max([*compressed, *plain]) + 1
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, text in sorted(plain.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + text + b"\nendobj\n"
    offsets[stream_number] = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        stream_number,
        len(numbers),
        len(header),
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    xref_number = stream_number + 1
    offsets[xref_number] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, xref_number + 1):
        if number in compressed:
            rows.append(struct.pack(">BIH", 2, stream_number, numbers.index(number)))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    table = zlib.compress(b"".join(rows))
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n" % (
        xref_number,
        xref_number + 1,
        len(table),
    )
    out += table + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def clean_pdf(pages: int = 1) -> bytes:
    """A real PDF written by pypdf: blank pages and a title."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Council minutes"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def big_clean_pdf(size: int) -> bytes:
    """A PDF of about ``size`` bytes: pages whose content streams are compressed noise, like scanned pages."""
    writer = PdfWriter()
    per_page = 200_000
    for index in range(max(1, size // per_page)):
        page = writer.add_blank_page(width=595, height=842)
        noise = random.Random(index).randbytes(per_page)
        page[NameObject("/Contents")] = writer._add_object(_flate_stream(zlib.compress(noise, level=1)))
    writer.add_metadata({"/Title": TextStringObject("Scanned report")})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _flate_stream(data: bytes) -> StreamObject:
    stream = StreamObject()
    stream.set_data(data)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    return stream


def _pdf_with_attachment() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("invoice.exe", b"MZ\x90\x00payload")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_with_xfa() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    form = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): writer._add_object(_flate_stream(b"<xdp:xdp><script>app.alert(1)</script>")),
            NameObject("/NeedAppearances"): NumberObject(1),
        }
    )
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_with_password() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_with_html_before_eof() -> bytes:
    """HTML slipped between the real end and a second ``startxref``/``%%EOF`` pointing back to the same table."""
    pdf = clean_pdf()
    start = pdf.rindex(b"startxref")
    return pdf + b"\n" + HTML + pdf[start:]


# --- images -----------------------------------------------------------------------------------------------
def png(size: tuple[int, int] = (16, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(size: tuple[int, int] = (16, 16), **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 30, 200)).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def jpeg_with_thumbnail() -> bytes:
    """A photo whose Exif block carries a thumbnail: a whole JPEG, ``FFD9`` included, before the real image."""
    exif = b"Exif\x00\x00" + b"II*\x00\x08\x00\x00\x00" + b"\x00\x00\x00\x00\x00\x00" + jpeg((8, 8))
    return jpeg((64, 48), exif=exif)


# --- Office -----------------------------------------------------------------------------------------------
_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>%s</Types>'
)


def office(parts: dict[str, bytes], *, types: bytes = b"", main: str = "word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES % types)
        archive.writestr("_rels/.rels", b"<Relationships/>")
        archive.writestr(main, b"<w:document><w:body><w:p>Plan</w:p></w:body></w:document>")
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bomb_docx(megabytes: int = 200) -> bytes:
    """A Word document whose one part inflates to ``megabytes`` MB of zeros (about 200 KB on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _TYPES % b"")
        archive.writestr("word/document.xml", b"<w:document/>")
        with archive.open("word/media/image1.xml", "w", force_zip64=True) as part:
            chunk = bytes(1 << 20)
            for _ in range(megabytes):
                part.write(chunk)
    return buffer.getvalue()


def ratio_bomb_docx() -> bytes:
    """Small in total (5 MB) but one part compressed a thousand to one."""
    return office({"word/media/filler.xml": bytes(5 << 20)})


# --- the corpus -------------------------------------------------------------------------------------------
LATE = 70 * 1024  # past the 64 KB the old check read


@functools.cache
def hostile() -> dict[str, Case]:
    pdf = clean_pdf()
    js = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    return {
        "pdf_name_escape_openaction": (
            "report.pdf",
            _pdf_with_catalog(b"/OpenAction << /S /Java#53cript /J#53 (app.alert\\(1\\)) >>"),
        ),
        "pdf_name_escape_launch": (
            "report.pdf",
            _pdf_with_catalog(b"/OpenAction << /S /L#61unch /F (cmd.exe) >>"),
        ),
        "pdf_js_in_object_stream": (
            "report.pdf",
            pdf_in_object_stream(
                {1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", 4: js},
                {2: _PAGES, 3: _PAGE},
            ),
        ),
        "pdf_js_in_names_tree_object_stream": (
            "report.pdf",
            pdf_in_object_stream(
                {
                    1: b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 4 0 R >> >>",
                    4: b"<< /Names [(a) 5 0 R] >>",
                },
                {2: _PAGES, 3: _PAGE, 5: js},
            ),
        ),
        "pdf_page_additional_action": (
            "report.pdf",
            raw_pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    _PAGES,
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O 4 0 R >> >>",
                    b"<< /S /#4aavaScript /JS 5 0 R >>",
                    b"<< /Length 13 >>\nstream\napp.alert(1);\nendstream",
                ]
            ),
        ),
        "pdf_annotation_launch": (
            "report.pdf",
            raw_pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    _PAGES,
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
                    b"<< /Type /Annot /Subtype /Link /Rect [0 0 200 200] /A << /S /Launch /F (calc.exe) >> >>",
                ]
            ),
        ),
        "pdf_embedded_file": ("report.pdf", _pdf_with_attachment()),
        "pdf_xfa": ("form.pdf", _pdf_with_xfa()),
        "pdf_rich_media": (
            "report.pdf",
            raw_pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    _PAGES,
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
                    b"<< /Type /Annot /Subtype /Rich#4dedia /Rect [0 0 200 200] >>",
                ]
            ),
        ),
        "pdf_with_password": ("report.pdf", _pdf_with_password()),
        "pdf_broken": ("report.pdf", pdf[: len(pdf) // 2]),
        "pdf_then_html": ("report.pdf", pdf + HTML),
        "html_then_pdf": ("report.pdf", HTML + pdf),
        "pdf_html_before_last_eof": ("report.pdf", _pdf_with_html_before_eof()),
        "txt_late_markup": ("notes.txt", b"a" * LATE + b"\n<script>alert(1)</script>\n"),
        "csv_late_markup": (
            "data.csv",
            b"city,amount\n" + b"Saida,1200\n" * (LATE // 11) + b'x,"<svg onload=alert(1)>"\n',
        ),
        "md_late_markup": ("readme.md", "é".encode() * LATE + b"\n<iframe src=//evil>"),
        "utf16_late_markup": ("notes.txt", ("a" * LATE + "<html><script>x</script>").encode("utf-16")),
        "png_then_html": ("photo.png", png() + HTML),
        "jpeg_then_html": ("photo.jpg", jpeg() + HTML),
        "jpeg_thumbnail_then_html": ("photo.jpg", jpeg_with_thumbnail() + HTML),
        "zip_bomb_docx": ("plan.docx", zip_bomb_docx()),
        "ratio_bomb_docx": ("plan.docx", ratio_bomb_docx()),
        "docm_vba_project": (
            "plan.docx",
            office(
                {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(60)},
                types=b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
            ),
        ),
        "docx_macro_content_type": (
            "plan.docx",
            office(
                {"word/things.dat": b"\xd0\xcf\x11\xe0" + bytes(60)},
                types=b'<Override PartName="/word/things.dat" ContentType="application/vnd.ms-office.vbaProject"/>',
            ),
        ),
        "docx_activex": ("plan.docx", office({"word/activeX/activeX1.bin": b"\xd0\xcf\x11\xe0" + bytes(60)})),
        "xlsm_renamed_xlsx": (
            "budget.xlsx",
            office(
                {},
                types=b'<Override PartName="/xl/workbook.xml" '
                b'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>',
                main="xl/workbook.xml",
            ),
        ),
    }


@functools.cache
def clean() -> dict[str, Case]:
    return {
        "pdf_by_pypdf": ("minutes.pdf", clean_pdf(3)),
        "pdf_object_streams": (
            "minutes.pdf",
            pdf_in_object_stream(
                {1: b"<< /Type /Catalog /Pages 2 0 R >>", 4: b"<< /Title (Plan) >>"}, {2: _PAGES, 3: _PAGE}
            ),
        ),
        "pdf_trailing_newlines": ("minutes.pdf", clean_pdf() + b"\r\n\n\x00"),
        "png_by_pillow": ("photo.png", png((40, 30))),
        "jpeg_by_pillow": ("photo.jpg", jpeg((40, 30))),
        "jpeg_progressive": ("photo.jpeg", jpeg((64, 64), progressive=True, quality=80)),
        "jpeg_with_thumbnail": ("photo.jpg", jpeg_with_thumbnail()),
        # Phones store a second picture (depth map, preview) after the first one's end: the MPF format.
        "jpeg_multi_picture": ("photo.jpg", jpeg((40, 30)) + jpeg((8, 8))),
        "docx": ("plan.docx", office({"word/styles.xml": b"<w:styles/>" * 20})),
        "xlsx_printer_settings": (
            "budget.xlsx",
            office({"xl/printerSettings/printerSettings1.bin": bytes(range(256))}, main="xl/workbook.xml"),
        ),
        "txt_long": ("notes.txt", ("Notes de réunion, مرحبا < 5 > 3\n" * 5000).encode()),
        "csv_with_angle_brackets": ("data.csv", b"a,b\n" + b"x < 3,<= y\n" * 20000),
        "txt_utf16": ("notes.txt", ("Plain notes\n" * 10000).encode("utf-16")),
    }
