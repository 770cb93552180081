"""``/api/v1/``: the endpoints, the OpenAPI schema and its two documentation pages (files from the package)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from web.api.docs import OPEN, RedocDocs, SwaggerDocs
from web.api.views import attachments, messages, moves, notifications, outcomes, requests, resources

app_name = "api"

urlpatterns = [
    path("requests/<ref:reference>/", requests.RequestDetail.as_view(), name="request-detail"),
    path("requests/", requests.RequestList.as_view(), name="request-list"),
    path("requests/<ref:reference>/submit/", requests.RequestSubmit.as_view(), name="request-submit"),
    path("requests/<ref:reference>/messages/", messages.RequestMessages.as_view(), name="request-messages"),
    path("requests/<ref:reference>/attachments/", attachments.RequestAttachments.as_view(), name="request-attachments"),
    path("attachments/<int:pk>/download/", attachments.AttachmentDownload.as_view(), name="attachment-download"),
    # The schema and its pages are public: they describe the API, not the desk's data.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[], authentication_classes=[]), name="schema"),
    path("docs/", SwaggerDocs.as_view(url_name="api:schema", **OPEN), name="docs"),
    path("docs/redoc/", RedocDocs.as_view(url_name="api:schema", **OPEN), name="redoc"),
    # Moves, notifications, resources, outcomes and reports.
    path("requests/<ref:reference>/moves/", moves.RequestMoves.as_view(), name="request-moves"),
    path("requests/<ref:reference>/moves/<slug:name>/", moves.RequestMovePerform.as_view(), name="request-move"),
    path("requests/<ref:reference>/outcomes/", outcomes.RequestOutcomes.as_view(), name="request-outcomes"),
    path("notifications/", notifications.NotificationList.as_view(), name="notifications"),
    path("notifications/<int:pk>/read/", notifications.NotificationRead.as_view(), name="notification-read"),
    path("notifications/read-all/", notifications.NotificationReadAll.as_view(), name="notifications-read-all"),
    path("resources/", resources.ResourceList.as_view(), name="resources"),
    path("resources/<slug:slug>/", resources.ResourceDetail.as_view(), name="resource-detail"),
    path("resources/<slug:slug>/files/<int:pk>/", resources.ResourceFileDownload.as_view(), name="resource-file"),
    path("reports/annual/<int:year>/", outcomes.AnnualReport.as_view(), name="report-annual"),
    path("reports/grants/<slug:source>/<int:year>/", outcomes.GrantReport.as_view(), name="report-grants"),
]
