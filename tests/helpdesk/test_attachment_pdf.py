import io
import re
import time

import pytest
from pypdf import PdfWriter

from helpdesk import attachment_pdf
from helpdesk.attachment_common import AttachmentRefused
from helpdesk.attachment_pdf import check_pdf
from tests.helpdesk import upload_corpus

ACTIVE = sorted(
    case
    for case, (name, _content) in upload_corpus.hostile().items()
    if name.endswith(".pdf") and "html" not in case and case not in {"pdf_broken", "pdf_with_password"}
)


def _refusal(content: bytes) -> str:
    with pytest.raises(AttachmentRefused) as refused:
        check_pdf(content)
    return refused.value.code


@pytest.mark.parametrize("case", ACTIVE)
def test_the_parser_alone_refuses_every_active_pdf(case, monkeypatch):
    # Without the raw-bytes line, the walk through pypdf's objects must still find it (name escapes decoded).
    monkeypatch.setattr(attachment_pdf, "_RAW_ACTIVE", re.compile(rb"(?!)"))
    assert _refusal(upload_corpus.hostile()[case][1]) == "pdf_active"


def test_the_raw_line_sees_name_escapes_in_a_file_the_parser_cannot_read():
    damaged = b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /Java#53cript /J#53 (x) >> >> endobj\n%%EOF\n"
    assert _refusal(damaged) == "pdf_active"
    assert _refusal(damaged.replace(b"/Java#53cript /J#53 (x)", b"/GoTo")) == "pdf_unreadable"


def test_stream_bodies_are_left_to_the_parser():
    # Page text (or compressed noise) that happens to read "/JS" or "<html" is not an action.
    text = b"BT /F1 12 Tf (/JavaScript /JS <html> <script>) Tj ET"
    pdf = upload_corpus.raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        ]
    )
    check_pdf(pdf)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_a_pdf_restricted_by_an_owner_password_only_is_accepted(algorithm):
    # Official documents often forbid editing with an owner password; AES needs pypdf's crypto extra.
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="", owner_password="owner", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    check_pdf(buffer.getvalue())


def test_the_walk_is_bounded(monkeypatch):
    monkeypatch.setattr(attachment_pdf, "MAX_PDF_OBJECTS", 4)
    assert _refusal(upload_corpus.clean_pdf(pages=3)) == "too_complex"


def test_a_pdf_of_ten_megabytes_of_compressed_noise_is_accepted():
    # Compressed data reads "/JS" by chance about once in 20 MB: only the parser judges stream bodies.
    check_pdf(upload_corpus.big_clean_pdf(10 * 1024 * 1024 - 100_000))


def test_many_unterminated_streams_are_cut_in_one_pass():
    # Searching for each body's end from each "stream" keyword would read these 2 MB 250,000 times.
    started = time.perf_counter()
    assert _refusal(b"%PDF-1.4\n" + b" stream\n" * 250_000 + b"%%EOF\n") == "pdf_unreadable"
    assert time.perf_counter() - started < 10
