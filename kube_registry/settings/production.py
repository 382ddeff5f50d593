"""Production: DEBUG off, HTTPS only, static files by whitenoise. See docs/deploy.md.

`python manage.py check --deploy` with these settings reports nothing
(tests/kube_registry/test_deploy.py).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool

DEBUG = False
if SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

# base.py picks the storage from the DEBUG variable; here DEBUG is off whatever it says.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The header a TLS-terminating proxy (nginx, a load balancer) sets to say the request
# came over HTTPS: `SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO:https`. Set it only when
# that proxy always overwrites the header, or a client could claim HTTPS.
# BEHIND_TLS_PROXY=true is the older spelling of the usual value.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    header, _sep, value = os.environ["SECURE_PROXY_SSL_HEADER"].partition(":")
    SECURE_PROXY_SSL_HEADER = (header.strip(), value.strip() or "https")
elif env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
