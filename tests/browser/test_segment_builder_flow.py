"""Segments and the friends CRM in a real browser (beside the other browser tests, so they share
one Playwright session): the segment builder: build a two-level segment, watch the live count
follow each change, save it and reopen it, with no JavaScript error on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from insights.imports.jobs import import_job_run
from insights.models import ImportJob
from segments.models import Segment
from tests.conftest import PASSWORD, make_member
from tests.segments.crm_world import build_crm_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_build_two_level_segment_save_and_reopen(page, workspace, account):
    world = build_crm_world(account)
    make_member(workspace, "marketer", email="marketer@alpha.example")
    page.goto("/auth/login/")
    page.get_by_label("E-mail address").fill("marketer@alpha.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/alpha/**")

    page.goto(f"/w/alpha/oa/{account.slug}/friends/segments/")
    page.get_by_test_id("new-segment").first.click()
    page.wait_for_url("**/segments/new/")  # waits for "load": htmx is listening from then on
    count, reachable = (
        page.get_by_test_id("segment-count"),
        page.get_by_test_id("segment-reachable"),
    )
    expect(count).to_have_text("3")  # status is following: A, C, D

    # Level 1: tag has "news" (A and B; B blocked).
    first = page.locator('[data-path="n-0"]')
    first.get_by_test_id("condition-field").select_option("tag")
    expect(first.get_by_test_id("condition-op")).to_have_value("has")
    first.get_by_label("Value").select_option(label="news")
    expect(count).to_have_text("2")
    expect(reachable).to_have_text("1")

    # Level 2: a nested group; its default condition (following) narrows to A.
    page.locator('[data-path="n"] > .actions').get_by_test_id("add-group").click()
    nested = page.locator('[data-path="n-1"]')
    expect(nested).to_be_visible()
    expect(count).to_have_text("1")

    # Make it "any of" two conditions: following, or blocked -> A and B again.
    nested.get_by_test_id("group-kind").select_option("any")
    nested.locator(":scope > .actions").get_by_test_id("add-condition").click()
    second = page.locator('[data-path="n-1-1"]')
    expect(second).to_be_visible()
    second.get_by_label("Value").select_option("blocked")
    expect(count).to_have_text("2")
    expect(reachable).to_have_text("1")

    # A wrong value is flagged beside its condition, and fixing it brings the count back.
    second.get_by_test_id("condition-field").select_option("message_count")
    expect(page.locator("#error-n-1-1")).to_contain_text("Expected a whole number.")
    second.get_by_label("Value").fill("3")
    expect(page.locator("#error-n-1-1")).to_be_empty()
    expect(count).to_have_text("1")  # news AND (following OR exactly 3 messages): A

    page.get_by_test_id("segment-name").fill("News readers")
    page.get_by_test_id("save-segment").click()
    page.wait_for_url("**/friends/segments/*/")
    expect(page.get_by_text("Segment “News readers” saved.")).to_be_visible()

    segment = Segment.unscoped.get(account=account)
    assert segment.rules == {
        "all": [
            {"field": "tag", "op": "has", "value": world.tags["news"].pk},
            {
                "any": [
                    {"field": "status", "op": "eq", "value": "following"},
                    {"field": "message_count", "op": "eq", "value": 3},
                ]
            },
        ]
    }

    # Reopen from the list: the tree and the count come back as saved.
    page.goto(f"/w/alpha/oa/{account.slug}/friends/segments/")
    page.get_by_role("link", name="News readers").click()
    page.wait_for_url(f"**/segments/{segment.pk}/")
    expect(page.get_by_test_id("segment-name")).to_have_value("News readers")
    expect(page.locator('[data-path="n-1"]').get_by_test_id("group-kind")).to_have_value("any")
    expect(page.locator('[data-path="n-1-1"]').get_by_test_id("condition-field")).to_have_value(
        "message_count"
    )
    expect(count).to_have_text("1")
    assert page.js_errors == []


def test_crm_pages_work_in_the_browser(page, workspace, account):
    """Friends list bulk tagging, the friend page, tags, RFM and the member import, clicked
    through without a JavaScript error."""
    world = build_crm_world(account)
    make_member(workspace, "marketer", email="marketer@alpha.example")
    page.goto("/auth/login/")
    page.get_by_label("E-mail address").fill("marketer@alpha.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/alpha/**")

    page.goto(f"/w/alpha/oa/{account.slug}/friends/")
    page.get_by_label("Tag", exact=True).select_option(label="vip")
    expect(page.get_by_test_id("friend-row")).to_have_count(2)  # A and D
    page.get_by_label("Select Friend D").check()
    page.get_by_label("Tag to add or remove").select_option(label="news")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_text("“news” added to 1 friend.")).to_be_visible()

    page.get_by_role("link", name="Friend D").click()
    expect(page.get_by_test_id("friend-tags")).to_contain_text("news")
    expect(page.get_by_test_id("friend-data")).to_contain_text("signup")

    page.goto(f"/w/alpha/oa/{account.slug}/friends/tags/")
    expect(page.get_by_test_id("coverage-overall")).to_contain_text("following friends")
    page.get_by_test_id("tag-form").get_by_label("Tag name").fill("lapsed")
    page.get_by_role("button", name="Create tag").click()
    expect(page.get_by_text("Tag “lapsed” created.")).to_be_visible()

    page.goto(f"/w/alpha/oa/{account.slug}/friends/rfm/")
    expect(page.get_by_test_id("rfm-grid")).to_be_visible()
    page.get_by_role("link", name="Champions").click()
    expect(page.get_by_test_id("segment-count")).to_have_text("1")

    # The old member import address opens the Imports page with member data chosen.
    page.goto(f"/w/alpha/oa/{account.slug}/friends/import/")
    page.wait_for_url("**/imports/?report=members")
    page.get_by_label("Files").set_input_files(
        files=[
            {"name": "m.csv", "mimeType": "text/csv", "buffer": b"member_id,tier\nM1,platinum\n"}
        ]
    )
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url("**/imports/")
    run_queued_imports()
    page.get_by_role("link", name="Map the columns").click()
    expect(page.get_by_label("Match friends by")).to_have_value("member_id")
    page.get_by_role("button", name="Import with this mapping").click()
    page.wait_for_url("**/imports/*/")
    run_queued_imports()
    expect(page.locator("#job-status")).to_contain_text("1 updated")
    assert world.friends["A"].pk
    assert page.js_errors == []


def run_queued_imports() -> None:
    """What the Celery worker does, in the test's process."""
    for job_id in ImportJob.unscoped.filter(status="queued").values_list("pk", flat=True):
        import_job_run(job_id=job_id)
