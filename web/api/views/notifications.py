"""The caller's notification centre: its lines newest first, and marking them read (``web.views.notifications``'s
selectors and services)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from notifications import selectors, services
from web.api.base import DeskAPIMixin, DeskAPIView, caller
from web.api.pagination import DeskCursorPagination
from web.api.schema import ERRORS
from web.api.serializers.notifications import NotificationSerializer, NotificationsReadSerializer
from web.notification_entries import entries, entry


class NotificationList(DeskAPIMixin, GenericAPIView):
    pagination_class = DeskCursorPagination
    serializer_class = NotificationSerializer

    @extend_schema(
        operation_id="notifications_list",
        summary="The caller's notifications",
        description="Newest first, a page at a time (`cursor`). Each says what happened and to which request, as "
        "the notification centre shows it: the title withheld for a restricted request, neither reference nor "
        "title once the caller may no longer open it.",
        parameters=[
            OpenApiParameter("unread", OpenApiTypes.BOOL, description="1: only the unread ones."),
        ],
        responses={200: NotificationSerializer(many=True), **ERRORS(401)},
        tags=["notifications"],
    )
    def get(self, request: Request) -> Response:
        user = caller(request)
        found = selectors.notifications_for(user)
        if request.query_params.get("unread") in ("1", "true"):
            found = found.filter(read_at__isnull=True)
        page = self.paginate_queryset(found) or []
        openable = selectors.openable_request_ids(user, (n.request_id for n in page))
        return self.get_paginated_response(NotificationSerializer(entries(page, openable), many=True).data)


class NotificationRead(DeskAPIView):
    @extend_schema(
        operation_id="notifications_read",
        summary="Mark one notification read",
        request=None,
        responses={200: NotificationSerializer, **ERRORS(401, 404)},
        tags=["notifications"],
    )
    def post(self, request: Request, pk: int) -> Response:
        user = caller(request)
        notification = services.notification_mark_read(user=user, notification_id=pk)
        if notification is None:
            raise Http404
        openable = selectors.openable_request_ids(user, [notification.request_id])
        return Response(NotificationSerializer(entry(notification, openable)).data)


class NotificationReadAll(DeskAPIView):
    @extend_schema(
        operation_id="notifications_read_all",
        summary="Mark every notification read",
        request=None,
        responses={200: NotificationsReadSerializer, **ERRORS(401)},
        tags=["notifications"],
    )
    def post(self, request: Request) -> Response:
        user = caller(request)
        marked = services.notifications_mark_all_read(user=user)
        return Response({"marked": marked, "unread": selectors.unread_count(user)})
