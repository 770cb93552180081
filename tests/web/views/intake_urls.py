"""The desk's URLs, with a stand-in resource page while the resource hub's pages are not on this branch (the
suggestions link to ``resource-detail``)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as desk
from web.urls import urlpatterns as web


def _stand_in(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(f"<h1>{slug}</h1>")


named = {getattr(pattern, "name", None) for pattern in web}
urlpatterns = [*desk]
if "resource-detail" not in named:
    urlpatterns.append(path("resources/<slug:slug>/", _stand_in, name="resource-detail"))
