from django.contrib.auth import views as auth_views
from django.urls import path

from helpdesk.views import core as views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("requests/<str:reference>/", views.request_detail, name="request-detail"),
]
