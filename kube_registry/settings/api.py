"""The read API (`/api/`, api/): Django REST framework and drf-spectacular, imported by base.py.

Machine clients only: a token an administrator issued (api.authentication), never a
session; JSON only (no browsable API); one rate per client (KUBE_API_RATE); the
documentation page's Swagger UI from the installed drf-spectacular-sidecar, never a CDN.
"""

import os

# Calls per client: "<n>/second|minute|hour|day".
KUBE_API_RATE = os.environ.get("KUBE_API_RATE", "600/hour")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.IsApiClient"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiClientThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # OPTIONS answers 405 like every method but GET/HEAD: nothing to describe beyond the schema.
    "DEFAULT_METADATA_CLASS": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "API Registri KUBE",
    "DESCRIPTION": (
        "API baca untuk pelaporan ke provinsi dan kementerian. Token dari administrator "
        "(`Authorization: Bearer <token>`); setiap klien hanya melihat wilayahnya (kota, "
        "provinsi atau nasional); data pribadi disamarkan kecuali klien diizinkan."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its page hold no data: public, whatever the token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to validator.swagger.io from the page.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True, "persistAuthorization": False},
}

# How long the API's call log is kept (the daily clean-up, notifications/schedules.py).
KUBE_API_LOG_DAYS = int(os.environ.get("KUBE_API_LOG_DAYS", "400"))
