"""Settings for every environment, driven by environment variables.

`test.py` and `production.py` only adjust what differs.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ya"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# The fallback key only ever serves a developer's machine: production.py refuses it.
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-change-me"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "kube_registry",
    "groups",
    "finances",
    "partnerships",
    "assessments",
    "formation",
    "monitoring",
    "offline",
    "notifications",
    "jobs",
    "api",
    "pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages compressed for 2G links (a group's profile: 136 KB -> about 17 KB). Django's
    # GZipMiddleware pads each answer at random against BREACH; CSRF tokens are masked anew
    # per request. Before every middleware that reads or writes the body.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kube_registry.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every file handed out is in the audit trail, even one a view forgot to record.
    "kube_registry.downloads.ExportAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its own answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kube_registry.urls"
WSGI_APPLICATION = "kube_registry.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kube_registry.context_processors.roles",
                "groups.context_processors.area",
            ],
        },
    },
]

# SQLite under the project by default; DATABASE_URL switches everything (tests too).
# An exported but empty DATABASE_URL must still mean SQLite.
DEFAULT_SQLITE = f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
if not os.environ.get("DATABASE_URL"):
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_SQLITE,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# AUTH_PASSWORD_VALIDATORS, sessions, CSP, sign-in throttling: settings/security.py.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "groups:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesia")), ("en", _("Inggris"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Off: with it on, every number a template prints gets the locale's separator, ids in form
# values, links and data attributes too ("1.234" is no id: picking waiting families for a
# proposal failed once ids passed 999). Amounts shown to people use `rupiah`, large counts
# `intcomma` (django.contrib.humanize); tests run with ids above a million (conftest.py).
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Makassar")
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# plotly.js is served from the installed plotly package (pages with charts only).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "kube_registry.staticfiles.PlotlyFinder",
]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Every form field tied to its error and help text; the first invalid field focused.
FORM_RENDERER = "kube_registry.forms.AccessibleFormRenderer"

# --- The product's own settings -------------------------------------------------
# The city whose office runs this registry: its Kemendagri code picks the region
# fixture (fixtures/wilayah/) and prefixes registration numbers (6474-2014-001).
KUBE_CITY_CODE = os.environ.get("KUBE_CITY_CODE", "64.74")
KUBE_CITY_NAME = os.environ.get("KUBE_CITY_NAME", "Kota Bontang")
# Permensos 2/2019: 5 to 20 families. Outside the band the group gets a warning only.
KUBE_MEMBERS_MIN = int(os.environ.get("KUBE_MEMBERS_MIN", "5"))
KUBE_MEMBERS_MAX = int(os.environ.get("KUBE_MEMBERS_MAX", "20"))
# Sources disagree (18-59 or 18-60), so the working-age band is a setting.
KUBE_WORKING_AGE = (
    int(os.environ.get("KUBE_WORKING_AGE_MIN", "18")),
    int(os.environ.get("KUBE_WORKING_AGE_MAX", "59")),
)

# Monitoring (issue 16): an active group is covered when visited within this many days
# ending on the day asked (that day included): monitoring.selectors.coverage_start.
KUBE_MONITORING_PERIOD_DAYS = int(os.environ.get("KUBE_MONITORING_PERIOD_DAYS", "90"))

# Imports: all or nothing, so a file must fit in one transaction and one request.
KUBE_IMPORT_MAX_BYTES = int(os.environ.get("KUBE_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
KUBE_IMPORT_MAX_ROWS = int(os.environ.get("KUBE_IMPORT_MAX_ROWS", "200000"))  # data rows per sheet (and per file)
# What a file may unpack to (an .xlsx/.ods is a zip: the sum of its parts), the cells of
# its sheets (rows x used columns, over the whole file) and the characters of one CSV field.
KUBE_IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("KUBE_IMPORT_MAX_UNPACKED_BYTES", str(200 * 1024 * 1024)))
KUBE_IMPORT_MAX_CELLS = int(os.environ.get("KUBE_IMPORT_MAX_CELLS", "5000000"))
KUBE_IMPORT_MAX_FIELD_CHARS = int(os.environ.get("KUBE_IMPORT_MAX_FIELD_CHARS", "10000"))
# Checked uploads never applied lose their content after this (command purge_uploads).
KUBE_IMPORT_RETENTION_HOURS = int(os.environ.get("KUBE_IMPORT_RETENTION_HOURS", "24"))

# Notifications (issue 18): email through Django's email settings; the console in development.
# Links in emails start with KUBE_SITE_URL (the address users open the registry at).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Registri KUBE <registri-kube@localhost>")
KUBE_SITE_URL = os.environ.get("KUBE_SITE_URL", "http://127.0.0.1:8000")
# --- Background jobs (jobs/; README, "Jobs and the queue") ---------------------------
# django-tasks with its database backend: the queue is a table in the registry's own
# database, and workers (`manage.py run_worker`) run on any machine that reaches it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# An import of more data rows than this is checked and applied by a worker, with a progress bar.
KUBE_IMPORT_JOB_ROWS = int(os.environ.get("KUBE_IMPORT_JOB_ROWS", "2000"))
# A finished export's file may be downloaded for this long; then it is deleted.
KUBE_EXPORT_KEEP_HOURS = int(os.environ.get("KUBE_EXPORT_KEEP_HOURS", "24"))
# Workers beat every KUBE_JOBS_BEAT_SECONDS; one silent for KUBE_JOBS_WORKER_TIMEOUT seconds is
# counted dead, and a job it was running is shown as interrupted (it may be run again).
KUBE_JOBS_BEAT_SECONDS = float(os.environ.get("KUBE_JOBS_BEAT_SECONDS", "30"))
KUBE_JOBS_WORKER_TIMEOUT = float(os.environ.get("KUBE_JOBS_WORKER_TIMEOUT", "120"))
# A running job writes its progress at most this often (seconds).
KUBE_JOBS_PROGRESS_SECONDS = float(os.environ.get("KUBE_JOBS_PROGRESS_SECONDS", "1"))
# SQLite only: the directory of live progress and heartbeats (jobs/live.py; default: "jobs"
# beside the database file). An import holds SQLite's one writer for its whole transaction.
KUBE_JOBS_LIVE_DIR = os.environ.get("KUBE_JOBS_LIVE_DIR", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A worker beside the server: WAL lets pages read while it writes, and IMMEDIATE makes a
    # writer wait for the other (up to the timeout) instead of failing half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )

# Every log line passes a filter that masks 16-digit numbers (NIK, KK) and phone numbers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "kube_registry.masking.PersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own error mails/handlers stay off: errors go to the console (journald).
        "django": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING"), "propagate": False},
    },
}

# --- The read API (/api/): settings/api.py ------------------------------------------
from .api import *  # noqa: E402, F403

# --- Security and deployment (docs/deploy.md) -------------------------------------
from .security import *  # noqa: E402, F403
