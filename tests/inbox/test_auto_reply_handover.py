"""A rule's handover and the OA's automatic assignment: the handed-over conversation goes
round-robin to the next available member, as a new conversation does."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.urls import reverse

from inbox.models import Conversation
from inbox.services.assignment import availability_set, conversation_assign, team_settings_update
from oa_console.roles import Role
from segments.models import FriendTag, Tag
from tests.conftest import client_for, make_member
from tests.inbox.autoreply_helpers import (  # noqa: F401  (fixture)
    auto_replies_deployed,
    live_event,
    make_rule,
    text,
)
from tests.inbox.helpers import deliver
from tests.webhooks.factories import user_id

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("auto_replies_deployed")]


@pytest.fixture
def members(workspace):
    return {
        "aiko": make_member(workspace, Role.AGENT, email="aiko@alpha.example"),
        "ben": make_member(workspace, Role.AGENT, email="ben@alpha.example"),
    }


def _send(account, capture, kind: str, user: str, said: str = "", **extra) -> dict:
    event = live_event(kind, user=user, **extra)
    if kind == "message":
        event["message"]["text"] = said
    with capture(execute=True):
        deliver(account, [event])
    return event


def _assignee(account, user: str) -> str | None:
    conversation = Conversation.unscoped.select_related("assignee").get(
        account=account, friend__line_user_id=user
    )
    return conversation.assignee.email if conversation.assignee else None


def _handing_rules(account) -> None:
    make_rule(account, "Welcome", "greeting", hand_over=True, messages=text("Welcome!"))
    make_rule(
        account,
        "Staff",
        "keyword",
        match="contains",
        patterns=["staff"],
        hand_over=True,
        messages=text("A team member will answer you soon."),
    )


def test_handed_over_conversations_go_round_robin(
    account, workspace, members, line_chat, django_capture_on_commit_callbacks
):
    _handing_rules(account)
    team_settings_update(account=account, auto_assign=True)
    capture = django_capture_on_commit_callbacks

    # A friend chats while nobody is available: the conversation's session starts unassigned.
    _send(account, capture, "message", user_id(1), "hello")
    assert _assignee(account, user_id(1)) is None
    for user in members.values():
        availability_set(workspace=workspace, user=user, available=True)

    # Within that session, the friend asks for a person: the handover assigns the next in turn.
    _send(account, capture, "message", user_id(1), "can I talk to staff?")
    assert _assignee(account, user_id(1)) == "aiko@alpha.example"
    # A follow writes no message, yet its greeting's handover is assigned too: the next member.
    _send(account, capture, "follow", user_id(2))
    assert _assignee(account, user_id(2)) == "ben@alpha.example"
    assert len(line_chat.replies) == 2  # the two answers went out as well


def test_a_handover_keeps_the_member_already_assigned(
    account, workspace, members, line_chat, django_capture_on_commit_callbacks
):
    _handing_rules(account)
    team_settings_update(account=account, auto_assign=True)
    availability_set(workspace=workspace, user=members["aiko"], available=True)
    _send(account, django_capture_on_commit_callbacks, "message", user_id(1), "hello")
    conversation = Conversation.unscoped.get(account=account)
    conversation_assign(account=account, conversation=conversation, user=members["ben"])
    _send(account, django_capture_on_commit_callbacks, "message", user_id(1), "staff please")
    assert _assignee(account, user_id(1)) == "ben@alpha.example"


def test_without_automatic_assignment_a_handover_assigns_nobody(
    account, workspace, members, line_chat, django_capture_on_commit_callbacks
):
    _handing_rules(account)
    availability_set(workspace=workspace, user=members["aiko"], available=True)
    _send(account, django_capture_on_commit_callbacks, "follow", user_id(2))
    conversation = Conversation.unscoped.get(account=account)
    assert (conversation.status, conversation.assignee_id) == ("open", None)


def _marker(owner, account) -> str:
    conversation = Conversation.unscoped.get(account=account)
    page = client_for(owner).get(
        reverse("conversation_detail", args=["alpha", account.slug, conversation.pk])
    )
    return page.content.decode()


@pytest.mark.parametrize("refused", [False, True])
def test_tags_and_handover_apply_on_match_whatever_became_of_the_answer(
    account, workspace, owner, members, line_chat, django_capture_on_commit_callbacks, refused
):
    """Tags say "the friend asked about this", answered or not; a handover is needed all the
    more when the answer failed (nobody answered), and the marker says so then."""
    tag = Tag.unscoped.create(account=account, name="asked-for-staff")
    make_rule(
        account,
        "Staff",
        "keyword",
        match="contains",
        patterns=["staff"],
        hand_over=True,
        tags=[tag],
        messages=text("A team member will answer you soon."),
    )
    team_settings_update(account=account, auto_assign=True)
    availability_set(workspace=workspace, user=members["ben"], available=True)
    event = live_event("message", user=user_id(3))
    event["message"]["text"] = "staff please"
    if refused:
        line_chat.expired.add(event["replyToken"])  # LINE answers 400 "Invalid reply token"
    with django_capture_on_commit_callbacks(execute=True):
        deliver(account, [event])

    assert line_chat.replies == (
        {} if refused else {event["replyToken"]: text("A team member will answer you soon.")}
    )
    assert FriendTag.unscoped.filter(account=account, tag=tag).count() == 1
    conversation = Conversation.unscoped.get(account=account)
    assert (conversation.status, conversation.assignee) == ("open", members["ben"])
    page = _marker(owner, account)
    assert 'data-testid="auto-reply-handover"' in page
    assert ('data-testid="auto-reply-not-delivered"' in page) is refused


def test_the_migration_ends_the_handovers_of_conversations_already_resolved(
    account, line_chat, django_capture_on_commit_callbacks
):
    """Before inbox 0011 a handover outlived its conversation's resolution (the next answered
    message ended it); the migration ends those, and keeps the ones still in force."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from inbox.models import AutoReplyHandover

    make_rule(account, "Staff", "keyword", match="contains", patterns=["staff"], hand_over=True)
    for n in (1, 2):
        _send(account, django_capture_on_commit_callbacks, "message", user_id(n), "staff please")
    resolved = Conversation.unscoped.get(account=account, friend__line_user_id=user_id(1))
    Conversation.unscoped.filter(pk=resolved.pk).update(status="resolved")  # as before 0011

    migration = import_module("inbox.migrations.0011_handovers_end_on_resolve")
    state = MigrationLoader(connection).project_state(("inbox", "0011_handovers_end_on_resolve"))
    migration.end_resolved_handovers(state.apps, None)

    kept = AutoReplyHandover.unscoped.values_list("conversation__friend__line_user_id", flat=True)
    assert list(kept) == [user_id(2)]
