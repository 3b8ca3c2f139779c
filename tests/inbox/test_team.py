"""Assignment (by hand, round-robin among available members, the OA's auto-assign setting),
statuses with the automatic reopen, and the sessions' first-response and resolution times."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inbox.models import Conversation, ConversationSession
from inbox.selectors.team import inbox_members, response_times
from inbox.services.assignment import (
    AssignmentError,
    availability_set,
    conversation_assign,
    conversation_assign_round_robin,
    round_robin_pick,
    team_settings_update,
)
from inbox.services.outbound import outbound_messages_record
from inbox.services.statuses import conversation_status_set
from oa_console.roles import Role
from oa_console.tenancy import tenant_scope
from tests.conftest import make_member
from tests.inbox.team_helpers import T0, Clock, conversation_for, receive
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(workspace, account, other_account):
    """Three members who may work the OA (one limited to it), a viewer, and a member limited
    to another OA: only the first three may be assigned."""
    from tests.factories import LineAccountFactory

    sibling = LineAccountFactory(workspace=workspace, slug="alpha-osaka")
    return {
        "aiko": make_member(workspace, Role.AGENT, email="aiko@alpha.example"),
        "ben": make_member(workspace, Role.MARKETER, email="ben@alpha.example"),
        "chai": make_member(workspace, Role.AGENT, email="chai@alpha.example", accounts=[account]),
        "viewer": make_member(workspace, Role.VIEWER, email="viewer@alpha.example"),
        "osaka": make_member(
            workspace, Role.AGENT, email="osaka@alpha.example", accounts=[sibling]
        ),
    }


def _available(workspace, *users):
    for user in users:
        availability_set(workspace=workspace, user=user, available=True)


def test_members_who_may_be_assigned_exclude_viewers_and_other_oas(account, team):
    emails = [user.email for user in inbox_members(account=account)]
    assert emails == ["aiko@alpha.example", "ben@alpha.example", "chai@alpha.example"]


def test_round_robin_takes_available_members_oldest_turn_first(
    account, workspace, team, monkeypatch
):
    clock = Clock(monkeypatch)
    _available(workspace, team["aiko"], team["chai"], team["viewer"])
    picks = []
    for minute in range(4):
        clock.set(T0 + timedelta(minutes=minute))
        conversation = conversation_for(account)
        picks.append(
            conversation_assign_round_robin(account=account, conversation=conversation).email
        )
    # Ben is not available, the viewer may not answer: Aiko (lower id) then Chai, in turn.
    assert picks == [
        "aiko@alpha.example",
        "chai@alpha.example",
        "aiko@alpha.example",
        "chai@alpha.example",
    ]
    # Ben becomes available: never assigned here, he comes first, then the oldest turn (Aiko).
    _available(workspace, team["ben"])
    assert round_robin_pick(account=account).email == "ben@alpha.example"
    # An assignment by hand moves the turn too: Ben took one, so Aiko (minute 2) is next.
    clock.set(T0 + timedelta(minutes=10))
    conversation_assign(account=account, conversation=conversation_for(account), user=team["ben"])
    assert round_robin_pick(account=account).email == "aiko@alpha.example"
    # Unavailable again: out of the rotation.
    availability_set(workspace=workspace, user=team["aiko"], available=False)
    assert round_robin_pick(account=account).email == "chai@alpha.example"


def test_nobody_available_leaves_the_conversation_unassigned(account, team):
    conversation = conversation_for(account)
    assert conversation_assign_round_robin(account=account, conversation=conversation) is None
    conversation.refresh_from_db()
    assert conversation.assignee is None


def test_assigning_someone_who_may_not_answer_is_refused(account, team):
    conversation = conversation_for(account)
    for user in (team["viewer"], team["osaka"]):
        with pytest.raises(AssignmentError):
            conversation_assign(account=account, conversation=conversation, user=user)
    conversation_assign(account=account, conversation=conversation, user=team["chai"])
    conversation_assign(account=account, conversation=conversation, user=None)
    conversation.refresh_from_db()
    assert conversation.assignee is None


def test_auto_assign_on_new_and_reopened_conversations(account, workspace, team):
    _available(workspace, team["ben"])
    friend = FriendFactory(account=account)
    receive(account, friend.pk, "hello", T0)
    with tenant_scope(workspace=workspace, account=account):
        conversation = Conversation.objects.get()
    assert conversation.assignee is None  # the setting is off by default
    team_settings_update(account=account, auto_assign=True)
    conversation_status_set(account=account, conversation=conversation, status="resolved")
    receive(account, friend.pk, "again", T0 + timedelta(minutes=2))
    conversation.refresh_from_db()
    assert conversation.status == "open"
    assert conversation.assignee == team["ben"]


def test_statuses_by_hand_and_the_automatic_reopen(account):
    friend = FriendFactory(account=account)
    receive(account, friend.pk, "hi", T0)
    conversation = Conversation.unscoped.get(account=account)
    assert conversation.status == "new"
    for status in ("open", "waiting", "resolved", "new"):
        conversation_status_set(account=account, conversation=conversation, status=status)
        conversation.refresh_from_db()
        assert conversation.status == status
    conversation_status_set(account=account, conversation=conversation, status="waiting")
    receive(account, friend.pk, "still there?", T0 + timedelta(minutes=1))
    conversation.refresh_from_db()
    assert conversation.status == "open"
    with pytest.raises(ValueError):
        conversation_status_set(account=account, conversation=conversation, status="closed")


def test_first_response_and_resolution_times_per_session(account, monkeypatch):
    """Two sessions of one conversation and one of another, hand-computed:
    A1 opened 09:00, answered 09:12, resolved 10:00 → 12 min, 60 min;
    A2 reopened 11:00 (friend wrote), answered 11:30, resolved 14:00 → 30 min, 180 min;
    B  opened 09:05, answered 09:06, not resolved → 1 min, no resolution.
    Medians: first response of (12, 30, 1) = 12 min; resolution of (60, 180) = 120 min."""
    clock = Clock(monkeypatch, T0 + timedelta(hours=6))
    first, other = FriendFactory(account=account), FriendFactory(account=account)
    receive(account, first.pk, "A1", T0)
    receive(account, other.pk, "B", T0 + timedelta(minutes=5))
    a = Conversation.unscoped.get(account=account, friend=first)
    b = Conversation.unscoped.get(account=account, friend=other)
    answer = [{"type": "text", "text": "On it"}]

    def reply(conversation, at):
        outbound_messages_record(
            account=account,
            friend_id=conversation.friend_id,
            messages=answer,
            sent_by="manual",
            occurred_at=at,
        )

    reply(a, T0 + timedelta(minutes=12))
    reply(a, T0 + timedelta(minutes=20))  # a second answer is not the first response
    reply(b, T0 + timedelta(minutes=6))
    outbound_messages_record(  # a broadcast answers nobody
        account=account,
        friend_id=b.friend_id,
        messages=answer,
        sent_by="broadcast",
        occurred_at=T0 + timedelta(minutes=5, seconds=30),
    )
    clock.set(T0 + timedelta(hours=1))
    conversation_status_set(account=account, conversation=a, status="resolved")
    receive(account, first.pk, "A2", T0 + timedelta(hours=2))
    reply(a, T0 + timedelta(hours=2, minutes=30))
    clock.set(T0 + timedelta(hours=5))
    a.refresh_from_db()
    conversation_status_set(account=account, conversation=a, status="resolved")

    sessions = list(
        ConversationSession.unscoped.filter(account=account).order_by("opened_at", "id")
    )
    assert [(s.conversation_id, s.opened_at) for s in sessions] == [
        (a.pk, T0),
        (b.pk, T0 + timedelta(minutes=5)),
        (a.pk, T0 + timedelta(hours=2)),
    ]
    clock.set(T0 + timedelta(hours=6))
    times = response_times(account=account, days=7)
    assert times.sessions == 3
    assert times.first_response == timedelta(minutes=12)
    assert times.resolution == timedelta(minutes=120)
    # 30 days later none of them is in the 7-day window.
    clock.set(T0 + timedelta(days=30))
    assert response_times(account=account, days=7).first_response is None
