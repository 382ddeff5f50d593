"""Production settings: `check --deploy` reports nothing, and the environment drives them.

The settings module is loaded in a child process, as gunicorn would load it: Django's
settings cannot be swapped inside the test process.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests import processes

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "kube_registry.settings.production",
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-key-for-the-test-only-0123456789",
    "ALLOWED_HOSTS": "kube.example.go.id",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    child_env = {**os.environ, **PRODUCTION_ENV, **env}
    # The browser tests' conftest sets it for this process; a server never has it.
    child_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return processes.run_manage(*args, env=child_env)


def production_settings(*names: str, **env: str) -> dict:
    code = (
        "from django.conf import settings; import json; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, default=str))"
    )
    result = run_manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_nothing():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr


def test_production_refuses_the_development_key():
    result = run_manage("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_settings_are_tight_whatever_debug_says():
    values = production_settings(
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "STORAGES",
        "SECURE_PROXY_SSL_HEADER",
        DEBUG="true",
    )
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert values["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO:https"}, ["HTTP_X_FORWARDED_PROTO", "https"]),
        ({"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_SSL:on"}, ["HTTP_X_FORWARDED_SSL", "on"]),
        ({"BEHIND_TLS_PROXY": "true"}, ["HTTP_X_FORWARDED_PROTO", "https"]),
    ],
)
def test_proxy_ssl_header_is_a_setting(env, expected):
    assert production_settings("SECURE_PROXY_SSL_HEADER", **env)["SECURE_PROXY_SSL_HEADER"] == expected


def test_sessions_and_cache_leave_nothing_on_the_app_server_disk():
    plain = production_settings("SESSION_ENGINE", "CACHES")
    assert plain["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    redis = production_settings("SESSION_ENGINE", "CACHES", REDIS_URL="redis://127.0.0.1:6379/3")
    assert redis["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert redis["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    for values in (plain, redis):
        assert "file" not in values["SESSION_ENGINE"]
        assert "filebased" not in values["CACHES"]["default"]["BACKEND"]


def start_server_module(module: str, **env: str) -> subprocess.CompletedProcess:
    """Import an entry point as a server would, in a clean environment: no settings module, no key."""
    child_env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **env}
    if "DATABASE_URL" in os.environ:
        child_env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    code = f"import {module}; from django.conf import settings as s; print('DEBUG', s.DEBUG, s.SETTINGS_MODULE)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=child_env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("module", ["kube_registry.wsgi", "kube_registry.asgi"])
def test_a_server_started_without_settings_or_key_refuses_to_start(module):
    result = start_server_module(module)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY must be set in production" in result.stderr
    assert "DEBUG" not in result.stdout


@pytest.mark.parametrize("module", ["kube_registry.wsgi", "kube_registry.asgi"])
def test_a_server_started_with_only_a_key_runs_the_production_settings(module):
    result = start_server_module(module, SECRET_KEY=PRODUCTION_ENV["SECRET_KEY"], DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "DEBUG False kube_registry.settings.production"


def test_manage_py_keeps_the_development_default():
    code = "from django.conf import settings; print(settings.SETTINGS_MODULE)"
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY"}}
    result = processes.run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "kube_registry.settings.base"
