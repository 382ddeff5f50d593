"""The installable app's outside faces (contract 5) and the facilitator's offline pages.

`/manifest.webmanifest` and `/sw.js` are served from the site's root (a service worker
controls only the paths below its own URL). `/sw.js` is a template: it learns the URLs of
the static files to keep, as the static storage names them, and a version that changes
with any of them, so a new release replaces the phone's copies.
"""

import hashlib
import json
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET
from django.views.generic import TemplateView

from kube_registry.phone import opaque_user
from kube_registry.roles import RoleRequiredMixin

from .pages import MAX_AGE_HOURS, facilitator_pages

# The static files every page needs, kept on the phone at install (the service worker's precache).
PRECACHE = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap/js/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "css/app.css",
    "css/focus.css",
    "css/print.css",
    "favicon.svg",
    "icons/kube-192.png",
    "js/visit_location.js",
    "vendor/idb-8.0.4/umd.js",
    "js/offline/queue.js",
    "js/offline/app.js",
)
WORKBOX = "vendor/workbox-7.4.1/"
ICONS = (("kube-192", "192x192", "any"), ("kube-512", "512x512", "any"), ("kube-maskable-512", "512x512", "maskable"))


@lru_cache(maxsize=1)
def _precache() -> tuple[tuple[dict, ...], str]:
    """([{url, revision}], version): each file's revision is a hash of its content, or none
    where the static storage already puts one in the URL (production's hashed names), so
    Workbox can take the file from the browser's HTTP cache instead of downloading it again."""
    entries, whole = [], hashlib.sha256()
    for name in PRECACHE:
        path = finders.find(name)  # [] when the file is not there
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()[:16] if path else "missing"
        url = static(name)
        hashed = not url.endswith("/" + name)
        entries.append({"url": url, "revision": None if hashed else digest})
        whole.update(f"{url}:{digest}".encode())
    return tuple(entries), whole.hexdigest()[:16]


@never_cache
@require_GET
def manifest(request):
    data = {
        "name": _("Registri KUBE"),
        "short_name": _("KUBE"),
        "description": _("Pendampingan KUBE: laporan bulanan dan kunjungan, juga tanpa sinyal."),
        "lang": "id",
        "start_url": reverse("groups:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#146c43",
        "icons": [
            {"src": static("icons/kube-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/kube-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/kube-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@lru_cache(maxsize=1)
def _service_worker() -> tuple[str, str]:
    """(body, version) of /sw.js: the same for every user, made once per process."""
    entries, version = _precache()
    template_version = hashlib.sha256(render_to_string("offline/sw.js", {"config_json": "{}"}).encode()).hexdigest()
    version = f"{version}-{template_version[:8]}"
    config = {
        "version": version,
        "precache": list(entries),
        "workbox_prefix": static(WORKBOX),
        "pages_url": reverse("offline:pages"),
        "offline_url": reverse("offline:queue"),
    }
    return render_to_string("offline/sw.js", {"config_json": json.dumps(config)}), version


@require_GET
@condition(etag_func=lambda request: _service_worker()[1])
def service_worker(request):
    """The browser asks for it on every page load: with its version as ETag the answer is a
    bodiless 304 until a release changes it."""
    body, _version = _service_worker()
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


class PagesView(RoleRequiredMixin, View):
    """The pages this user's phone keeps, as JSON (none for the office). Signed out: the sign-in
    page, or 401 JSON for the phone's script (kube_registry.phone)."""

    permission_required = "groups.view_kube"
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        response = JsonResponse(
            {
                "user": opaque_user(request.user),
                "pages": facilitator_pages(request.user, timezone.localdate()),
                "max_age_hours": MAX_AGE_HOURS,
            }
        )
        add_never_cache_headers(response)
        return response


class QueueView(RoleRequiredMixin, TemplateView):
    """`/luring/`: what this phone still has to send; filled by the page's script from the phone's storage."""

    permission_required = "groups.view_kube"
    template_name = "offline/queue.html"
    http_method_names = ["get", "head"]
