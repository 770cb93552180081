"""``/api/v1/``: the endpoints, the OpenAPI schema and its two documentation pages (files from the package)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from web.api.docs import OPEN, RedocDocs, SwaggerDocs
from web.api.views import requests

app_name = "api"

urlpatterns = [
    path("requests/<ref:reference>/", requests.RequestDetail.as_view(), name="request-detail"),
    # The schema and its pages are public: they describe the API, not the desk's data.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[], authentication_classes=[]), name="schema"),
    path("docs/", SwaggerDocs.as_view(url_name="api:schema", **OPEN), name="docs"),
    path("docs/redoc/", RedocDocs.as_view(url_name="api:schema", **OPEN), name="redoc"),
]
