"""``/api/v1/``: the endpoints, the OpenAPI schema and its two documentation pages (files from the package)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from web.api.views import attachments, messages, requests

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
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", permission_classes=[], authentication_classes=[]),
        name="docs",
    ),
    path(
        "docs/redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", permission_classes=[], authentication_classes=[]),
        name="redoc",
    ),
]
