"""What the desk's downloads share: the headers every file it hands out carries, the guard that keeps a cell a
spreadsheet opens from being read as a formula, and Excel workbooks written as one sheet per table (openpyxl),
in the reader's language and direction. The queue's CSV, the needs map's files and the reports use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import TypeVar

from django.core.files import File
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import get_language_bidi
from openpyxl import Workbook
from openpyxl.styles import Font

Cell = str | int | float | Decimal | None
_Response = TypeVar("_Response", bound=HttpResponseBase)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME = 31  # Excel's limit on a sheet's name
_NOT_IN_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})
# A cell starting with one of these is a formula to a spreadsheet (CSV injection): prefix it with '.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A stored file is sent in pieces of this many bytes: a worker holds one at a time, whatever the file's size.
STREAM_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[Cell]]


def spreadsheet_text(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def as_download(response: _Response, filename: str) -> _Response:
    """``response`` as a file to save (``filename``), never sniffed as another type, never kept by a cache."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


def stored_file_response(handle: File, *, filename: str, content_type: str) -> FileResponse:
    """A stored file someone chose (an attachment, a resource's file) as a download: never rendered by the browser,
    never cached, never sniffed into something executable.

    Streamed through the desk, also from a bucket (helpdesk.storage), rather than answered with a redirect to a
    signed URL of the bucket: the checks and the access-log row come before the first byte either way, but a
    redirect would hand the browser a link that works for anyone who holds it until it expires, serve the file
    without these headers (the bucket's own Content-Type, no sandbox) and need the bucket reachable from every
    browser. The price is the bytes passing through a web worker, a chunk at a time (``STREAM_CHUNK``).
    """
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response.block_size = STREAM_CHUNK
    if not response.has_header("Content-Length"):
        # FileResponse measures a file it can seek in; a bucket's object is a stream, its size known to storage.
        response["Content-Length"] = str(handle.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def xlsx_response(tables: Sequence[Table], filename: str) -> HttpResponse:
    return as_download(HttpResponse(workbook_bytes(tables), content_type=XLSX_TYPE), filename)


def _sheet_name(title: str, taken: set[str]) -> str:
    name = title.translate(_NOT_IN_NAMES).strip()[:SHEET_NAME] or "Sheet"
    candidate, n = name, 2
    while candidate.lower() in taken:
        suffix = f" {n}"
        candidate, n = name[: SHEET_NAME - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def workbook_bytes(tables: Sequence[Table]) -> bytes:
    """``tables`` as an .xlsx file, one sheet each, headers bold, in the reader's direction."""
    book = Workbook()
    book.remove(book.worksheets[0])  # the default empty sheet
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title, taken))
        sheet.sheet_view.rightToLeft = get_language_bidi()
        sheet.append(table.columns)
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_safe(value) for value in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # a hub or indicator name is text, never a formula
        for index, column in enumerate(table.columns, start=1):
            width = max([len(str(column)), *(len(str(row[index - 1] or "")) for row in table.rows)])
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(width + 2, 60)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _safe(value: Cell) -> Cell:
    return str(value) if value is not None and not isinstance(value, (str, int, float, Decimal)) else value
