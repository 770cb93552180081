"""Hub staff share a chosen city file of a request with the expert who accepted it, and stop sharing it.

The expert then finds the file in their brief and may download it (every download is in the access log, as
is the share and its end). Whom to offer is the lifecycle's answer: the experts who accepted the assignment.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk import services
from helpdesk.selectors import live_file_share, shareable_file
from web.middleware import client_ip
from web.views.common import request_or_404, signed_in
from workflows.selectors import accepted_experts


def _back(support_request_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(support_request_url + "#files-title")


@require_POST
@login_required
def share(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = signed_in(request)
    support_request = request_or_404(user, reference, for_page=False)
    attachment = shareable_file(user, support_request, pk)
    if attachment is None:
        raise Http404
    chosen = request.POST.get("expert", "")
    expert = next((person for person in accepted_experts(support_request) if str(person.pk) == chosen), None)
    if expert is None:
        messages.error(request, _("Choose an expert who accepted the assignment."))
        return _back(support_request.get_absolute_url())
    try:
        services.attachment_share(attachment=attachment, expert=expert, actor=user, ip=client_ip(request))
    except services.ShareRefused as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("Shared with %(name)s.") % {"name": expert})
    return _back(support_request.get_absolute_url())


@require_POST
@login_required
def unshare(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    user = signed_in(request)
    support_request = request_or_404(user, reference, for_page=False)
    share = live_file_share(user, support_request, pk)
    if share is None:
        raise Http404
    services.attachment_share_revoke(share=share, actor=user, ip=client_ip(request))
    messages.success(request, _("No longer shared with %(name)s.") % {"name": share.expert})
    return _back(support_request.get_absolute_url())
