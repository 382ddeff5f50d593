"""`python -m benchmarks offline`: the production settings, over plain HTTP on loopback.

The static files are collected into the benchmark's temporary folder and served as in
production (whitenoise: hashed names, gzip, far-future cache headers).
"""

import os
from pathlib import Path

from kube_registry.settings.production import *  # noqa: F403

STATIC_ROOT = Path(os.environ["KUBE_BENCH_STATIC_ROOT"])
