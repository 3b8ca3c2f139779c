"""A console user links their own LINE account by sending the OA a one-time code: the code's
shape, expiry and single use, and the link made by webhook processing of LINE's own message
event shape (the SDK's webhook fixture)."""

from __future__ import annotations

import copy
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from oa_console.roles import Role
from oa_console.tenancy import tenant_scope
from segments.models import Friend, FriendLink, FriendLinkCode, Interaction
from segments.selectors import friend_links as friend_link_selectors
from segments.services import friend_links
from tests.conftest import make_member
from tests.webhooks.factories import fixture_events, post_events
from webhooks.services import webhook_events_process_pending

pytestmark = pytest.mark.django_db

PHONE = "U" + "7" * 32


def code_message(text: str, *, user: str = PHONE, at_ms: int | None = None) -> dict:
    """The SDK fixture's text message event (a user source), saying ``text``."""
    text_event = next(
        e for e in fixture_events() if e["type"] == "message" and e["message"]["type"] == "text"
    )
    message = copy.deepcopy(text_event)
    message["message"]["text"] = text
    message["source"] = {"type": "user", "userId": user}
    message["timestamp"] = at_ms if at_ms is not None else int(time.time() * 1000)
    return message


def issue(account, user, **kwargs) -> FriendLinkCode:
    with tenant_scope(workspace=account.workspace, account=account):
        return friend_links.friend_link_code_issue(account=account, user=user, **kwargs)


def send_from_phone(account, text: str, **kwargs) -> None:
    response = post_events(Client(), account, [code_message(text, **kwargs)])
    assert response.status_code == 200
    webhook_events_process_pending(account_id=account.pk)


@pytest.fixture
def marketer_user(workspace):
    return make_member(workspace, Role.MARKETER, email="aiko@alpha.example")


def test_a_code_is_short_unambiguous_and_one_per_user_and_oa(account, other_account, marketer_user):
    first = issue(account, marketer_user)
    assert len(first.code) == 8 and set(first.code) <= set(friend_links.CODE_ALPHABET)
    assert not set(first.code) & set("01IO")
    assert first.expires_at - first.created_at == timedelta(minutes=10)
    assert friend_links.code_display(first.code) == f"{first.code[:4]}-{first.code[4:]}"

    second = issue(account, marketer_user)
    other_oa = issue(other_account, marketer_user)
    open_codes = FriendLinkCode.unscoped.filter(user=marketer_user, used_at__isnull=True)
    assert sorted(open_codes.values_list("code", flat=True)) == sorted([second.code, other_oa.code])
    assert not FriendLinkCode.unscoped.filter(pk=first.pk).exists()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("K7MQ-2XDA", "K7MQ2XDA"),
        (" k7mq 2xda ", "K7MQ2XDA"),
        ("k7mq2xda", "K7MQ2XDA"),
        ("K7MQ-2XD0", None),  # 0 is not in the alphabet
        ("Is the shop open?", None),
        ("K7MQ-2XDA please", None),
    ],
)
def test_what_a_person_types_is_read_as_a_code(typed, expected):
    assert friend_links.code_from_text(typed) == expected


def test_sending_the_code_links_the_friend_and_uses_the_code(account, marketer_user, scope):
    code = issue(account, marketer_user)

    send_from_phone(account, friend_links.code_display(code.code).lower())

    link = friend_link_selectors.friend_link_get(account=account, user=marketer_user)
    assert link is not None and link.friend.line_user_id == PHONE
    code.refresh_from_db()
    assert code.used_at is not None
    # The message itself is an ordinary message of the friend.
    assert Interaction.unscoped.filter(account=account, kind="message").count() == 1
    assert friend_link_selectors.friend_link_code_open(account=account, user=marketer_user) is None


def test_a_code_works_once(account, marketer_user):
    code = issue(account, marketer_user)
    send_from_phone(account, code.code)
    send_from_phone(account, code.code, user="U" + "8" * 32)

    link = FriendLink.unscoped.get(account=account, user=marketer_user)
    assert link.friend.line_user_id == PHONE
    assert FriendLink.unscoped.count() == 1


def test_an_expired_code_links_nobody(account, marketer_user):
    code = issue(account, marketer_user, now=timezone.now() - timedelta(minutes=11))
    send_from_phone(account, code.code)

    assert not FriendLink.unscoped.exists()
    code.refresh_from_db()
    assert code.used_at is None
    assert Friend.unscoped.filter(account=account, line_user_id=PHONE).exists()


def test_a_code_sent_in_time_counts_even_when_processed_late(account, marketer_user):
    """LINE's event time decides, not when a backlog is worked off."""
    issued = timezone.now() - timedelta(minutes=30)
    code = issue(account, marketer_user, now=issued)
    sent_ms = int((issued + timedelta(minutes=2)).timestamp() * 1000)

    send_from_phone(account, code.code, at_ms=sent_ms)

    assert FriendLink.unscoped.get(account=account, user=marketer_user).friend.line_user_id == PHONE


def test_line_dating_the_message_just_before_the_draw_still_links(account, marketer_user):
    """LINE's timestamp is whole milliseconds of LINE's clock: a code typed at once can carry a
    time a little before the draw's own (CI's full run hit the millisecond case)."""
    issued = timezone.now()
    code = issue(account, marketer_user, now=issued)
    sent_ms = int((issued - timedelta(seconds=5)).timestamp() * 1000)

    send_from_phone(account, code.code, at_ms=sent_ms)

    assert FriendLink.unscoped.get(account=account, user=marketer_user).friend.line_user_id == PHONE


def test_a_message_dated_well_before_the_draw_links_nobody(account, marketer_user):
    issued = timezone.now()
    code = issue(account, marketer_user, now=issued)
    sent_ms = int(
        (issued - friend_links.CLOCK_SKEW_ALLOWED - timedelta(seconds=1)).timestamp() * 1000
    )

    send_from_phone(account, code.code, at_ms=sent_ms)

    assert not FriendLink.unscoped.exists()


def test_a_code_of_another_oa_links_nothing_here(account, other_account, marketer_user):
    code = issue(other_account, marketer_user)
    send_from_phone(account, code.code)

    assert not FriendLink.unscoped.exists()
    code.refresh_from_db()
    assert code.used_at is None


def test_a_new_code_relinks_and_unlinking_forgets(account, marketer_user, scope):
    first = issue(account, marketer_user)
    send_from_phone(account, first.code)
    second = issue(account, marketer_user)
    send_from_phone(account, second.code, user="U" + "9" * 32)

    link = FriendLink.unscoped.get(account=account, user=marketer_user)
    assert link.friend.line_user_id == "U" + "9" * 32
    assert friend_links.friend_link_delete(account=account, user=marketer_user) is True
    assert friend_links.friend_link_delete(account=account, user=marketer_user) is False
    assert Friend.unscoped.filter(account=account, line_user_id="U" + "9" * 32).exists()
