"""A broadcast in Chromium: compose with the live preview, save, choose a send time, submit,
approve as an admin, send, and watch the delivery finish on the page, with no JS errors."""

from __future__ import annotations

import pytest

from broadcasts.models import Broadcast
from broadcasts.services import sending
from oa_console.roles import Role
from oa_console.tenancy import tenant_scope
from segments.models import SendingRules
from tests.broadcasts.conftest import everyone_segment, make_friends
from tests.browser.sign_in import log_in
from tests.conftest import make_member
from tests.factories import LineAccountFactory, WorkspaceFactory
from tests.fakes.line_sending import SendingScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def oa(fake_line):  # noqa: F811
    workspace = WorkspaceFactory(slug="sakura", name="Sakura Agency")
    account = LineAccountFactory(
        workspace=workspace, slug="tokyo-beauty", display_name="Tokyo Beauty", time_zone="UTC"
    )
    SendingRules.unscoped.create(account=account, quiet_enabled=False)
    make_friends(account, 150)
    everyone_segment(account, "Loyal customers")
    make_member(workspace, Role.MARKETER, email="marketer@sakura.example")
    make_member(workspace, Role.ADMIN, email="admin@sakura.example")
    script = SendingScript().install(fake_line)
    return account, script, fake_line


def run_worker(broadcast_id: int, account) -> None:
    """What the Celery worker does after "send now" (the browser test has no worker)."""
    with tenant_scope(workspace=account.workspace, account=account):
        sending.broadcast_start(broadcast_id=broadcast_id)
        while not sending.broadcast_send(broadcast_id=broadcast_id).finished:
            pass


def test_compose_preview_schedule_approve_and_send(page, oa):
    account, script, server = oa
    log_in(page, "marketer@sakura.example", workspace="sakura")
    page.goto("/w/sakura/oa/tokyo-beauty/broadcasts/")
    page.get_by_test_id("new-broadcast").first.click()
    page.wait_for_url("**/broadcasts/new/")

    page.get_by_label("Name").fill("Autumn collection")
    page.get_by_test_id("bubble-1").get_by_label("Text", exact=True).fill(
        "Hi {displayName}, autumn is here: https://shop.example/autumn"
    )
    preview = page.get_by_test_id("chat-preview")
    preview.get_by_text("Hi Aiko, autumn is here").wait_for()
    page.get_by_test_id("bubble-2").get_by_label("Bubble 2").select_option("sticker")
    page.get_by_test_id("bubble-2").get_by_label("Sticker package ID").fill("446")
    page.get_by_test_id("bubble-2").get_by_label("Sticker ID").fill("1988")
    preview.get_by_text("Sticker 446/1988").wait_for()

    # {displayName} needs a segment: the error appears beside the field.
    page.get_by_test_id("save-draft").click()
    page.get_by_test_id("field-error").get_by_text("needs a saved segment").wait_for()
    # The refused form answered 400 on purpose; nothing else may have failed so far.
    assert [e for e in page.js_errors if "400" not in e] == []
    assert any(e.startswith("HTTP 400") and e.endswith("/broadcasts/new/") for e in page.js_errors)
    page.js_errors.clear()
    page.get_by_label("Saved segment").check()
    page.get_by_label("Segment", exact=True).select_option(label="Loyal customers")
    page.get_by_test_id("save-draft").click()
    page.wait_for_url("**/broadcasts/*/")
    assert page.get_by_test_id("broadcast-status").inner_text() == "Draft"
    page.get_by_test_id("cost-panel").wait_for()
    assert page.get_by_test_id("to-send").inner_text() == "150"

    page.get_by_label("Send at (the OA's time zone)").fill("2031-04-01T09:30")
    page.get_by_test_id("schedule").click()
    page.get_by_text("Send time saved; it is scheduled once approved.").wait_for()
    page.get_by_test_id("submit-review").click()
    page.get_by_text("Submitted for review.").wait_for()
    assert page.get_by_test_id("approve").count() == 0  # marketers cannot approve
    broadcast_url = page.url

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Log out").click()
    log_in(page, "admin@sakura.example", workspace="sakura")
    page.goto(broadcast_url)
    page.get_by_label("Comment").fill("Looks good")
    page.get_by_test_id("approve").click()
    page.get_by_text("Approved.").wait_for()
    assert page.get_by_test_id("broadcast-status").inner_text() == "Scheduled"

    page.goto("/w/sakura/oa/tokyo-beauty/broadcasts/calendar/?date=2031-04-01")
    page.get_by_test_id("day-2031-04-01").get_by_text("Autumn collection").wait_for()

    page.goto(broadcast_url)
    page.get_by_test_id("send-now").click()
    page.get_by_text("Scheduled.").wait_for()
    broadcast = Broadcast.unscoped.get()
    run_worker(broadcast.pk, account)
    page.reload()
    page.get_by_test_id("progress-status").get_by_text("Sent").wait_for()
    assert page.get_by_test_id("accepted").inner_text() == "150"

    pushes = server.calls("pushMessage")
    assert len(pushes) == 150  # personalised: one push per friend
    assert len(script.received) == 150 and set(script.received.values()) == {1}
    assert page.js_errors == []


def test_ab_variants_in_the_composer(page, oa):
    """Add a variant with htmx (a second phone appears), save, and see both on the page."""
    _account, _script, _server = oa
    log_in(page, "marketer@sakura.example", workspace="sakura")
    page.goto("/w/sakura/oa/tokyo-beauty/broadcasts/new/")
    page.get_by_label("Name", exact=True).fill("Subject test")
    page.get_by_test_id("bubble-1").get_by_label("Text", exact=True).fill("Version one")
    page.get_by_test_id("add-variant").click()
    variant_b = page.get_by_test_id("variant-B-bubble-1")
    variant_b.wait_for()
    assert page.get_by_test_id("chat-preview").count() == 2
    variant_b.get_by_label("Text", exact=True).fill("Version two")
    page.get_by_test_id("chat-preview").nth(1).get_by_text("Version two").wait_for()
    page.get_by_label("Saved segment").check()
    page.get_by_label("Segment", exact=True).select_option(label="Loyal customers")
    page.get_by_label("A/B test share (%)").fill("20")
    page.get_by_test_id("save-draft").click()
    page.wait_for_url("**/broadcasts/*/")
    page.get_by_test_id("ab-summary").get_by_text("Tested on 20% of the segment").wait_for()
    assert page.get_by_test_id("chat-preview").count() == 2
    broadcast = Broadcast.unscoped.get(name="Subject test")
    assert [
        v.messages[0]["text"] for v in broadcast.variants.model.unscoped.filter(broadcast=broadcast)
    ] == [
        "Version one",
        "Version two",
    ]
    assert page.js_errors == []
