"""The needs map of a hub (``workflows.needs``): its page, and the same figures as CSV and XLSX for regional
workshops. Hub staff read their own hub's; the management unit every hub's, or one it chooses."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from helpdesk.models import Region, Role
from web.downloads import Cell as SheetCell
from web.downloads import Table, as_download, spreadsheet_text, xlsx_response
from web.lists.needs import (
    export_header,
    export_rows,
    median_days,
    needs_rendered_recent,
    quarter_medians,
    theme_medians,
)
from web.params import parse_id
from web.views.common import role_required, signed_in
from workflows.needs import EARLIEST_YEAR, NeedsMap, needs_map

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request: HttpRequest) -> int:
    """The chosen calendar year; anything but a year from ``EARLIEST_YEAR`` to this one is the current year."""
    current = timezone.localtime().year
    value = request.GET.get("year", "")
    if len(value) == 4 and value.isascii() and value.isdigit() and EARLIEST_YEAR <= int(value) <= current:
        return int(value)
    return current


def _region(request: HttpRequest) -> int | None:
    return parse_id(request.GET.get("region", ""))


def _needs(request: HttpRequest) -> NeedsMap:
    try:
        return needs_map(signed_in(request), year=_year(request), region_id=_region(request))
    except Region.DoesNotExist:
        raise Http404 from None


@require_GET
@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
def needs(request: HttpRequest) -> HttpResponse:
    try:
        rendered = needs_rendered_recent(signed_in(request), year=_year(request), region_id=_region(request))
    except Region.DoesNotExist:
        raise Http404 from None
    return render(request, "web/hub/needs.html", {"needs": rendered})


def _filename(needs: NeedsMap, extension: str) -> str:
    hub = f"-hub{needs.region_id}" if needs.region_id is not None else ""
    return f"needs-{needs.year}{hub}.{extension}"


@require_GET
@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
def needs_csv(request: HttpRequest) -> HttpResponse:
    """The needs map's lines as CSV (UTF-8 with BOM, so spreadsheet programs read Arabic correctly)."""
    needs = _needs(request)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in [export_header(), *export_rows(needs)]:
        writer.writerow([spreadsheet_text(cell) if isinstance(cell, str) else cell for cell in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    return as_download(response, _filename(needs, "csv"))


@require_GET
@role_required(Role.HUB_STAFF, Role.MANAGEMENT)
def needs_xlsx(request: HttpRequest) -> HttpResponse:
    """The needs map as a workbook: its lines (as the CSV), the theme × country table of the page, and the
    medians of the time to first answer (in days). Computed afresh: a download is rare, and takes what is true
    now."""
    needs = _needs(request)
    themes = needs.themes
    matrix: list[list[SheetCell]] = []
    for country in needs.countries:
        counts = [needs.counts(t.key, country.key).filed for t in themes]
        matrix.append([country.label, *counts, needs.by_country[country.key].filed])
    matrix.append([gettext("Total"), *(needs.by_theme[t.key].filed for t in themes), needs.total.filed])
    medians = [*theme_medians(needs), *quarter_medians(needs)]
    answers: list[list[SheetCell]] = [[row.label, median_days(row.median), row.answered] for row in medians]
    lines: list[list[SheetCell]] = [list(row) for row in export_rows(needs)]
    tables = [
        Table(gettext("Needs"), [str(c) for c in export_header()], lines),
        Table(gettext("Theme × country"), [gettext("Country"), *(t.label for t in themes), gettext("Total")], matrix),
        Table(
            gettext("Time to first answer"),
            [gettext("Theme or quarter"), gettext("Median time to first answer (days)"), gettext("Requests answered")],
            answers,
        ),
    ]
    return xlsx_response(tables, _filename(needs, "xlsx"))
