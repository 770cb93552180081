"""CSV export of the person's visible queue."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from helpdesk.access import can
from helpdesk.selectors import queue_filter_choices
from web.downloads import as_download
from web.exports import export_rows
from web.forms.queue import QueueFilterForm
from web.middleware import client_ip
from web.params import parse_id
from web.views.common import signed_in


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@login_required
def queue_export(request: HttpRequest) -> StreamingHttpResponse:
    """Stream the queue as CSV (UTF-8 with BOM so spreadsheet programs read Arabic correctly): the rows the
    queue page shows for the same query string (its "Download CSV" link carries the page's filters; without a
    state, every state), in the reader's language."""
    user = signed_in(request)
    if not can(user, "export"):
        raise Http404
    region = request.GET.get("region", "")
    choices = queue_filter_choices(user, region_id=parse_id(region))
    filters = QueueFilterForm(request.GET, choices=choices).filters()
    writer = csv.writer(_Echo())
    rows = export_rows(user=user, ip=client_ip(request), filters=filters)
    # The file is written after the view returns: in the language of the request that asked for it.
    language = translation.get_language()

    def with_bom() -> Iterator[str]:
        with translation.override(language):
            yield "\ufeff"
            for row in rows:
                yield writer.writerow(row)

    response = StreamingHttpResponse(with_bom(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return as_download(response, f"requests-{stamp}.csv")
