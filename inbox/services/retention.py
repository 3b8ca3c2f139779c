"""How long each OA keeps chat content, and the nightly job that deletes what is older.

Deleting content keeps the rows: a message past the retention loses its text, its LINE
payload and its media file and is flagged ``content_deleted``, while its direction, type,
time, what sent it and the wait it answered stay. So the conversation list, the unread and
waiting figures and the Chats insights (answers by kind, response times, busiest hours) read
the same numbers before and after; only what was said is gone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox.models import (
    ChatRetention,
    Conversation,
    ConversationMessage,
    MessageContent,
    MessageSearch,
)
from inbox.services.media import message_content_files_delete
from oa_console import audit
from oa_console.models import AuditAction, LineAccount

# The periods an OA may choose, in days; None keeps chat content forever.
RETENTION_DAYS = (30, 90, 180, 365)
BATCH = 1000


def chat_retention_days(*, account: LineAccount) -> int | None:
    """The OA's period in days, or None (forever: also an OA that never chose)."""
    row = ChatRetention.objects.for_account(account).first()
    return row.days if row else None


@transaction.atomic
def chat_retention_update(
    *, account: LineAccount, days: int | None, request: HttpRequest | None = None
) -> int | None:
    """Set the OA's chat content retention (audited when it changes)."""
    if days is not None and days not in RETENTION_DAYS:
        raise ValidationError(
            {"days": _("Choose one of the offered periods.")}, code="invalid_choice"
        )
    row, _created = (
        ChatRetention.objects.for_account(account)
        .select_for_update()
        .get_or_create(account=account)
    )
    before = row.days
    if before == days:
        return days
    row.days = days
    row.save(update_fields=["days", "updated_at"])
    audit.record(
        AuditAction.RETENTION_CHANGED,
        workspace=account.workspace,
        request=request,
        account=account,
        target=account,
        details={"setting": "chat_content_retention_days", "from": before, "to": days},
    )
    return days


def messages_content_delete(*, account: LineAccount, message_ids: list[int]) -> int:
    """Blank the messages' text and payload, flag them, and delete their media (files go
    after commit) and their search grams (derived from the text); the rows and their figures
    stay. Returns how many messages changed."""
    messages = ConversationMessage.objects.for_account(account).filter(pk__in=message_ids)
    MessageSearch.objects.for_account(account).filter(message_id__in=message_ids).delete()
    contents = MessageContent.objects.for_account(account).filter(message_id__in=message_ids)
    names = list(contents.exclude(storage_name="").values_list("storage_name", flat=True))
    contents.update(status=MessageContent.Status.DELETED, storage_name="", next_attempt_at=None)
    changed = messages.update(text="", payload={}, content_deleted=True)
    message_content_files_delete(names)
    return changed


def chat_content_prune(*, account: LineAccount, now: datetime | None = None) -> int:
    """Delete the content of the OA's messages older than its retention (batches of
    ``BATCH``, each its own transaction); returns how many messages lost their content."""
    days = chat_retention_days(account=account)
    if days is None:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = ConversationMessage.objects.for_account(account).filter(
        occurred_at__lt=cutoff, content_deleted=False
    )
    total = 0
    while True:
        with transaction.atomic():
            ids = list(old.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not ids:
                break
            total += messages_content_delete(account=account, message_ids=ids)
    # A conversation whose latest message is past the period no longer previews it.
    Conversation.objects.for_account(account).filter(last_message_at__lt=cutoff).exclude(
        last_message_preview=""
    ).update(last_message_preview="", updated_at=timezone.now())  # open lists refresh
    return total


def chat_content_prune_all(*, now: datetime | None = None) -> int:
    """Every OA that set a period (the nightly job; a listed cross-tenant read of the
    settings rows only, each OA pruned in its own right)."""
    total = 0
    for row in ChatRetention.unscoped.filter(days__isnull=False).select_related("account"):
        total += chat_content_prune(account=row.account, now=now)
    return total
