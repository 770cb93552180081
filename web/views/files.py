"""Attachment downloads: the only way a stored file leaves the desk (the page's link and the API's)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from helpdesk.access import can
from helpdesk.models import AccessLog, Attachment, User
from helpdesk.services import access_log_record
from web.downloads import stored_file_response
from web.middleware import client_ip
from web.views.common import signed_in


def attachment_file_response(user: User, pk: int, *, ip: str | None) -> FileResponse:
    """The file if ``can(user, "download", attachment)``, its download written to the access log; ``Http404``
    for anything else, so ids cannot be probed."""
    attachment = Attachment.objects.select_related("request", "request__city", "request__region").filter(pk=pk).first()
    if attachment is None or not can(user, "download", attachment):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    access_log_record(
        user=user,
        request=attachment.request,
        action=AccessLog.Action.DOWNLOAD,
        attachment=attachment,
        ip=ip,
    )
    return stored_file_response(handle, filename=attachment.original_name, content_type=attachment.content_type)


@require_GET
@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    return attachment_file_response(signed_in(request), pk, ip=client_ip(request))
