from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from groups import urls as groups_urls
from jobs import views as jobs_views
from pages import urls as pages_urls

from . import views
from .forms import SignInForm

urlpatterns = [
    # The composed pages (pages/) keep their names in the `groups` namespace.
    path("", include((pages_urls.urlpatterns + groups_urls.urlpatterns, "groups"))),
    path("", include("finances.urls")),
    path("", include("partnerships.urls")),
    path("", include("assessments.urls")),
    path("", include("formation.urls")),
    path("", include("monitoring.urls")),
    path("", include("monitoring.training_urls")),
    path("", include("monitoring.coverage_urls")),
    path("", include("offline.urls")),
    path("", include("notifications.urls")),
    path("", include("jobs.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/pekerjaan", jobs_views.healthz_jobs, name="healthz_jobs"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/logout/", views.SignOutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
