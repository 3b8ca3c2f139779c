"""The Imports page in Chromium: upload two files, watch progress update by polling, map the
columns of an unknown header, delete an import; member data through its mapping step — with no
JavaScript errors."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from insights.imports.jobs import import_job_run
from insights.models import ImportJob
from oa_console.models import LineAccount
from oa_console.roles import Role
from segments.models import Friend
from tests.conftest import PASSWORD, make_member
from tests.factories import LineAccountFactory, WorkspaceFactory
from tests.segments.factories import FriendFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRIENDS = "date,contacts,targetReaches,blocks\n20250101,1000,900,10\n20250102,1010,905,12\n"
UNKNOWN = "Tag;Freunde;Gesperrt\n2025-01-01;100;3\n2025-01-02;110;4\n"


@pytest.fixture
def marketer_login():
    workspace = WorkspaceFactory(slug="sakura", name="Sakura Agency")
    LineAccountFactory(workspace=workspace, slug="tokyo-beauty", display_name="Tokyo Beauty")
    return make_member(workspace, Role.MARKETER, email="marketer@sakura.example")


def run_queued_jobs() -> None:
    for job_id in ImportJob.unscoped.filter(status="queued").values_list("pk", flat=True):
        import_job_run(job_id=job_id)


def test_upload_progress_mapping_and_delete(page, marketer_login, tmp_path):
    friends = tmp_path / "friends.csv"
    friends.write_text(FRIENDS)
    unknown = tmp_path / "freunde.csv"
    unknown.write_text(UNKNOWN)

    page.goto("/auth/login/")
    page.get_by_label("E-mail address").fill("marketer@sakura.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/sakura/**")
    page.goto("/w/sakura/oa/tokyo-beauty/insights/")
    page.get_by_role("link", name="Imports").first.click()
    page.wait_for_url("**/imports/")

    page.get_by_label("Files").set_input_files([str(friends), str(unknown)])
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url("**/imports/")
    assert page.get_by_text("2 file(s) queued for import").is_visible()
    assert page.locator("#import-jobs progress").count() == 2

    # The worker finishes; the history updates itself by polling.
    run_queued_jobs()
    page.get_by_text("2 inserted · 0 updated · 0 unchanged · 0 rejected").wait_for(timeout=10_000)
    page.get_by_role("link", name="Map the columns").click()

    page.wait_for_url("**/mapping/")
    assert (
        page.get_by_test_id("mapping-preview")
        .get_by_role("cell", name="110", exact=True)
        .is_visible()
    )
    page.get_by_label("This file is").select_option("chats")
    page.get_by_text("Chats per day").wait_for()
    page.get_by_label("This file is").select_option("friends")
    page.get_by_text("Running totals per day").wait_for()
    page.get_by_label("Tag").select_option("date")
    page.get_by_label("Freunde").select_option("contacts")
    page.get_by_label("Gesperrt").select_option("blocks")
    page.get_by_role("button", name="Import with this mapping").click()
    page.wait_for_url("**/imports/*/")
    run_queued_jobs()
    page.locator("#job-status").get_by_text("Imported").wait_for(timeout=10_000)

    page.get_by_role("link", name="Imports").first.click()
    page.wait_for_url("**/imports/")  # the click only starts the navigation
    page.on("dialog", lambda dialog: dialog.accept())
    rows = page.get_by_test_id("import-job")
    expect(rows).to_have_count(2)
    rows.first.get_by_role("button", name="Delete").click()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=import-job]').length === 1"
    )
    assert page.js_errors == []


def test_member_data_mapping_step(page, marketer_login, tmp_path):
    """From the friends page to the Imports page with member data chosen; the mapping step picks
    the key, a built-in field and a typed new attribute with the preview beside; the summary
    lists the unknown id, and the friend's page shows the imported values."""
    account = LineAccount.unscoped.get(slug="tokyo-beauty")
    known = FriendFactory(account=account, display_name="Hanako")
    members = tmp_path / "members.csv"
    members.write_text(
        f'LINE user ID,Rank,Spend\n{known.line_user_id},gold,"1,200"\nU{"0" * 32},silver,5\n'
    )

    page.goto("/auth/login/")
    page.get_by_label("E-mail address").fill("marketer@sakura.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/sakura/**")
    page.goto("/w/sakura/oa/tokyo-beauty/friends/")
    page.get_by_role("link", name="Import member data").click()
    page.wait_for_url("**/imports/?report=members")
    assert page.get_by_label("Report").input_value() == "members"

    page.get_by_label("Files").set_input_files(str(members))
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url("**/imports/")
    run_queued_jobs()
    page.get_by_role("link", name="Map the columns").click()

    page.wait_for_url("**/mapping/")
    preview = page.get_by_test_id("mapping-preview")
    assert preview.get_by_role("cell", name="1,200", exact=True).is_visible()
    assert page.get_by_label("Match friends by").input_value() == "line_user_id"
    assert page.get_by_label("LINE user ID", exact=True).input_value() == "line_user_id"
    assert page.get_by_label("Spend").input_value() == "attribute:number:spend"
    page.get_by_label("Rank").select_option("member_tier")
    # Matching by member id without a member id column: refused in place, nothing queued.
    page.get_by_label("Match friends by").select_option("member_id")
    page.get_by_role("button", name="Import with this mapping").click()
    page.get_by_text("Friends matched by member ID cannot get their LINE user ID").wait_for()
    page.get_by_label("Match friends by").select_option("line_user_id")
    page.get_by_role("button", name="Import with this mapping").click()
    page.wait_for_url("**/imports/*/")
    run_queued_jobs()
    status = page.locator("#job-status")
    status.get_by_text("1 updated").first.wait_for(timeout=10_000)
    assert status.get_by_text("1 unknown ID").first.is_visible()
    assert page.get_by_test_id("unknown-ids-download").is_visible()

    assert Friend.unscoped.get(pk=known.pk).member_tier == "gold"
    page.goto(f"/w/sakura/oa/tokyo-beauty/friends/{known.line_user_id}/")
    assert page.get_by_text("1,200").first.is_visible()  # points, grouped by locale
    assert page.js_errors == []
