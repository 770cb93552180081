"""The resource hub: the search with the list page's filters, and one resource as its page shows it (through the
page's own reads: ``helpdesk.selectors.resources_search``/``visible_resources``, 404 for one the caller may not
read)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk import selectors
from helpdesk.access import can
from helpdesk.models import Region, ResourceKind, ResourceState
from web.api.base import DeskAPIView, caller
from web.api.schema import ERRORS
from web.api.serializers.resources import ResourcePageSerializer, ResourceSerializer
from web.forms.resources import ResourceFilterForm
from web.lists.resources import page_number, pick_version, resource_page
from web.views.resources import resource_detail_context, resource_file_response, resource_or_404

FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Words searched for."),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=ResourceKind.values),
    OpenApiParameter("theme", OpenApiTypes.STR),
    OpenApiParameter("priority", OpenApiTypes.INT),
    OpenApiParameter("language", OpenApiTypes.STR),
    OpenApiParameter("hub", OpenApiTypes.INT, description="A hub's id."),
    OpenApiParameter("show", OpenApiTypes.STR, description="Those who write resources: unpublished ones too."),
    OpenApiParameter("page", OpenApiTypes.INT, description="From 1; ten to a page, the best matches first."),
]


class ResourceList(DeskAPIView):
    @extend_schema(
        operation_id="resources_list",
        summary="Search the resources",
        description="The resource hub's search with its filters (an unknown value is ignored, as on the page), "
        "ordered by relevance and paged by number like the page.",
        parameters=FILTERS,
        responses={200: ResourcePageSerializer, **ERRORS(401)},
        tags=["resources"],
    )
    def get(self, request: Request) -> Response:
        user = caller(request)
        form = ResourceFilterForm(
            request.query_params or None,
            regions=list(Region.objects.all()),
            may_show_unpublished=can(user, "propose_resource"),
        )
        found = selectors.resources_search(user, **form.search_filters())
        page = resource_page(found, number=page_number(request.query_params.get("page")))
        return Response(
            ResourcePageSerializer(
                {
                    "count": page.total,
                    "count_capped": page.total_capped,
                    "page": page.number,
                    "has_next": page.has_next,
                    "results": page.lines,
                }
            ).data
        )


class ResourceDetail(DeskAPIView):
    @extend_schema(
        operation_id="resources_retrieve",
        summary="One resource",
        description="As its page shows it, in the version `?lang=` asks for (else the caller's language, else the "
        "original). The city is named only when it chose to be; files download through the desk.",
        parameters=[OpenApiParameter("lang", OpenApiTypes.STR, description="en, fr or ar.")],
        responses={200: ResourceSerializer, **ERRORS(401, 404)},
        tags=["resources"],
    )
    def get(self, request: Request, slug: str) -> Response:
        user = caller(request)
        resource = resource_or_404(user, slug, full=True)
        if not can(user, "view_resource", resource):  # the selector decided already; the one check says so too
            raise Http404
        versions = list(resource.versions.all())
        version = pick_version(versions, request.query_params.get("lang", ""))
        page: dict[str, Any] = resource_detail_context(user, resource, versions, version)
        source = page["source"]
        data = {
            "slug": resource.slug,
            "url": resource.get_absolute_url(),
            "kind": resource.kind,
            "kind_label": page["kind"],
            "state": resource.state,
            "state_label": str(ResourceState(resource.state).label),
            "language": version.language if version else None,
            "title": version.title if version else None,
            "summary": version.summary if version else None,
            "body_html": str(page["body"]) if version else None,  # rendered once, by the page's read
            "versions": [
                {
                    "language": v["version"].language,
                    "language_name": v["language_name"],
                    "title": v["version"].title,
                    "translated_from": v["version"].translated_from or "",
                    "written_by": str(v["version"].written_by) if v["version"].written_by else None,
                    "written_at": v["version"].written_at,
                }
                for v in page["versions"]
            ],
            "themes": page["themes"],
            "priorities": page["priorities"],
            "hub": str(resource.region) if resource.region else None,
            "city": resource.city.name if resource.city and resource.city_named else None,
            "published_at": resource.published_at,
            "source_request": source.reference if source is not None else None,
            "files": [
                {
                    "id": f.pk,
                    "name": f.original_name,
                    "size": f.size,
                    "content_type": f.content_type,
                    "language": f.language,
                    "download_url": request.build_absolute_uri(
                        reverse("api:resource-file", args=[resource.slug, f.pk])
                    ),
                }
                for f in page["files"]
            ],
        }
        return Response(ResourceSerializer(data).data)


class ResourceFileDownload(DeskAPIView):
    @extend_schema(
        operation_id="resources_file",
        summary="A resource's file",
        description="The desk's own download of the file (its view, its headers), for a resource the caller may "
        "read; 404 otherwise.",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS(401, 404)},
        tags=["resources"],
    )
    def get(self, request: Request, slug: str, pk: int) -> FileResponse:
        return resource_file_response(caller(request), slug, pk)
