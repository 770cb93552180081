from django.conf import settings
from django.contrib import admin
from django.urls import include, path

# A 503 rather than a 500 while the database is unreachable (a load balancer and browsers retry).
handler500 = "web.views.core.server_error"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("web.urls")),
]

if settings.DEBUG and not settings.TESTING:
    admin.site.site_header = "Strong Cities help desk (development)"
