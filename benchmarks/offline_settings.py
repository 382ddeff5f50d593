"""`python -m benchmarks offline`: the production settings, over plain HTTP on loopback.

The static files are collected into the benchmark's temporary folder and served as in
production (whitenoise: hashed names, gzip, far-future cache headers). With
KUBE_BENCH_GZIP_HTML set, Django's GZipMiddleware compresses the pages too, as a
compressing proxy in front of the app would.
"""

import os
from pathlib import Path

from kube_registry.settings.production import *  # noqa: F403
from kube_registry.settings.production import MIDDLEWARE

STATIC_ROOT = Path(os.environ["KUBE_BENCH_STATIC_ROOT"])
if os.environ.get("KUBE_BENCH_GZIP_HTML"):
    MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]
