"""Running `manage.py` in a child process: settings read afresh from the environment given."""

import subprocess
import sys

from django.conf import settings


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python manage.py ARGS` with exactly `env`; stdout and stderr as text."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
