"""Serves plotly.js from the installed plotly package, so the app needs no CDN and
keeps no 4.8 MB copy in the repository.

Add to STATICFILES_FINDERS; templates load it as `{% static 'vendor/plotly/plotly.min.js' %}`
on pages with charts only. Works with runserver, the test live server, whitenoise's
finder mode and `collectstatic`.
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_PREFIX = "vendor/plotly"
PLOTLY_FILE = "plotly.min.js"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.root = Path(plotly.__file__).resolve().parent / "package_data"
        self.storage = FileSystemStorage(location=str(self.root))
        self.storage.prefix = PLOTLY_PREFIX  # collectstatic and whitenoise read it

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path == f"{PLOTLY_PREFIX}/{PLOTLY_FILE}":
            match = str(self.root / PLOTLY_FILE)
            return [match] if find_all else match
        return []  # not found, as Django's own finders say it (None would become a match of [None])

    def list(self, ignore_patterns):
        yield PLOTLY_FILE, self.storage
