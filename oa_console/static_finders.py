"""Serve plotly.min.js from the installed plotly package, so the chart library in the browser
is always the one matching the Python figures (no CDN, no second copy in the repository)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_STATIC_PATH = "vendor/plotly/plotly.min.js"


def _package_data() -> Path:
    # Located, not imported: the system check runs this in every process (a Celery worker too),
    # and importing plotly would load it there for nothing.
    spec = importlib.util.find_spec("plotly")
    return Path(spec.origin).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    """Finds exactly ``vendor/plotly/plotly.min.js`` (for runserver, WhiteNoise and collectstatic)."""

    def check(self, **kwargs):
        if not (_package_data() / "plotly.min.js").is_file():
            from django.core.checks import Error

            return [Error("plotly/package_data/plotly.min.js is missing.", id="oa_console.E001")]
        return []

    def find(self, path, find_all=False, **kwargs):
        find_all = find_all or kwargs.get("all", False)
        if path != PLOTLY_STATIC_PATH:
            return []
        found = str(_package_data() / "plotly.min.js")
        return [found] if find_all else found

    def list(self, ignore_patterns):
        storage = FileSystemStorage(location=str(_package_data()))
        storage.prefix = str(Path(PLOTLY_STATIC_PATH).parent)
        yield "plotly.min.js", storage
