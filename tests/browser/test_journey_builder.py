"""The journey builder in a real browser: the welcome series drawn with its branch side by side,
a step edited over htmx (the card and the problems follow without a page load), a step added
on a path, and at a phone's width the flow scrolls inside its box, never the page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from journeys.models import Journey
from journeys.starters import STARTERS
from segments.models import Tag
from tests.browser.sign_in import log_in
from tests.conftest import make_member

pytestmark = [
    pytest.mark.browser,
    pytest.mark.browser_db_neutral,
    pytest.mark.django_db(transaction=True),
]
SCREENSHOTS = os.environ.get("JOURNEY_BUILDER_SCREENSHOTS")


def _htmx_settled(page) -> None:
    """Wait until htmx has no request, swap or settle under way: an element swapped in gets
    its htmx handlers as the swap settles, and a change fired before then sends nothing."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def _sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_edit_a_step_and_add_one_over_htmx(page, workspace, account):
    make_member(workspace, "marketer", email="marketer@alpha.example")
    journey = Journey.unscoped.create(
        account=account, name="Welcome", draft_graph=STARTERS["welcome_series"].graph()
    )
    log_in(page, "marketer@alpha.example")
    page.goto(f"/w/alpha/oa/{account.slug}/journeys/{journey.pk}/edit/")
    flow = page.get_by_test_id("journey-flow")
    yes, no = flow.locator('[data-outlet="yes"]'), flow.locator('[data-outlet="no"]')
    expect(yes.locator("#flow-node-day_3_engaged")).to_be_visible()
    expect(no.locator("#flow-node-day_3_nudge")).to_be_visible()
    yes_box, no_box = yes.bounding_box(), no.bounding_box()
    assert abs(yes_box["y"] - no_box["y"]) < 2 and no_box["x"] > yes_box["x"]  # side by side
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/builder-desktop.png", full_page=True)

    # Edit the 3-day wait: the panel opens in place, saving redraws the card.
    page.locator("#flow-node-wait_3d").get_by_test_id("edit-step").click()
    editor = page.get_by_test_id("editor")
    expect(editor).to_be_visible()
    editor.get_by_label("How long").fill("0")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.get_by_test_id("field-error")).to_have_text(
        "Ensure this value is greater than or equal to 1."
    )
    editor.get_by_label("How long").fill("2")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#flow-node-wait_3d")).to_contain_text("Wait 2 days")
    expect(page.get_by_test_id("editor")).to_have_count(0)

    # Add a step on the "No" path: choose the kind, fill it, and it appears on that path.
    page.locator("#flow-node-engaged").get_by_role("link", name="Add a step on “No”").click()
    page.get_by_role("button", name="Add or remove tags").click()
    expect(page.get_by_test_id("editor-form")).to_be_visible()
    page.get_by_test_id("editor-form").get_by_role("button", name="Add this step").click()
    # Saved as a draft; the missing tag is said at its field.
    expect(page.get_by_test_id("editor")).to_contain_text("Choose a tag to add or remove.")
    expect(no.locator("#flow-node-tags_1")).to_be_visible()
    expect(page.get_by_test_id("builder-problems")).to_contain_text("1 problem to fix")
    assert page.js_errors == []

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(flow).to_be_visible()
    assert _sideways(page) <= 0
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/builder-phone.png", full_page=True)

    # A send step's form at a phone's width: its text message in a text area, nothing wider
    # than the screen.
    page.locator("#flow-node-day_0").get_by_test_id("edit-step").click()
    expect(page.get_by_label("Content of message 1")).to_have_value(
        "Welcome, {displayName}! See this week's picks: https://shop.example/picks"
    )
    assert _sideways(page) <= 0
    if SCREENSHOTS:
        page.get_by_test_id("editor").screenshot(path=f"{SCREENSHOTS}/editor-phone.png")
    assert page.js_errors == []


def test_a_trigger_condition_is_a_row_to_fill_in(page, workspace, account):
    make_member(workspace, "marketer", email="marketer@alpha.example")
    journey = Journey.unscoped.create(
        account=account, name="Thanks", draft_graph=STARTERS["first_purchase"].graph()
    )
    log_in(page, "marketer@alpha.example")
    page.goto(f"/w/alpha/oa/{account.slug}/journeys/{journey.pk}/edit/")
    page.get_by_test_id("edit-trigger").click()
    editor = page.get_by_test_id("editor")
    expect(editor.get_by_label("Property (condition 1)")).to_have_value("order_number")
    editor.get_by_label("Property (condition 2)").fill("total")
    editor.get_by_label("Comparison (condition 2)").select_option("gte")
    editor.get_by_label("Value (condition 2)").fill("1000")
    if SCREENSHOTS:
        editor.screenshot(path=f"{SCREENSHOTS}/trigger-editor.png")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("editor")).to_have_count(0)
    journey.refresh_from_db()
    assert journey.draft_graph["trigger"]["conditions"][1] == {
        "property": "total",
        "op": "gte",
        "value": 1000,
    }
    assert page.js_errors == []


def test_a_viewer_sees_the_flow_without_edit_controls(page, workspace, account):
    make_member(workspace, "viewer", email="viewer@alpha.example")
    journey = Journey.unscoped.create(
        account=account, name="Win-back", draft_graph=STARTERS["win_back"].graph()
    )
    log_in(page, "viewer@alpha.example")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/w/alpha/oa/{account.slug}/journeys/{journey.pk}/edit/")
    expect(page.locator("#flow-node-last_chance")).to_be_visible()
    expect(page.get_by_test_id("edit-step")).to_have_count(0)
    assert _sideways(page) <= 0
    assert page.js_errors == []


def test_a_branch_rules_tree_is_edited_like_a_segment(page, workspace, account):
    """The branch's rules are the segment builder's tree: "+ Condition" and a field change
    redraw only the editor (nothing saved), Save stores the rules and the send steps ticked
    for "clicked a link" (checkboxes by the steps' titles); no JSON or step id is typed."""
    make_member(workspace, "marketer", email="marketer@alpha.example")
    tag = Tag.unscoped.create(account=account, name="VIP")
    journey = Journey.unscoped.create(
        account=account, name="Welcome", draft_graph=STARTERS["welcome_series"].graph()
    )
    log_in(page, "marketer@alpha.example")
    page.goto(f"/w/alpha/oa/{account.slug}/journeys/{journey.pk}/edit/")
    page.locator("#flow-node-engaged").get_by_test_id("edit-step").click()
    editor = page.get_by_test_id("editor")
    expect(editor.get_by_test_id("builder-rules")).to_be_visible()
    expect(editor.locator("textarea")).to_have_count(0)
    expect(editor.get_by_label("Day 0: welcome")).to_be_checked()
    expect(editor.get_by_label("Day 3: nudge")).not_to_be_checked()
    editor.get_by_test_id("add-condition").click()
    expect(editor.get_by_test_id("rule-condition")).to_have_count(1)
    _htmx_settled(page)
    editor.locator('select[name="rules-0:field"]').select_option("tag")
    expect(editor.locator('select[name="rules-0:op"]')).to_have_value("has")
    _htmx_settled(page)
    journey.refresh_from_db()
    assert journey.draft_graph["nodes"]["engaged"]["rules"] == {"all": []}  # nothing saved yet
    editor.get_by_label("Day 3: nudge").check()
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("editor")).to_have_count(0)
    journey.refresh_from_db()
    assert journey.draft_graph["nodes"]["engaged"]["rules"] == {
        "all": [{"field": "tag", "op": "has", "value": tag.pk}]
    }
    assert journey.draft_graph["nodes"]["engaged"]["clicked"] == ["day_0", "day_3_nudge"]
    assert page.js_errors == []
