"""The demo's "A friend writes" button: a demo friend's text goes the way LINE's requests go
(signed body, raw store, processing, the activity hub) and lands in the OA's chats; outside the
embedded demo there is no button and the URL is a 404."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from inbox.models import Conversation, ConversationMessage
from oa_console.roles import Role
from tests.conftest import client_for, make_member
from tests.segments.factories import FriendFactory
from webhooks.demo import DEMO_SCRIPTS
from webhooks.models import WebhookEvent
from webhooks.services import webhook_events_process_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    settings.BROADCASTS_SIMULATED_LINE = True


@pytest.fixture
def agent(workspace, account):
    return make_member(workspace, Role.AGENT, accounts=[account])


def _url(account) -> str:
    return reverse("webhooks_demo_friend_message", args=[account.workspace.slug, account.slug])


def test_a_demo_friend_writes_through_the_webhook_into_the_chats(demo, account, agent):
    account.bot_user_id = "U" + "b" * 32
    account.save(update_fields=["bot_user_id"])
    friend = FriendFactory(account=account, display_name="Aiko")
    inbox = reverse("account_inbox", args=[account.workspace.slug, account.slug])

    page = client_for(agent).get(inbox).content.decode()
    assert 'data-testid="demo-friend-message"' in page and _url(account) in page

    response = client_for(agent).post(_url(account), {"next": inbox})

    assert response.status_code == 302 and response["Location"] == inbox
    (event,) = WebhookEvent.unscoped.filter(account=account)
    assert event.event_type == "message" and event.source_user_id == friend.line_user_id
    webhook_events_process_pending(account_id=account.pk)
    (message,) = ConversationMessage.unscoped.filter(account=account)
    assert message.direction == "in" and message.text
    conversation = Conversation.unscoped.get(account=account)
    assert conversation.friend_id == friend.pk and conversation.unread_count == 1
    # LINE's tokens came with it, so an auto-reply or an agent can answer for free.
    assert conversation.reply_token and conversation.mark_as_read_token


def test_a_demo_oa_writes_its_own_language(demo, account, agent):
    account.slug = "tokyo-cosmetics"
    account.bot_user_id = "U" + "b" * 32
    account.save(update_fields=["slug", "bot_user_id"])
    FriendFactory(account=account, display_name="佐藤 美咲")
    client_for(agent).post(_url(account))
    webhook_events_process_pending(account_id=account.pk)
    (message,) = ConversationMessage.unscoped.filter(account=account)
    assert message.text in DEMO_SCRIPTS["tokyo-cosmetics"]["texts"]


def test_nothing_is_sent_without_a_friend_or_a_known_bot_user_id(demo, account, agent):
    client = client_for(agent)
    client.post(_url(account))  # no friend
    FriendFactory(account=account, display_name="Aiko")
    client.post(_url(account))  # the bot user id unknown: never taught by a made-up one
    assert not WebhookEvent.unscoped.filter(account=account).exists()
    account.refresh_from_db()
    assert account.bot_user_id == ""


def test_outside_the_demo_there_is_no_button_and_no_url(settings, account, agent):
    settings.DEBUG = False
    assert client_for(agent).post(_url(account)).status_code == 404
    request = RequestFactory().get("/")
    request.account = account
    html = Template("{% load webhooks_demo %}{% webhooks_demo_friend_message_button %}").render(
        Context({"request": request})
    )
    assert html == ""
