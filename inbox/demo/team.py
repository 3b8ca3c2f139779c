# ruff: noqa: RUF001  (the demo notes use CJK full-width punctuation on purpose)
"""``seed_team``: team work on the demo chats (``seed_demo``, after ``seed_chats``).

Per OA: the scripted answers go into the search index, each conversation's session gets its
first response (the first answer after it opened) and, when resolved, its resolution a few
hours after the last message, so the inbox's medians show figures; notes with @mentions on a
few conversations; the members who answer chats are available, and the agent's OA assigns new
conversations round-robin. A second run adds nothing (an OA with notes is left alone).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from inbox.demo import AGENT_OA
from inbox.models import Conversation, ConversationMessage, ConversationNote, ConversationSession
from inbox.selectors.team import inbox_members
from inbox.services.assignment import availability_set, team_settings_update
from inbox.services.notes import note_create
from inbox.services.search_index import messages_backfill
from oa_console.tenancy import tenant_scope

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

DEMO_ORDER = 59
# (mentioned login, text) per chat language: the first two conversations of each OA get one.
NOTES = {
    "zh_Hant": [
        ("agent@demo.example", "@Mei Lin 這位客人上週也問過外送，請優先處理"),
        ("owner@demo.example", "已確認訂單，等待客人回覆 @Aiko Sato"),
    ],
    "ja": [
        ("admin@demo.example", "@Wei-Lin Chen 返品ポリシーの確認をお願いします"),
        ("owner@demo.example", "VIP のお客様です。@Aiko Sato さん、折り返しお願いします"),
    ],
    "ja_tea": [
        ("owner@demo.example", "@Aiko Sato 定期便の変更希望です"),
        ("admin@demo.example", "在庫確認済み @Wei-Lin Chen"),
    ],
    "th": [
        ("marketer@demo.example", "@Nattaya Srisuk ลูกค้าถามเรื่องโปรโมชั่นคลาสโยคะ"),
        ("owner@demo.example", "ยืนยันการจองแล้ว @Aiko Sato"),
    ],
}
AVAILABLE = ("owner@demo.example", "agent@demo.example", "admin@demo.example")


def _sessions(account) -> None:
    """The sessions ingestion opened, with the times the scripted answers and statuses give."""
    for session in ConversationSession.objects.for_account(account).select_related("conversation"):
        conversation = session.conversation
        messages = ConversationMessage.objects.for_account(account).filter(
            conversation=conversation, occurred_at__gte=session.opened_at
        )
        answer = messages.filter(direction="out").order_by("occurred_at").first()
        session.first_response_at = answer.occurred_at if answer else None
        if conversation.status == Conversation.Status.RESOLVED:
            session.resolved_at = conversation.last_message_at + timedelta(hours=3)
        session.save(update_fields=["first_response_at", "resolved_at"])


def _seed_account(demo: DemoTenancy, slug: str, account, language: str) -> int:
    messages_backfill(account=account)
    _sessions(account)
    members = inbox_members(account=account)
    conversations = list(Conversation.objects.for_account(account).order_by("pk")[:2])
    created = 0
    for conversation, (email, text) in zip(conversations, NOTES[language], strict=False):
        # Someone else of the OA's team writes it (nobody mentions themselves).
        writer = next((user for user in members if user.email != email), None)
        note_create(account=account, conversation=conversation, author=writer, text=text)
        created += 1
    if slug == AGENT_OA:
        team_settings_update(account=account, auto_assign=True)
    return created


def seed_team(demo: DemoTenancy) -> int:
    from inbox.demo.texts import LANGUAGE_BY_OA

    total = 0
    for slug, account in demo.accounts.items():
        with tenant_scope(workspace=account.workspace, account=account):
            if ConversationNote.objects.for_account(account).exists():
                continue
            total += _seed_account(demo, slug, account, LANGUAGE_BY_OA.get(slug, "ja"))
    for workspace in demo.workspaces.values():
        with tenant_scope(workspace=workspace):
            for email in AVAILABLE:
                if email in demo.users:
                    availability_set(workspace=workspace, user=demo.users[email], available=True)
    return total
