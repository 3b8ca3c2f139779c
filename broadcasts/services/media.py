"""Images uploaded for broadcast bubbles: checked against LINE's limits for image messages,
stored through Django's default storage, and addressed by an absolute https URL LINE can load.

LINE's limits (Messaging API reference, image message; the same figures as the Flex image
component in messaging-api.yml): the original is a JPEG or PNG of at most 10 MB, the preview
shown in the chat a JPEG or PNG of at most 1 MB, both over HTTPS. The type is read from the
file's first bytes, never from its name or the browser's word. No image library is bundled, so
the preview is not generated: an original of at most 1 MB is its own preview, a larger one
needs a preview file (or URL).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from oa_console.models import LineAccount

ORIGINAL_MAX_BYTES = 10 * 1024 * 1024
PREVIEW_MAX_BYTES = 1024 * 1024
SIGNATURES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def image_kind(upload: UploadedFile) -> str | None:
    """``jpg`` or ``png`` from the file's signature, None for anything else."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return next((ext for magic, ext in SIGNATURES.items() if head.startswith(magic)), None)


def _check(upload: UploadedFile, *, field: str, limit: int) -> str:
    kind = image_kind(upload)
    if kind is None:
        raise ValidationError({field: [_("LINE only shows JPEG or PNG images.")]})
    if upload.size > limit:
        raise ValidationError(
            {
                field: [
                    _("This image is %(size).1f MB; LINE accepts at most %(limit)s MB here.")
                    % {"size": upload.size / 1024 / 1024, "limit": limit // (1024 * 1024)}
                ]
            }
        )
    return kind


def public_media_url(name: str) -> str:
    """The https URL of a stored file: the storage's own absolute URL (a bucket, a CDN), or
    MEDIA_URL under PUBLIC_BASE_URL when the console serves media itself."""
    url = default_storage.url(name)
    if url.startswith("/"):
        url = settings.PUBLIC_BASE_URL.rstrip("/") + url
    return url


def image_upload_store(
    *, account: LineAccount, original: UploadedFile, preview: UploadedFile | None = None
) -> tuple[str, str]:
    """Check and store an uploaded image (and its preview); their https URLs."""
    kind = _check(original, field="upload", limit=ORIGINAL_MAX_BYTES)
    preview_kind = (
        _check(preview, field="preview_upload", limit=PREVIEW_MAX_BYTES) if preview else None
    )
    if preview is None and original.size > PREVIEW_MAX_BYTES:
        raise ValidationError(
            {
                "preview_upload": [
                    _(
                        "LINE shows a preview of at most 1 MB in the chat: this image is larger, "
                        "so add a smaller preview image."
                    )
                ]
            }
        )
    if not settings.PUBLIC_BASE_URL.startswith("https://") and default_storage.url("x").startswith(
        "/"
    ):
        raise ValidationError(
            {
                "upload": [
                    _(
                        "LINE only loads images over https://: set PUBLIC_BASE_URL to the "
                        "console's https address (now %(url)s) to send uploaded images."
                    )
                    % {"url": settings.PUBLIC_BASE_URL}
                ]
            }
        )
    folder = f"broadcasts/{account.pk}/{uuid.uuid4().hex}"
    name = default_storage.save(f"{folder}/original.{kind}", original)
    preview_name = (
        default_storage.save(f"{folder}/preview.{preview_kind}", preview) if preview else name
    )
    return public_media_url(name), public_media_url(preview_name)
