"""The CSV export of a person's visible queue: the rows the queue page lists for the same filters
(``web.lists.queue.filtered_requests``), read through the same presenter as the pages, so restricted content
is withheld the same way, and every restricted summary that leaves the desk is in the access log.

Cells are what a reader understands in their language (the state's, theme's, kind's, urgency's and language's
names, the hub's and country's names), dates in ISO 8601 and amounts as plain numbers ("12500.00"), so that
a spreadsheet reads them in any locale."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from helpdesk.access import can
from helpdesk.models import AccessLog, User
from helpdesk.selectors import visible_requests
from helpdesk.services import access_log_reveals
from web.downloads import spreadsheet_text
from web.lists.queue import QueueFilters, filtered_requests
from web.presenters import RequestView, request_view, reveals

CHUNK = 2000
COLUMNS = [
    ("reference", _("Reference")),
    ("title", _("Title")),
    ("state_label", _("State")),
    ("theme_label", _("Theme")),
    ("kind_label", _("Kind of support")),
    ("strategic_priority_label", _("Strategic priority")),
    ("language_label", _("Language")),
    ("urgency_label", _("Urgency")),
    ("region", _("Hub")),
    ("city", _("City")),
    ("country", _("Country")),
    ("owner", _("Owner")),
    ("created_at", _("Created")),
    ("submitted_at", _("Submitted")),
    ("due_at", _("Due")),
    ("closed_at", _("Closed")),
    ("funding_requested", _("Funding asked")),
    ("currency", _("Currency")),
    ("summary", _("Shareable summary")),
]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = timezone.localtime(value).isoformat(timespec="seconds")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)  # a Decimal prints as a plain number; a lazy label in the active language
    return spreadsheet_text(text)


def _country(code_or_name: str | None) -> str | None:
    # A country stored as an ISO code reads as its name in the reader's language; a name stays as it is.
    if not code_or_name:
        return code_or_name
    return str(countries.name(code_or_name) or code_or_name)


def _row(view: RequestView) -> list[str]:
    values = {key: getattr(view, key) for key, _label in COLUMNS}
    values["country"] = _country(view.country)
    return [_cell(values[key]) for key, _label in COLUMNS]


def export_rows(*, user: User, ip: str | None = None, filters: QueueFilters | None = None) -> Iterator[list[str]]:
    """Header, then one row per request the queue shows for ``filters`` (all visible requests without),
    newest first; nothing when the person may not export.

    Restricted summaries shown to the hub or the management unit are logged (one ``export`` row per
    request) chunk by chunk as the file is produced.
    """
    if not can(user, "export"):
        return
    queryset = filtered_requests(user, filters) if filters is not None else visible_requests(user)
    queryset = queryset.select_related("city", "region", "owner", "submitted_by")
    yield [str(label) for _key, label in COLUMNS]
    last_pk = None
    while True:
        page = queryset.order_by("-pk")
        if last_pk is not None:
            page = page.filter(pk__lt=last_pk)
        chunk = list(page[:CHUNK])
        if not chunk:
            return
        views = [request_view(request, user) for request in chunk]
        yield from (_row(view) for view in views)
        shown = [reveal for view in views for reveal in reveals(view)]
        access_log_reveals(user=user, reveals=shown, ip=ip, action=AccessLog.Action.EXPORT)
        last_pk = chunk[-1].pk
