"""Images an agent uploads into an answer: checked against LINE's limits, stored in media
storage and addressed by the https URL LINE loads them from.

LINE's image message takes a JPEG or PNG original of at most 10 MB and a preview of at most
1 MB, both over https (messaging-api.yml, ImageMessage). No image library is bundled to shrink
a preview, so an uploaded image is its own preview and must fit the preview's 1 MB; a larger
one is sent by URL with a preview URL. The type is read from the file's first bytes.

Checking and storing are two steps: the composer's form checks an upload and plans its name
and URL (``answer_image_check``) without writing anything, and ``answer_create`` stores it
(``answer_images_save``) only in the transaction that writes the answer. An answer refused
(a friend who blocked the OA, a push not confirmed, another field's error) leaves no file.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from oa_console.models import LineAccount

PREVIEW_MAX_BYTES = 1024 * 1024
SIGNATURES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def _kind(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return next((ext for magic, ext in SIGNATURES.items() if head.startswith(magic)), None)


def _public_url(name: str) -> str:
    url = default_storage.url(name)
    if url.startswith("/"):
        url = settings.PUBLIC_BASE_URL.rstrip("/") + url
    return url


@dataclass(frozen=True)
class PlannedImage:
    """An upload that passed the checks: where it will be stored and the URL LINE loads."""

    name: str
    url: str
    upload: UploadedFile


def answer_image_check(*, account: LineAccount, upload: UploadedFile, field: str) -> PlannedImage:
    """Check ``upload`` against LINE's limits and plan its storage (nothing is written).
    Problems are raised on ``field``."""
    kind = _kind(upload)
    if kind is None:
        raise ValidationError({field: [_("LINE only shows JPEG or PNG images.")]})
    if upload.size > PREVIEW_MAX_BYTES:
        raise ValidationError(
            {
                field: [
                    _(
                        "This image is %(size).1f MB; an uploaded image is also its own preview, "
                        "which LINE accepts up to 1 MB. Upload a smaller image, or give the "
                        "image's https URL and a preview URL."
                    )
                    % {"size": upload.size / 1024 / 1024}
                ]
            }
        )
    if not _public_url("x").startswith("https://"):
        raise ValidationError(
            {
                field: [
                    _(
                        "LINE only loads images over https://: set PUBLIC_BASE_URL to the "
                        "console's https address (now %(url)s) to send uploaded images."
                    )
                    % {"url": settings.PUBLIC_BASE_URL}
                ]
            }
        )
    name = f"inbox/{account.pk}/{uuid.uuid4().hex}.{kind}"
    return PlannedImage(name=name, url=_public_url(name), upload=upload)


def answer_images_save(images: Sequence[PlannedImage]) -> None:
    """Store the planned uploads under their planned names (their URLs are in the answer)."""
    for image in images:
        image.upload.seek(0)
        stored = default_storage.save(image.name, image.upload)
        if stored != image.name:  # the storage renamed it: the answer's URL would not load
            default_storage.delete(stored)
            raise RuntimeError(f"storage saved {image.name} as {stored}")
