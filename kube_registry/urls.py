from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("groups.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
