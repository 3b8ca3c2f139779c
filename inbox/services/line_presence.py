"""What the friend sees of an agent before any answer: their messages marked read in LINE when
an agent opens the conversation, and LINE's loading animation while an agent types.

Both calls are made by a worker, so the page never waits on LINE. The conversation keeps the
mark-as-read token last handed to LINE (``mark_as_read_sent_token``): the page polls every 2
seconds and re-renders on each new message, but LINE is called once per new token.
"""

from __future__ import annotations

from django.db import transaction

from inbox.models import Conversation
from oa_console.line.chat import chat_mark_as_read, chat_show_loading
from oa_console.line.outcomes import Outcome
from oa_console.models import LineAccount
from segments.models import Friend

LOADING_SECONDS = 20


def conversation_read_in_line(*, account: LineAccount, conversation: Conversation) -> bool:
    """Ask a worker to mark the friend's messages read in LINE, if their latest token was not
    handed to LINE yet; True when it was asked. The token is taken by a conditional update, so
    two pages opening the conversation at once ask once."""
    token = conversation.mark_as_read_token
    if not token or token == conversation.mark_as_read_sent_token:
        return False
    with transaction.atomic():
        taken = (
            Conversation.objects.for_account(account)
            .filter(pk=conversation.pk, mark_as_read_token=token)
            .exclude(mark_as_read_sent_token=token)
            .update(mark_as_read_sent_token=token)
        )
        if taken:
            account_id = account.pk

            def send() -> None:
                from inbox import tasks  # tasks import this module

                tasks.mark_read_in_line_soon(account_id, conversation.pk, token)

            transaction.on_commit(send)
    conversation.mark_as_read_sent_token = token
    return bool(taken)


def mark_read_in_line(*, account: LineAccount, conversation_id: int, token: str) -> Outcome:
    """Call LINE's mark-as-read with ``token``; when LINE could not be reached, the token is
    given back so the next opening of the conversation asks again."""
    outcome = chat_mark_as_read(account=account, mark_as_read_token=token)
    if outcome.retry_later:
        Conversation.objects.for_account(account).filter(
            pk=conversation_id, mark_as_read_sent_token=token
        ).update(mark_as_read_sent_token="")
    return outcome


def loading_show(*, account: LineAccount, friend: Friend) -> Outcome:
    """LINE's loading animation in the friend's chat for ``LOADING_SECONDS`` (1:1 chats only,
    which every conversation is)."""
    return chat_show_loading(
        account=account, line_user_id=friend.line_user_id, seconds=LOADING_SECONDS
    )
