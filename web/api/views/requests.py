"""Requests: the list with the queue's filters, one request, a draft kept and submitted.

Every read starts from ``visible_requests`` (through ``web.lists.queue.filtered_requests`` and
``request_or_404``), every write calls the service the pages call, and every answer is built by the pages'
presenter, so what is withheld, anonymised or left out of an expert's brief is exactly the page's.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk import services
from helpdesk.access import can
from helpdesk.models import Role, SupportRequest, User
from web import presenters
from web.api.base import DeskAPIView, caller, reveal
from web.api.errors import body
from web.api.pagination import DeskCursorPagination
from web.api.schema import ERRORS
from web.api.serializers.requests import (
    RequestCreateSerializer,
    RequestFiltersSerializer,
    RequestLineSerializer,
    RequestSerializer,
    RequestWriteSerializer,
)
from web.lists.labels import ChoiceWords
from web.lists.queue import filtered_requests
from web.views.common import request_or_404
from workflows.lifecycle import TRANSITION_SPECS
from workflows.services import transition_perform

# The lifecycle's move that sends a draft to the hub (``workflows.lifecycle``).
SUBMIT_MOVE = TRANSITION_SPECS["submit"].name


def _answer(request: Request, user: User, reference: str, *, code: int = status.HTTP_200_OK) -> Response:
    """The request as its page shows it to ``user`` now, its restricted text written to the access log."""
    support_request = request_or_404(user, reference)
    view = presenters.request_view(support_request, user)
    data = RequestSerializer(view).data
    reveal(request, presenters.reveals(view))
    return Response(data, status=code)


def _focal_point(user: User) -> None:
    """The request form's pages are for focal points only (403 for any other role, as the pages answer)."""
    if not user.has_role(Role.FOCAL_POINT):
        raise PermissionDenied


class RequestList(DeskAPIView):
    @extend_schema(
        operation_id="requests_list",
        summary="The requests the caller may see",
        description="With the hub queue's filters, newest first, a page at a time (`cursor`). A focal point "
        "lists their cities' requests (drafts included), an expert the briefs of the requests they work on, "
        "hub staff their hub's, the management unit every hub's, the steering committee none. Each line is "
        "what the desk's lists show: no request text, so listing writes nothing in the access log.",
        parameters=[RequestFiltersSerializer],
        responses={200: RequestLineSerializer(many=True), **ERRORS(400, 401)},
        tags=["requests"],
    )
    def get(self, request: Request) -> Response:
        user = caller(request)
        asked = RequestFiltersSerializer(data=request.query_params)
        asked.is_valid(raise_exception=True)
        rows = filtered_requests(user, asked.filters()).select_related("city", "region", "owner", "submitted_by")
        # A line never shows the description: its (largest) column stays in the database.
        rows = rows.defer("description", "description_seal")
        paginator = DeskCursorPagination()
        page = paginator.paginate_queryset(rows, request, view=self) or []
        words = ChoiceWords()  # the labels translated once for the page's lines
        lines = [presenters.request_view(row, user, line=True, words=words) for row in page]
        return paginator.get_paginated_response(RequestLineSerializer(lines, many=True).data)

    @extend_schema(
        operation_id="requests_create",
        summary="File a new request as a draft",
        description="For a city's focal point (`city` needed when they speak for several cities). Text that "
        "looks like personal data answers 422 `personal_data`: remove it, or send it again with "
        "`confirm_personal_data` (the request is then restricted). Submit the draft with `.../submit/`.",
        request=RequestCreateSerializer,
        responses={201: RequestSerializer, **ERRORS(400, 401, 403, 404, 422)},
        tags=["requests"],
    )
    def post(self, request: Request) -> Response:
        user = caller(request)
        _focal_point(user)
        cities = list(user.cities.order_by("name"))
        if not cities:
            raise Http404
        sent = RequestCreateSerializer(data=request.data)
        sent.is_valid(raise_exception=True)
        chosen = sent.validated_data.get("city")
        if chosen is None and len(cities) > 1:
            return Response(
                body("required", _("Choose the city."), {"city": [_("Choose the city.")]}),
                status=status.HTTP_400_BAD_REQUEST,
            )
        city = cities[0] if chosen is None else next((c for c in cities if c.pk == chosen), None)
        if city is None:
            message = _("Not one of your cities.")
            return Response(body("invalid", message, {"city": [message]}), status=status.HTTP_400_BAD_REQUEST)
        draft = services.request_create(
            city=city,
            submitted_by=user,
            confirm_personal_data=sent.validated_data["confirm_personal_data"],
            **sent.service_data(),
        )
        return _answer(request, user, draft.reference, code=status.HTTP_201_CREATED)


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
        return _answer(request, caller(request), reference)

    @extend_schema(
        operation_id="requests_partial_update",
        summary="Change a draft",
        description="Only the fields sent change. A city's focal point, while the request is a draft (422 "
        "`not_draft` once it is submitted: write a message instead); the text is screened again.",
        request=RequestWriteSerializer,
        responses={200: RequestSerializer, **ERRORS(400, 401, 403, 404, 422)},
        tags=["requests"],
    )
    def patch(self, request: Request, reference: str) -> Response:
        user = caller(request)
        _focal_point(user)
        draft = request_or_404(user, reference, for_page=False)
        if not can(user, "edit_draft", draft):
            detail = _("Only a draft can be edited; write a message on the request instead.")
            return Response(body("not_draft", detail), status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        sent = RequestWriteSerializer(data=request.data, partial=True)
        sent.is_valid(raise_exception=True)
        services.request_update_draft(
            request=draft,
            actor=user,
            confirm_personal_data=sent.validated_data.get("confirm_personal_data", False),
            **sent.service_data(),
        )
        return _answer(request, user, reference)


class RequestSubmit(DeskAPIView):
    @extend_schema(
        operation_id="requests_submit",
        summary="Send a draft to the hub",
        description="The lifecycle's submit move, as the request form's \"Submit\" makes it. Refused with 422 "
        "and the refusal's code (`incomplete` with each field still needed in `fields`, `not_allowed`, "
        "`wrong_state`); 409 when someone changed the request first.",
        request=None,
        responses={200: RequestSerializer, **ERRORS(401, 404, 409, 422)},
        tags=["requests"],
    )
    def post(self, request: Request, reference: str) -> Response:
        user = caller(request)
        draft: SupportRequest = request_or_404(user, reference, for_page=False)
        transition_perform(request=draft, transition=SUBMIT_MOVE, actor=user)
        return _answer(request, user, reference)
