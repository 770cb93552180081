"""A request's messages: those the caller reads, a page at a time, and posting one as the request page does."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.models import SupportRequest, User
from web import presenters
from web.api.base import DeskAPIView, caller, reveal
from web.api.errors import body
from web.api.schema import ERRORS
from web.api.serializers.messages import MessagePageSerializer, MessagePostSerializer, MessageSerializer
from web.timeline import Cursor, message_page
from web.views.common import request_or_404, writable_channels
from workflows.services import reply_post


class ChannelRefused(Exception):
    """The channel asked for is not one the caller writes on (or none was named among several)."""

    def __init__(self, response: Response) -> None:
        self.response = response


def channel_chosen(user: User, support_request: SupportRequest, asked: str | None) -> str:
    """The channel a post goes to: the one asked for, among those the caller may write on (``Http404`` when
    they write on none, as the page answers); left out, their only one."""
    channels = writable_channels(user, support_request)
    if not channels:
        raise Http404
    if asked is None and len(channels) == 1:
        return channels[0]
    if asked in channels:
        return asked
    message = _("Choose who can read it: %(channels)s.") % {"channels": ", ".join(channels)}
    code = "required" if asked is None else "invalid_choice"
    raise ChannelRefused(Response(body(code, message, {"visibility": [message]}), status=status.HTTP_400_BAD_REQUEST))


class RequestMessages(DeskAPIView):
    @extend_schema(
        operation_id="requests_messages_list",
        summary="The messages the caller reads",
        description="The messages on the channels the caller reads, oldest first, a page of the newest at a "
        "time, each with its files (as the request page shows them). `before` (from the answer) opens the "
        "page of earlier ones. Restricted messages shown are written to the access log.",
        parameters=[OpenApiParameter("before", str, description="The cursor of the earlier page.")],
        responses={200: MessagePageSerializer, **ERRORS(400, 401, 404)},
        tags=["messages"],
    )
    def get(self, request: Request, reference: str) -> Response:
        user = caller(request)
        support_request = request_or_404(user, reference)
        asked = request.query_params.get("before")
        before = Cursor.parse(asked)
        if asked and before is None:
            message = _("Not a valid cursor.")
            return Response(body("invalid", message, {"before": [message]}), status=status.HTTP_400_BAD_REQUEST)
        page = message_page(support_request, user, before=before)
        files = presenters.attachment_views(support_request, user)
        shown = presenters.with_files(page.messages, files)
        data = MessagePageSerializer({"results": shown, "before": str(page.earlier) if page.earlier else None}).data
        reveal(request, presenters.message_reveals(support_request.pk, shown))
        return Response(data)

    @extend_schema(
        operation_id="requests_messages_create",
        summary="Post a message",
        description="As the request page's message form: Markdown text on a channel the caller writes on, with "
        "files (multipart, `attachment` repeated, each checked as uploads are: 400 with why, nothing posted). "
        "Text that looks like personal data answers 422 `personal_data` (send again with "
        "`confirm_personal_data`: the message is then restricted). While the hub waits for the city's answer, "
        "the city's message is that answer.",
        request={"multipart/form-data": MessagePostSerializer, "application/json": MessagePostSerializer},
        responses={201: MessageSerializer, **ERRORS(400, 401, 404, 409, 422)},
        tags=["messages"],
    )
    def post(self, request: Request, reference: str) -> Response:
        user = caller(request)
        support_request = request_or_404(user, reference, for_page=False)
        sent = MessagePostSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        try:
            visibility = channel_chosen(user, support_request, sent.validated_data.get("visibility"))
        except ChannelRefused as refused:
            return refused.response
        posted = reply_post(
            request=support_request,
            author=user,
            body=sent.validated_data["body"],
            visibility=visibility,
            confirm_personal_data=sent.validated_data["confirm_personal_data"],
            attachments=sent.validated_data.get("attachment", []),
        )
        support_request = request_or_404(user, reference)
        view = presenters.message_view_of(support_request, user, posted.pk)
        assert view is not None, "the author reads the channel they wrote on"
        (shown,) = presenters.with_files([view], presenters.attachment_views(support_request, user))
        data = MessageSerializer(shown).data
        reveal(request, presenters.message_reveals(support_request.pk, [shown]))
        return Response(data, status=status.HTTP_201_CREATED)
