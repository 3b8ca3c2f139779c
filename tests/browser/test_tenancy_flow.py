"""A marketer-agency day in the browser: log in, switch workspace and OA, invite a member,
create an API key, log out — with no JavaScript errors on any page."""

import re

import pytest

from oa_console.models import ApiKey, Invitation
from oa_console.roles import Role
from tests.conftest import PASSWORD, make_member
from tests.factories import LineAccountFactory, WorkspaceFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.browser_db_neutral,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def agency_owner():
    agency = WorkspaceFactory(slug="sakura", name="Sakura Agency", kind="agency")
    brand = WorkspaceFactory(slug="bento", name="Bento Brand")
    LineAccountFactory(workspace=agency, slug="taipei-cafe", display_name="Taipei Café")
    LineAccountFactory(workspace=agency, slug="tokyo-beauty", display_name="Tokyo Beauty")
    LineAccountFactory(workspace=brand, slug="bento-shop", display_name="Bento Shop")
    user = make_member(agency, Role.OWNER, email="owner@sakura.example")
    make_member_of = brand.memberships.model.unscoped.create
    make_member_of(user=user, workspace=brand, role=Role.ADMIN, all_accounts=True)
    return user


def test_login_switch_invite_api_key_logout(page, agency_owner):
    page.goto("/")
    page.get_by_label("E-mail address").fill("owner@sakura.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Two workspaces: the picker.
    page.wait_for_url("**/w/")
    page.get_by_role("link", name="Sakura Agency").click()
    page.wait_for_url("**/w/sakura/")
    assert page.get_by_role("link", name="Taipei Café").is_visible()

    # OA switcher in the header.
    page.get_by_test_id("account-switcher").locator("summary").click()
    page.get_by_test_id("account-switcher").get_by_role("link", name="Tokyo Beauty").click()
    page.wait_for_url("**/w/sakura/oa/tokyo-beauty/insights/")
    assert page.get_by_role("heading", name="Insights").is_visible()

    # Workspace switcher in the header.
    page.get_by_test_id("workspace-switcher").locator("summary").click()
    page.get_by_test_id("workspace-switcher").get_by_role("link", name="Bento Brand").click()
    page.wait_for_url("**/w/bento/")
    assert page.get_by_role("link", name="Bento Shop").is_visible()
    assert page.get_by_role("link", name="Taipei Café").count() == 0

    # Invite a member limited to one OA.
    page.goto("/w/sakura/settings/")
    page.get_by_role("button", name="Invite a member").click()
    page.get_by_label("E-mail address").fill("client@tokyo-beauty.example")
    page.get_by_label("Role").select_option("viewer")
    page.get_by_label("Only these OAs").check()
    page.get_by_label("Tokyo Beauty").check()
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url("**/w/sakura/settings/members/")
    assert page.get_by_text("Invitation sent to client@tokyo-beauty.example").is_visible()
    assert page.get_by_role("cell", name="client@tokyo-beauty.example").is_visible()
    assert Invitation.unscoped.filter(email="client@tokyo-beauty.example").exists()

    # Create an API key: shown once.
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name").fill("POS sync")
    page.get_by_role("button", name="Create key").click()
    key_text = page.get_by_test_id("new-api-key").inner_text()
    raw = re.search(r"oak_[0-9a-f]{12}_\S+", key_text).group(0)
    assert ApiKey.unscoped.get(name="POS sync").prefix in raw
    page.goto("/w/sakura/settings/api-keys/")
    assert page.get_by_test_id("new-api-key").count() == 0
    assert raw not in page.content()

    # Revoking swaps the table in place (htmx), after a confirmation.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("row", name=re.compile("POS sync")).get_by_role(
        "button", name="Revoke"
    ).click()
    page.get_by_role("row", name=re.compile("POS sync")).get_by_text("Revoked").wait_for()
    assert ApiKey.unscoped.get(name="POS sync").revoked_at is not None

    # Log out from the user menu.
    page.get_by_test_id("user-menu").locator("summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/auth/login/")
    page.goto("/w/sakura/")
    page.wait_for_url("**/auth/login/?next=/w/sakura/")

    assert page.js_errors == []


def test_form_errors_show_in_place_in_the_browser(page, agency_owner):
    page.goto("/auth/login/")
    page.get_by_label("E-mail address").fill("owner@sakura.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/")
    page.goto("/w/sakura/oa/new/")
    page.get_by_label("Display name").fill("Bad OA")
    page.get_by_label("Basic ID").fill("no-at-sign")
    page.get_by_role("button", name="Connect").click()
    error = page.locator("#id_basic_id_error")
    assert error.is_visible()
    assert "@abc1234" in error.inner_text()
    assert page.locator("#id_channel_secret_error").is_visible()
    assert page.js_errors == []
