"""Security and deployment settings, imported at the end of base.py.

Every value comes from the environment with a default fit for a developer's machine;
production.py tightens what must be tight. docs/deploy.md explains each for IT staff.
"""

import os
from datetime import timedelta

from csp.constants import NONE, SELF

from .base import env_bool

# --- Content-Security-Policy (django-csp) ------------------------------------------
# Only the app's own origin: scripts and styles come from static files, figures from
# json_script blocks (data, never run). No inline <script>, <style> or style="…".
# `data:` images only because Bootstrap's CSS draws its checkboxes and select arrows
# with data: SVGs; they carry no code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Sign-in throttling (django-axes) ------------------------------------------------
# Wrong passwords within the cool-off are counted three ways, each with its own limit:
# - one user name from one address (the pair): SIGNIN_LIMIT_PAIR, 5 — one person's typos
#   lock only that name on that device, not the colleagues behind the same office NAT;
# - one user name from any address: SIGNIN_LIMIT_USER, 10 — many addresses guessing one
#   account (the price: someone can make that account wait SIGNIN_COOLOFF_MINUTES);
# - one address, any user name: SIGNIN_LIMIT_ADDRESS, 20 — one address trying every name
#   (the price: an office behind one address shares it).
# Reaching any limit refuses the sign-in, the right password included, until the
# failures age past the cool-off. django-axes has one failure limit (AXES_FAILURE_LIMIT,
# the pair's); kube_registry.signin.SignInAttemptsHandler applies the other two. Attempts
# live in the database, so every app server sees them. SIGNIN_FAILURE_LIMIT is the older
# name of SIGNIN_LIMIT_PAIR.
AUTHENTICATION_BACKENDS = [
    "kube_registry.signin.SignInThrottleBackend",
    "kube_registry.signin.UserBackend",
]
SIGNIN_LIMIT_PAIR = int(os.environ.get("SIGNIN_LIMIT_PAIR") or os.environ.get("SIGNIN_FAILURE_LIMIT") or "5")
SIGNIN_LIMIT_USER = int(os.environ.get("SIGNIN_LIMIT_USER") or "10")
SIGNIN_LIMIT_ADDRESS = int(os.environ.get("SIGNIN_LIMIT_ADDRESS") or "20")
AXES_FAILURE_LIMIT = SIGNIN_LIMIT_PAIR
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGNIN_COOLOFF_MINUTES") or "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "kube_registry.signin.SignInAttemptsHandler"
# A successful sign-in clears its own pair's failures only (SignInAttemptsHandler), so a
# guesser with one valid account cannot wipe the address's count by signing in.
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kube_registry.signin.signin_locked_out"
AXES_CLIENT_IP_CALLABLE = "kube_registry.signin.client_ip"
# Behind nginx or a load balancer REMOTE_ADDR is the proxy's: trust the address the
# proxy appended to X-Forwarded-For (the right-most one) only when told to.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

# --- Passwords ------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sessions: in the database (or Redis), expiring -----------------------------------
# A working day by default; a closed browser ends the session too (shared office PCs).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_HOURS", "8")) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Cache: Redis when REDIS_URL is set, else per process ------------------------------
# Nothing in the app depends on the cache being shared (sessions and sign-in attempts
# are in the database), so several app servers work with either.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
