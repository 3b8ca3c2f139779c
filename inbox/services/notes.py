"""Internal notes on a conversation, with @mentions of the members who may work its OA.

A mention is ``@`` followed by a member's e-mail address, full name or first name (any case,
full-width letters too): the names are matched against the members of this OA's inbox, never
parsed out of the text, so a name with a space or in Japanese works as written.
"""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.utils import timezone

from inbox.models import Conversation, ConversationNote, NoteMention
from inbox.selectors.team import inbox_members
from oa_console.models import LineAccount, User

NOTE_MAX_LENGTH = 5000


class NoteError(ValueError):
    """An empty or overlong note."""


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def mention_handles(user: User) -> list[str]:
    """What may follow ``@`` to mention this member."""
    handles = [user.email, user.get_full_name(), user.first_name]
    return [_folded(handle) for handle in handles if handle and handle.strip()]


def mentioned_members(*, account: LineAccount, text: str) -> list[User]:
    folded = _folded(text)
    return [
        user
        for user in inbox_members(account=account)
        if any(f"@{handle}" in folded for handle in mention_handles(user))
    ]


@transaction.atomic
def note_create(
    *, account: LineAccount, conversation: Conversation, author: User | None, text: str
) -> ConversationNote:
    text = text.strip()
    if not text:
        raise NoteError("empty")
    if len(text) > NOTE_MAX_LENGTH:
        raise NoteError("long")
    note = ConversationNote.objects.for_account(account).create(
        account=account, conversation=conversation, author=author, text=text
    )
    author_id = getattr(author, "pk", None)
    NoteMention.objects.for_account(account).bulk_create(
        [
            NoteMention(account=account, note=note, conversation=conversation, user=user)
            for user in mentioned_members(account=account, text=text)
            if user.pk != author_id
        ]
    )
    conversation.save(update_fields=["updated_at"])  # the open lists' poll sees the mention
    return note


def mentions_mark_seen(*, account: LineAccount, conversation: Conversation, user: User) -> int:
    """The member opened the conversation: their mentions in it are read."""
    return (
        NoteMention.objects.for_account(account)
        .filter(conversation=conversation, user=user, seen_at__isnull=True)
        .update(seen_at=timezone.now())
    )
