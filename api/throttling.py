"""A rate limit per client (settings.KUBE_API_RATE, e.g. "600/hour"), in the default cache.

With Redis (REDIS_URL) every app server counts together; with the per-process cache each
server counts its own calls, so a client may get up to that many times the rate.
"""

import math

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

TOO_MANY = _("Terlalu banyak permintaan dari klien ini. Coba lagi dalam {wait} detik.")


class ApiClientThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_rate(self) -> str:
        # Read at each call (not at import, as DRF does): a changed setting applies at once.
        return settings.KUBE_API_RATE

    def get_cache_key(self, request, view):
        client = getattr(request, "auth", None)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}


class Throttled(exceptions.Throttled):
    """429 in our words only (DRF's would append an English sentence), with Retry-After."""

    def __init__(self, wait=None):
        seconds = max(1, math.ceil(wait or 1))
        super().__init__(detail=TOO_MANY.format(wait=seconds))
        self.wait = seconds
