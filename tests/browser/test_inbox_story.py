"""An agent's whole answer, in the browser: a friend's message shows up live in the open inbox,
the agent assigns it to themself, answers with a saved reply (LINE's free reply API, the fake
LINE checking the request against messaging-api.yml) and resolves the conversation."""

from __future__ import annotations

import time

import pytest

from inbox.models import Conversation, ConversationMessage, OutboundAnswer, SavedReply
from inbox.services.answers import answer_deliver
from oa_console.roles import Role
from tests.browser.test_webhook_flow import send_from_line
from tests.conftest import PASSWORD, make_member
from tests.factories import LineAccountFactory, WorkspaceFactory
from tests.fakes.line_chat import ChatScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)
from tests.segments.factories import FriendFactory
from tests.webhooks.factories import event, user_id
from webhooks.services import webhook_events_process_pending

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOWS_WITHIN_MS = 6_000


def test_a_message_is_assigned_answered_with_a_saved_reply_and_resolved(
    page,
    live_server,
    fake_line,  # noqa: F811
):
    chat = ChatScript().install(fake_line)
    workspace = WorkspaceFactory(slug="sakura", name="Sakura Agency")
    account = LineAccountFactory(
        workspace=workspace, slug="taipei-cafe", display_name="Taipei Café"
    )
    agent = make_member(workspace, Role.AGENT, email="mei@sakura.example", accounts=[account])
    agent.first_name, agent.last_name = "Mei", "Lin"
    agent.save(update_fields=["first_name", "last_name"])
    FriendFactory(account=account, line_user_id=user_id(7), display_name="Aiko")
    SavedReply.unscoped.create(
        account=account, name="Oat milk", text="Yes {displayName}, we have oat milk today!"
    )

    page.goto("/")
    page.get_by_label("E-mail address").fill("mei@sakura.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/sakura/**/chats/")

    now = int(time.time() * 1000)
    message = {"id": str(time.time_ns()), "type": "text", "text": "Do you have oat milk?"}
    body = event("message", user=user_id(7), timestamp=now, message=message)
    body["replyToken"] = "reply-token-story"
    assert send_from_line(live_server, account, [body]) == 200
    webhook_events_process_pending(account_id=account.pk)
    row = page.get_by_test_id("conversation-row")
    row.first.wait_for(timeout=SHOWS_WITHIN_MS)
    row.first.get_by_role("link").click()
    page.wait_for_url("**/chats/*/")

    panel = page.get_by_test_id("team-panel")
    panel.get_by_label("Assignee").select_option(label="Mei Lin")
    panel.get_by_role("button", name="Assign").click()
    page.get_by_test_id("conversation-assignee").filter(has_text="Mei Lin").wait_for()

    assert page.get_by_test_id("answer-route").get_attribute("data-method") == "reply"
    page.get_by_label("Saved reply").select_option(label="Oat milk")
    page.get_by_test_id("answer-send").click()
    # The worker's part (the live server has none): the queued answer goes to LINE.
    page.get_by_test_id("pending-answer").first.wait_for(timeout=SHOWS_WITHIN_MS)
    (answer_id,) = OutboundAnswer.unscoped.filter(account=account).values_list("pk", flat=True)
    answer_deliver(answer_id=answer_id)
    page.get_by_text("Yes Aiko, we have oat milk today!").wait_for(timeout=SHOWS_WITHIN_MS)
    assert chat.replies == {
        "reply-token-story": [{"type": "text", "text": "Yes Aiko, we have oat milk today!"}]
    }

    page.get_by_test_id("status-resolved").click()
    page.get_by_test_id("conversation-status").filter(has_text="Resolved").wait_for()
    conversation = Conversation.unscoped.get(account=account)
    assert conversation.status == Conversation.Status.RESOLVED
    assert conversation.assignee_id == agent.pk
    answer = ConversationMessage.unscoped.get(account=account, direction="out")
    assert answer.sent_by == "manual" and answer.sent_by_user_id == agent.pk
    assert page.js_errors == []
