"""CSV export of the person's visible queue."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from helpdesk.access import can
from web.exports import FILTERS, export_rows
from web.middleware import client_ip
from web.views.common import signed_in


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@login_required
def queue_export(request: HttpRequest) -> StreamingHttpResponse:
    """Stream the visible queue as CSV (UTF-8 with BOM so spreadsheet programs read Arabic correctly)."""
    user = signed_in(request)
    if not can(user, "export"):
        raise Http404
    filters = {name: request.GET[name] for name in FILTERS if request.GET.get(name)}
    writer = csv.writer(_Echo())
    rows = export_rows(user=user, ip=client_ip(request), filters=filters)
    content = (writer.writerow(row) for row in rows)

    def with_bom() -> Iterator[str]:
        yield "\ufeff"
        yield from content

    response = StreamingHttpResponse(with_bom(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="requests-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
