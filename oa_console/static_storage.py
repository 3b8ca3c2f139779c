"""Static files storage for development (``DEBUG``): collected and gzip-compressed like production.

``manage.py runconsole`` (``make run``) collects the static files before it starts the web
server, which then serves them through WhiteNoise from ``STATIC_ROOT`` exactly as production
does: a browser that accepts gzip gets the compressed copy (Plotly's bundle: 1.2 MB → 395 kB).
Production's storage (``CompressedManifestStaticFilesStorage``) also hashes the file names for
far-future caching; development keeps the plain names, so ``{% static %}`` needs no manifest and
a page works even before any collection.

WhiteNoise compresses every file at every ``collectstatic`` (12 s here for the admin, the API
docs and Plotly); a restart must not pay that, so only files whose compressed copy is missing or
older than the file are compressed again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from whitenoise.storage import CompressedStaticFilesStorage


class ChangedFilesCompressedStorage(CompressedStaticFilesStorage):
    """Compress only the collected files changed since their ``.gz`` copy was written."""

    def post_process(
        self, paths: dict[str, Any], dry_run: bool = False, **options: Any
    ) -> Iterator[tuple[str, str, bool]]:
        changed = {path: found for path, found in paths.items() if not self._compressed(path)}
        yield from super().post_process(changed, dry_run=dry_run, **options)

    def _compressed(self, path: str) -> bool:
        """True when ``path.gz`` exists with the file's own modification time, which WhiteNoise
        gives every compressed copy it writes (a re-collected file gets a newer time)."""
        try:
            original = os.stat(self.path(path))
            compressed = os.stat(self.path(path) + ".gz")
        except FileNotFoundError:
            return False
        return compressed.st_mtime == original.st_mtime
