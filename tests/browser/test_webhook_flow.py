"""LINE sends events to the live server; an admin follows them on the webhook health page and
finds the friends they created — with no JavaScript errors on any page."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from oa_console.roles import Role
from tests.conftest import PASSWORD, make_member
from tests.factories import LineAccountFactory, WorkspaceFactory
from tests.webhooks.factories import event, user_id
from webhooks.services import webhook_events_process_pending, webhook_signature

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def send_from_line(live_server, account, events) -> int:
    """POST a signed body to the OA's webhook URL on the live server, as LINE does."""
    body = json.dumps({"destination": "U" + "e" * 32, "events": events}).encode()
    request = urllib.request.Request(
        f"{live_server.url}/webhooks/line/{account.webhook_key}/",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Line-Signature": webhook_signature(channel_secret=account.channel_secret, body=body),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_webhook_health_and_friends(page, live_server):
    workspace = WorkspaceFactory(slug="sakura", name="Sakura Agency")
    account = LineAccountFactory(
        workspace=workspace, slug="taipei-cafe", display_name="Taipei Café"
    )
    make_member(workspace, Role.ADMIN, email="admin@sakura.example")
    now = int(time.time() * 1000)
    events = [
        event("follow", user=user_id(1), timestamp=now - 7_200_000),
        event(
            "message",
            user=user_id(1),
            timestamp=now - 3_600_000,
            message={"id": "1", "type": "text", "text": "Is the café open today?"},
        ),
        event("follow", user=user_id(2), timestamp=now - 60_000),
        event("unfollow", user=user_id(2), timestamp=now - 30_000),
    ]
    assert send_from_line(live_server, account, events) == 200
    webhook_events_process_pending(account_id=account.pk)

    page.goto("/")
    page.get_by_label("E-mail address").fill("admin@sakura.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/sakura/**")

    page.goto("/w/sakura/oa/taipei-cafe/webhook/")
    assert page.get_by_test_id("count-processed").inner_text() == "4"
    page.locator("#webhook-events-chart .main-svg").first.wait_for()  # dashboards.js drew the chart
    page.get_by_role("link", name="Raw JSON").first.click()
    assert "webhookEventId" in page.get_by_test_id("raw-json").first.inner_text()

    page.get_by_test_id("send-test-event").click()
    page.wait_for_url("**/webhook/")
    assert page.get_by_text("A signed test event was accepted").is_visible()
    assert page.get_by_test_id("event-row").count() == 5

    page.get_by_role("link", name="Friends & segments").click()
    # Wait for the page's load event: htmx binds the filter's change trigger on load, and a
    # change fired before that sends nothing (seen under load in CI).
    page.wait_for_url("**/friends/")
    assert page.get_by_test_id("friend-row").count() == 2
    page.get_by_label("Status").select_option("blocked")
    page.wait_for_url("**status=blocked**")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=friend-row]').length === 1"
    )
    page.get_by_test_id("friend-row").get_by_role("link").click()
    page.wait_for_url(f"**/friends/{user_id(2)}/")
    assert page.get_by_test_id("status-change").count() == 2
    assert page.js_errors == []
