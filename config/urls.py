from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("web.urls")),
]

if settings.DEBUG and not settings.TESTING:
    admin.site.site_header = "Strong Cities help desk (development)"
