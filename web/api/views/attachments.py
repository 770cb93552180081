"""A request's files: those the caller may see, uploading one with the desk's content checks, and the download
with the page's checks, headers and access-log row."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk import services
from web import presenters
from web.api.base import DeskAPIView, caller
from web.api.schema import ERRORS
from web.api.serializers.messages import AttachmentSerializer, AttachmentUploadSerializer
from web.api.views.messages import ChannelRefused, channel_chosen
from web.middleware import client_ip
from web.views.common import request_or_404
from web.views.files import attachment_file_response


class RequestAttachments(DeskAPIView):
    @extend_schema(
        operation_id="requests_attachments_list",
        summary="The request's files",
        description="The files on the channels the caller reads (and, for an expert, those the hub shared with "
        "them), oldest first; a file the caller may not download keeps its line without name or link.",
        responses={200: AttachmentSerializer(many=True), **ERRORS(401, 404)},
        tags=["attachments"],
    )
    def get(self, request: Request, reference: str) -> Response:
        user = caller(request)
        support_request = request_or_404(user, reference)
        files = presenters.attachment_views(support_request, user)
        return Response(AttachmentSerializer(files, many=True).data)

    @extend_schema(
        operation_id="requests_attachments_create",
        summary="Upload a file",
        description="One file (multipart `file`) on a channel the caller writes on, checked as the pages check "
        "uploads (type from the content, size, active content): 400 `file_refused` with why.",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **ERRORS(400, 401, 404)},
        tags=["attachments"],
    )
    def post(self, request: Request, reference: str) -> Response:
        user = caller(request)
        support_request = request_or_404(user, reference, for_page=False)
        sent = AttachmentUploadSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        try:
            visibility = channel_chosen(user, support_request, sent.validated_data.get("visibility"))
        except ChannelRefused as refused:
            return refused.response
        upload = sent.validated_data["file"]
        stored = services.attachment_add(
            request=support_request, uploaded_by=user, upload=upload, name=upload.name, visibility=visibility
        )
        support_request = request_or_404(user, reference)
        (shown,) = (file for file in presenters.attachment_views(support_request, user) if file.pk == stored.pk)
        return Response(AttachmentSerializer(shown).data, status=status.HTTP_201_CREATED)


class AttachmentDownload(DeskAPIView):
    @extend_schema(
        operation_id="attachments_download",
        summary="Download a file",
        description="The file itself, with the page's headers (a download, never rendered, never cached); 404 "
        "when the caller may not download it. Each download is written to the access log.",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
            **ERRORS(401, 404),
        },
        tags=["attachments"],
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return attachment_file_response(caller(request), pk, ip=client_ip(request._request))
