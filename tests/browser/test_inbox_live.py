"""A friend writes while an agent has the inbox open: the conversation appears without a
reload, and a second message appears in the open conversation; opening it marks it read."""

from __future__ import annotations

import time

import pytest

from inbox.models import Conversation
from oa_console.roles import Role
from tests.browser.test_webhook_flow import send_from_line
from tests.conftest import PASSWORD, make_member
from tests.factories import LineAccountFactory, WorkspaceFactory
from tests.webhooks.factories import event, user_id
from webhooks.services import webhook_events_process_pending

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The poll runs every 2 s; the drain and a busy CI machine get a little more.
SHOWS_WITHIN_MS = 6_000


def _write(live_server, account, text: str) -> None:
    message = {"id": str(time.time_ns()), "type": "text", "text": text}
    now = int(time.time() * 1000)
    assert (
        send_from_line(
            live_server,
            account,
            [event("message", user=user_id(7), timestamp=now, message=message)],
        )
        == 200
    )
    webhook_events_process_pending(account_id=account.pk)


def test_messages_show_up_live_for_an_agent(page, live_server):
    workspace = WorkspaceFactory(slug="sakura", name="Sakura Agency")
    account = LineAccountFactory(
        workspace=workspace, slug="taipei-cafe", display_name="Taipei Café"
    )
    make_member(workspace, Role.AGENT, email="agent@sakura.example", accounts=[account])

    page.goto("/")
    page.get_by_label("E-mail address").fill("agent@sakura.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/sakura/**/chats/")  # an agent lands on the chats
    assert page.get_by_test_id("conversation-row").count() == 0

    _write(live_server, account, "Do you have oat milk today?")
    row = page.get_by_test_id("conversation-row")
    row.first.wait_for(timeout=SHOWS_WITHIN_MS)
    assert "Do you have oat milk today?" in row.first.inner_text()
    assert page.get_by_test_id("unread-count").inner_text() == "1"

    row.first.get_by_role("link").click()
    page.wait_for_url("**/chats/*/")
    assert Conversation.unscoped.get(account=account).unread_count == 0
    _write(live_server, account, "And a table for two at 3 pm?")
    page.get_by_text("And a table for two at 3 pm?").wait_for(timeout=SHOWS_WITHIN_MS)
    assert page.get_by_test_id("chat-message").count() == 2
