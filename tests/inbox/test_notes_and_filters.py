"""Internal notes (encrypted at rest) with @mentions, and the list filters alone and combined."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from inbox.models import ConversationNote, MessageSearch, NoteMention
from inbox.selectors.conversations import (
    ASSIGNEE_ME,
    ASSIGNEE_NONE,
    ConversationFilters,
    conversation_list,
    workspace_conversation_list,
)
from inbox.selectors.search import conversation_search
from inbox.services.notes import NoteError, mentions_mark_seen, note_create
from oa_console.roles import Role
from oa_console.tenancy import tenant_scope
from segments.models import FriendTag, Tag
from segments.personal_data import services
from tests.conftest import make_member
from tests.inbox.team_helpers import T0, conversation_for, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(workspace):
    aiko = make_member(workspace, Role.AGENT, email="aiko@alpha.example")
    aiko.first_name, aiko.last_name = "Aiko", "Tanaka"
    aiko.save()
    return {
        "aiko": aiko,
        "ben": make_member(workspace, Role.ADMIN, email="ben@alpha.example"),
        "viewer": make_member(workspace, Role.VIEWER, email="viewer@alpha.example"),
    }


def test_a_note_is_encrypted_at_rest(account, members):
    conversation = conversation_for(account)
    note = note_create(
        account=account, conversation=conversation, author=members["ben"], text="VIP: 東京の店舗"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM inbox_conversationnote WHERE id = %s", [note.pk])
        stored = cursor.fetchone()[0]
    assert "VIP" not in stored and "東京" not in stored
    assert ConversationNote.unscoped.get(pk=note.pk).text == "VIP: 東京の店舗"
    with pytest.raises(NoteError):
        note_create(account=account, conversation=conversation, author=None, text="   ")


def test_mentions_by_name_or_email_and_seen_when_opened(account, members, scope):
    conversation = conversation_for(account)
    note = note_create(
        account=account,
        conversation=conversation,
        author=members["ben"],
        text="＠aiko tanaka please call back; cc @ben@alpha.example @viewer@alpha.example",  # noqa: RUF001 (a full-width @)
    )
    # Full-width @ and any case reach Aiko; Ben wrote it; a viewer may not answer chats.
    mentioned = NoteMention.unscoped.filter(note=note).values_list("user__email", flat=True)
    assert list(mentioned) == ["aiko@alpha.example"]
    mine = ConversationFilters(mentions=True, user=members["aiko"])
    assert list(conversation_list(account=account, filters=mine)) == [conversation]
    assert not conversation_list(
        account=account, filters=ConversationFilters(mentions=True, user=members["ben"])
    ).exists()
    assert mentions_mark_seen(account=account, conversation=conversation, user=members["aiko"])
    assert not conversation_list(account=account, filters=mine).exists()
    assert NoteMention.unscoped.get().seen_at is not None


def test_each_filter_and_their_combination(account, workspace, members, scope):
    vip = Tag.unscoped.create(account=account, name="VIP")
    aiko = members["aiko"]
    mine_open = conversation_for(account, assignee=aiko, status="open")
    mine_new_vip = conversation_for(account, assignee=aiko, status="new")
    nobody_open_vip = conversation_for(account, status="open")
    for conversation in (mine_new_vip, nobody_open_vip):
        FriendTag.unscoped.create(
            account=account,
            friend=conversation.friend,
            tag=vip,
            source="manual",
            tagged_at=timezone.now(),
        )
    note_create(
        account=account, conversation=nobody_open_vip, author=members["ben"], text="@Aiko look"
    )

    def ids(**wanted) -> set[int]:
        filters = ConversationFilters(user=aiko, **wanted)
        return {c.pk for c in conversation_list(account=account, filters=filters)}

    assert ids(assignee=ASSIGNEE_ME) == {mine_open.pk, mine_new_vip.pk}
    assert ids(assignee=ASSIGNEE_NONE) == {nobody_open_vip.pk}
    assert ids(status="open") == {mine_open.pk, nobody_open_vip.pk}
    assert ids(tag_id=vip.pk) == {mine_new_vip.pk, nobody_open_vip.pk}
    assert ids(mentions=True) == {nobody_open_vip.pk}
    assert ids(assignee=ASSIGNEE_ME, tag_id=vip.pk) == {mine_new_vip.pk}
    assert ids(status="open", tag_id=vip.pk, mentions=True) == {nobody_open_vip.pk}
    assert ids(status="open", assignee=ASSIGNEE_ME, tag_id=vip.pk) == set()
    name = nobody_open_vip.friend.display_name
    hits = conversation_search(accounts=[account], query=name)
    assert ids(query=name, hits=hits, tag_id=vip.pk) == {nobody_open_vip.pk}


def test_the_oa_filter_of_the_workspace_view(account, workspace, members):
    from tests.factories import LineAccountFactory

    osaka = LineAccountFactory(workspace=workspace, slug="alpha-osaka")
    tokyo_chat = conversation_for(account, status="open")
    osaka_chat = conversation_for(osaka, status="open")
    with tenant_scope(workspace=workspace):
        both = workspace_conversation_list(
            workspace=workspace,
            accounts=[account, osaka],
            filters=ConversationFilters(status="open"),
        )
        assert {c.pk for c in both} == {tokyo_chat.pk, osaka_chat.pk}
        only = workspace_conversation_list(
            workspace=workspace, accounts=[osaka], filters=ConversationFilters(status="open")
        )
        assert [c.pk for c in only] == [osaka_chat.pk]


def test_erasing_a_friend_removes_notes_and_search_grams_and_counts_messages(
    account, members, scope
):
    chat = conversation_for(account)
    receive(account, chat.friend_id, "東京の住所", T0)
    receive(account, chat.friend_id, "二通目", T0 + timedelta(minutes=1))
    note_create(account=account, conversation=chat, author=members["ben"], text="@aiko VIP")
    erasure = services.friend_erase(account=account, friend=chat.friend, request=None)
    assert erasure.summary["inbox.chat_messages"] == 2  # the search rows are not messages
    assert erasure.summary["inbox.chat_conversations"] == 1
    assert not MessageSearch.unscoped.exists()
    assert not ConversationNote.unscoped.exists() and not NoteMention.unscoped.exists()
