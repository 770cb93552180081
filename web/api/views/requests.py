"""Requests: one request as its reader may see it (the list, drafts and submit: see the issue's endpoints)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from web import presenters
from web.api.base import DeskAPIView, caller, reveal
from web.api.schema import ERRORS
from web.api.serializers.requests import RequestSerializer
from web.views.common import request_or_404


class RequestDetail(DeskAPIView):
    @extend_schema(
        operation_id="requests_retrieve",
        summary="One request",
        description="The request as its page shows it to the caller; 404 if the caller may not see it. "
        "Restricted text shown is written to the access log.",
        responses={200: RequestSerializer, **ERRORS(401, 404)},
        tags=["requests"],
    )
    def get(self, request: Request, reference: str) -> Response:
        user = caller(request)
        support_request = request_or_404(user, reference)
        view = presenters.request_view(support_request, user)
        data = RequestSerializer(view).data
        reveal(request, presenters.reveals(view))
        return Response(data)
