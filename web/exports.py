"""The CSV export of a person's visible queue: the same presenter as the pages, so restricted content is
withheld the same way, and every restricted summary that leaves the desk is in the access log."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from helpdesk.access import can
from helpdesk.models import AccessLog, RequestState, SupportKind, Theme, User
from helpdesk.selectors import visible_requests
from helpdesk.services import access_log_reveals
from web.presenters import RequestView, request_view, reveals

CHUNK = 2000
COLUMNS = [
    ("reference", _("Reference")),
    ("title", _("Title")),
    ("state_label", _("State")),
    ("theme_label", _("Theme")),
    ("kind_label", _("Kind of support")),
    ("strategic_priority", _("Strategic priority")),
    ("language", _("Language")),
    ("urgency", _("Urgency")),
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
FILTERS = {"state": RequestState.values, "theme": Theme.values, "kind": SupportKind.values}
# A cell starting with one of these is a formula to a spreadsheet (CSV injection): prefix it with '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _row(view: RequestView) -> list[str]:
    return [_cell(getattr(view, key)) for key, _label in COLUMNS]


def export_rows(*, user: User, ip: str | None = None, filters: dict[str, str] | None = None) -> Iterator[list[str]]:
    """Header, then one row per visible request (newest first); nothing when the person may not export.

    Restricted summaries shown to the hub or the management unit are logged (one ``export`` row per
    request) chunk by chunk as the file is produced.
    """
    if not can(user, "export"):
        return
    queryset = visible_requests(user).select_related("city", "region", "owner", "submitted_by")
    for name, value in (filters or {}).items():
        if name in FILTERS and value in FILTERS[name]:
            queryset = queryset.filter(**{name: value})
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
