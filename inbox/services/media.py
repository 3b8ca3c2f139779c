"""Friends' images, videos, audio and files: fetched from LINE after ingestion, kept encrypted.

Ingestion records a ``MessageContent`` row per media message (``message_contents_track``, in
its transaction) and, after commit, asks a worker to fetch each (``inbox.tasks``); the beat
sweep (``message_contents_due``) finds what a lost kick or a transient failure left pending.
The bytes are encrypted with the field key (Fernet) and written to the ``chat_media`` storage
under ``<account id>/<random>.bin``: a name nobody can guess, and no URL (the inbox's view,
which checks the member's OA, is the only way out).

Limits: content above ``CHAT_MEDIA_MAX_BYTES`` (default 25 MB) is not kept (``too_large``);
a file message whose ``fileSize`` already says so is not even fetched. LINE deletes content
after a while: its 404/410 is recorded as ``gone``. Content an OA's own server provides
(``contentProvider.type`` "external") is never fetched: LINE gives its URL instead.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from inbox.models import ConversationMessage, MessageContent
from oa_console.fields import decrypt_bytes, encrypt_bytes
from oa_console.line.content import message_content
from oa_console.line.outcomes import backoff
from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort

logger = logging.getLogger("inbox.media")

Status = MessageContent.Status
MEDIA_TYPES = frozenset({"image", "video", "audio", "file"})
MAX_ATTEMPTS = 5
# A pending row the kick has not fetched after this long is the sweep's (a lost kick).
SWEEP_AFTER = timedelta(minutes=2)
SWEEP_BATCH = 200


def media_storage() -> Storage:
    return storages["chat_media"]


def _external(payload: object) -> bool:
    provider = payload.get("contentProvider") if isinstance(payload, dict) else None
    return isinstance(provider, dict) and provider.get("type") == "external"


def message_contents_track(
    *, account: LineAccount, messages: Sequence[ConversationMessage]
) -> list[int]:
    """Record the media messages' content as pending (external content as ``external``) and
    kick the fetch after the transaction commits; returns the pending rows' ids."""
    now = timezone.now()
    rows = [
        MessageContent(
            account=account,
            message=message,
            status=Status.EXTERNAL if _external(message.payload) else Status.PENDING,
            next_attempt_at=None if _external(message.payload) else now + SWEEP_AFTER,
        )
        for message in messages
        if message.message_type in MEDIA_TYPES
    ]
    if not rows:
        return []
    created = MessageContent.objects.for_account(account).bulk_create(rows)
    pending = [row.pk for row in created if row.status == Status.PENDING]
    if pending:
        transaction.on_commit(lambda: message_contents_enqueue(pending))
    return pending


def message_contents_enqueue(content_ids: Sequence[int]) -> None:
    """One task per content (each is a LINE call of its own); a broker that cannot take it
    now leaves it to the sweep."""
    from inbox.tasks import fetch_message_content  # tasks import this module

    for content_id in content_ids:
        enqueue_best_effort(fetch_message_content, (content_id,))


def message_contents_due(*, now=None, limit: int = SWEEP_BATCH) -> list[int]:
    """Pending content whose kick was lost or whose retry is due (every OA: the beat's sweep,
    one of the listed cross-tenant reads)."""
    now = now or timezone.now()
    return list(
        MessageContent.unscoped.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def _name(account: LineAccount) -> str:
    return f"{account.pk}/{secrets.token_urlsafe(24)}.bin"


def _declared_size(message: ConversationMessage) -> int | None:
    size = message.payload.get("fileSize") if isinstance(message.payload, dict) else None
    return size if isinstance(size, int) else None


def message_content_fetch(*, content_id: int) -> str:
    """Fetch one pending content from LINE and store it; returns the status it ends in.
    Idempotent: anything but a due pending row is left alone (a redelivered task)."""
    row = MessageContent.unscoped.select_related("account", "message").filter(pk=content_id).first()
    if row is None or row.status != Status.PENDING:
        return row.status if row else ""
    account = row.account
    limit = settings.CHAT_MEDIA_MAX_BYTES
    declared = _declared_size(row.message)
    if declared is not None and declared > limit:
        return _finish(account, row, Status.TOO_LARGE, size=declared)
    content = message_content(
        account=account, message_id=row.message.line_message_id, max_bytes=limit
    )
    outcome, body = content.outcome, content.body
    if outcome.accepted and body is not None:
        if body.too_large:
            return _finish(account, row, Status.TOO_LARGE, size=declared)
        return message_content_store(
            account=account, content=row, data=body.data, content_type=body.content_type
        )
    if content.gone:
        return _finish(account, row, Status.GONE)
    if outcome.retry_later and row.attempts + 1 < MAX_ATTEMPTS:
        delay = outcome.retry_after or backoff(row.attempts + 1, base=30)
        MessageContent.objects.for_account(account).filter(pk=row.pk, status=Status.PENDING).update(
            attempts=row.attempts + 1,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            error=outcome.message[:500],
        )
        return Status.PENDING
    return _finish(account, row, Status.FAILED, error=outcome.message or outcome.reason)


def _finish(
    account: LineAccount, row: MessageContent, status: str, *, size=None, error: str = ""
) -> str:
    MessageContent.objects.for_account(account).filter(pk=row.pk, status=Status.PENDING).update(
        status=status,
        size=size,
        error=error[:500],
        attempts=row.attempts + 1,
        next_attempt_at=None,
        fetched_at=timezone.now(),
    )
    return status


def message_content_store(
    *, account: LineAccount, content: MessageContent, data: bytes, content_type: str
) -> str:
    """Encrypt and store a pending content's bytes; returns the status it ends in (another
    writer's, when it got there first: the file written here is then removed)."""
    row = content
    storage = media_storage()
    name = storage.save(_name(account), ContentFile(encrypt_bytes(data)))
    with transaction.atomic():
        updated = (
            MessageContent.objects.for_account(account)
            .filter(pk=row.pk, status=Status.PENDING)
            .update(
                status=Status.STORED,
                storage_name=name,
                content_type=content_type[:100],
                size=len(data),
                attempts=row.attempts + 1,
                next_attempt_at=None,
                error="",
                fetched_at=timezone.now(),
            )
        )
    if not updated:  # another worker stored it meanwhile (or it was erased): keep one copy
        storage.delete(name)
        return MessageContent.objects.for_account(account).get(pk=row.pk).status
    return Status.STORED


def message_content_read(*, content: MessageContent) -> bytes:
    """The stored bytes, decrypted (the serving view's read)."""
    with media_storage().open(content.storage_name, "rb") as handle:
        return decrypt_bytes(handle.read())


def message_content_files_delete(names: Sequence[str]) -> None:
    """Delete stored files once the rows that named them are committed as deleted (a rolled
    back erasure keeps its files)."""
    names = [name for name in names if name]
    if not names:
        return

    def delete() -> None:
        storage = media_storage()
        for name in names:
            try:
                storage.delete(name)
            except OSError:  # already gone, or the disk refused: the row no longer names it
                logger.warning("chat media file not deleted", extra={"file": name})

    transaction.on_commit(delete)
