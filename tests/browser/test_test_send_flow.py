"""Send a test without knowing an id, in Chromium at phone width: show a code, send it to the
OA from "the phone" (a signed webhook to the live server), watch the panel turn linked, send a
test to me, then find a friend by name and send them one. No JavaScript errors, nothing wider
than the screen."""

from __future__ import annotations

import os
import time

import pytest

from oa_console.roles import Role
from segments.models import SendingRules
from tests.broadcasts.conftest import make_broadcast, make_friends
from tests.browser.test_webhook_flow import send_from_line
from tests.conftest import PASSWORD, make_member
from tests.factories import LineAccountFactory, WorkspaceFactory
from tests.fakes.line_sending import SendingScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)
from tests.webhooks.factories import event
from webhooks.services import webhook_events_process_pending

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "U" + "5" * 32
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def oa(fake_line):  # noqa: F811
    workspace = WorkspaceFactory(slug="sakura", name="Sakura Agency")
    account = LineAccountFactory(
        workspace=workspace, slug="tokyo-beauty", display_name="Tokyo Beauty", time_zone="UTC"
    )
    SendingRules.unscoped.create(account=account, quiet_enabled=False)
    make_friends(account, 12)
    make_member(workspace, Role.MARKETER, email="marketer@sakura.example")
    SendingScript().install(fake_line)
    return account, make_broadcast(account), fake_line


def test_link_my_phone_by_code_then_send_tests(browser, live_server, oa):
    account, broadcast, server = oa
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto("/auth/login/")
    page.get_by_label("E-mail address").fill("marketer@sakura.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/sakura/**")
    page.goto(f"/w/sakura/oa/tokyo-beauty/broadcasts/{broadcast.pk}/")

    page.get_by_test_id("show-code").click()
    code = page.get_by_test_id("test-code").inner_text().strip()
    assert len(code) == 9 and code[4] == "-"
    panel = page.get_by_test_id("test-send")
    assert panel.bounding_box()["width"] <= 390
    if SCREENSHOTS:
        panel.screenshot(path=f"{SCREENSHOTS}/test-send-code-390.png")

    # The marketer types the code into LINE on their phone; LINE calls the webhook.
    message = event(
        "message",
        user=PHONE,
        timestamp=int(time.time() * 1000),
        message={"id": "9001", "type": "text", "text": code.lower(), "quoteToken": "q"},
    )
    assert send_from_line(live_server, account, [message]) == 200
    webhook_events_process_pending(account_id=account.pk)

    # The panel polls and turns linked by itself.
    page.get_by_test_id("send-test-to-me").wait_for(timeout=15_000)
    page.get_by_test_id("send-test-to-me").click()
    page.get_by_text("Test sent. Check LINE on your phone.").wait_for()
    assert [call.json()["to"] for call in server.calls("pushMessage")] == [PHONE]

    page.get_by_test_id("test-search").fill("Friend 1")
    results = page.get_by_test_id("test-friends")
    results.get_by_text("Friend 10").wait_for()
    assert results.get_by_test_id("send-test-to-friend").count() == 3  # Friend 1, 10, 11
    if SCREENSHOTS:
        panel.screenshot(path=f"{SCREENSHOTS}/test-send-search-390.png")
    assert page.evaluate("document.querySelector('#test-send').scrollWidth") <= 390
    results.locator("li", has_text="Friend 10").get_by_test_id("send-test-to-friend").click()
    page.get_by_text("Test sent to Friend 10.").wait_for()
    pushes = [call.json()["to"] for call in server.calls("pushMessage")]
    assert len(pushes) == 2 and pushes[-1] != PHONE
    assert errors == []
    context.close()
