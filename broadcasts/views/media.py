"""The public address of images uploaded for broadcasts, ``/media/broadcasts/…``: LINE fetches
them without logging in, so no tenant is involved; names are random (a UUID per upload) and
only the shape the console writes is served."""

from __future__ import annotations

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

NAME = re.compile(r"^\d+/[0-9a-f]{32}/(original|preview)\.(jpg|png)$")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


@require_safe
def broadcast_image(request: HttpRequest, name: str) -> FileResponse:
    match = NAME.match(name)
    if not match or not default_storage.exists(f"broadcasts/{name}"):
        raise Http404
    response = FileResponse(
        default_storage.open(f"broadcasts/{name}"), content_type=CONTENT_TYPES[match[2]]
    )
    # An upload never changes (a new one gets a new name): LINE and proxies may keep it.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
