from django.contrib.auth import views as auth_views
from django.urls import path

from helpdesk.views import core as views
from helpdesk.views import exports, files  # access and security (issue 4)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("attachments/<int:pk>/", files.attachment_download, name="attachment-download"),
    path("exports/requests.csv", exports.queue_export, name="queue-export"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("requests/<str:reference>/", views.request_detail, name="request-detail"),
]
