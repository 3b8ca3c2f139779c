"""``seed_chat_media``: the demo chats' photos are stored as if fetched from LINE (``seed_demo``).

The scripted chats' photos (``inbox.demo.texts``) are recorded pending, like any friend's
media; storing the demo picture for them at once means the seeded chats show their photos
without a worker and without LINE. Photos that arrive later (the demo's webhook button) are
fetched from the simulated LINE by the worker like real ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inbox.models import MessageContent
from inbox.services.media import message_content_store
from oa_console.demo_picture import demo_png

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

DEMO_ORDER = 61  # after the chats (57), their saved replies (58) and team work (59)


def seed_chat_media(demo: DemoTenancy) -> int:
    picture = demo_png()
    stored = 0
    for account in demo.accounts.values():
        pending = MessageContent.objects.for_account(account).filter(
            status=MessageContent.Status.PENDING,
            message__message_type="image",
            message__event_key__startswith="demo-chat-",
        )
        for content in pending:
            stored += (
                message_content_store(
                    account=account, content=content, data=picture, content_type="image/png"
                )
                == MessageContent.Status.STORED
            )
    return stored
