"""Sign-in security in the browser: two-factor set-up (the secret read off the page, the code
computed like an authenticator app does), sign-in with a code and with a recovery code, a
workspace that requires it, and a lockout that an admin unlocks."""

from __future__ import annotations

import re

import pytest

from oa_console.roles import Role
from tests.conftest import PASSWORD, make_member
from tests.factories import LineAccountFactory, WorkspaceFactory
from tests.two_factor import code_for, code_for_key, enable_two_factor, key_from_secret

pytestmark = [
    pytest.mark.browser,
    pytest.mark.browser_db_neutral,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def team():
    workspace = WorkspaceFactory(slug="sakura", name="Sakura Agency", kind="agency")
    LineAccountFactory(workspace=workspace, slug="taipei-cafe", display_name="Taipei Café")
    return {
        "owner": make_member(workspace, Role.OWNER, email="owner@sakura.example"),
        "marketer": make_member(workspace, Role.MARKETER, email="marketer@sakura.example"),
    }


def _password_step(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/auth/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def _log_out(page) -> None:
    page.get_by_test_id("user-menu").locator("summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/auth/login/")


def _enrol(page) -> tuple[bytes, list[str]]:
    """On the set-up page: read the typed-in secret, confirm with the app's code, and read the
    recovery codes shown once."""
    assert page.get_by_test_id("two-factor-qr").locator("svg").is_visible()
    key = key_from_secret(page.get_by_test_id("two-factor-secret").inner_text())
    page.get_by_label("Code").fill(code_for_key(key))
    page.get_by_role("button", name="Confirm and turn on").click()
    page.wait_for_url("**/auth/security/two-factor/recovery-codes/")
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    return key, codes


def test_set_up_then_sign_in_with_a_code_and_with_a_recovery_code(page, team):
    _password_step(page, "owner@sakura.example")
    page.wait_for_url("**/w/sakura/")
    page.get_by_test_id("user-menu").locator("summary").click()
    page.get_by_role("link", name="Security").click()
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    key, codes = _enrol(page)
    assert page.get_by_text("Two-factor sign-in is on.").is_visible()
    _log_out(page)

    # The password alone is not enough now: the code page, and nothing else.
    _password_step(page, "owner@sakura.example")
    page.wait_for_url(re.compile(r"/auth/login/code/"))
    page.goto("/w/sakura/")
    assert "/auth/login/code/" in page.url
    # The set-up used this 30-second step's code; an app shows the next one soon after.
    page.get_by_label("Code").fill(code_for_key(key, steps_ahead=1))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/w/sakura/")
    _log_out(page)

    # Phone lost: a recovery code, once.
    _password_step(page, "owner@sakura.example")
    page.wait_for_url(re.compile(r"/auth/login/code/"))
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/w/sakura/")
    assert page.get_by_text("9 are left").is_visible()
    _log_out(page)
    _password_step(page, "owner@sakura.example")
    page.wait_for_url(re.compile(r"/auth/login/code/"))
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("This code is not right").is_visible()
    assert "/auth/login/code/" in page.url
    page.js_errors[:] = [
        e for e in page.js_errors if "status of 400" not in e and "HTTP 400" not in e
    ]
    assert not page.js_errors, page.js_errors


def test_an_owner_requires_it_and_a_member_is_sent_to_set_it_up(page, team):
    device, _codes = enable_two_factor(team["owner"])
    _password_step(page, "owner@sakura.example")
    page.get_by_label("Code").fill(code_for(device))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/w/sakura/")
    page.goto("/w/sakura/settings/")
    page.get_by_role("link", name="Sign-in policy").click()
    page.get_by_label("Require two-factor sign-in of every member").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("The sign-in policy was saved.").is_visible()
    assert page.get_by_text("marketer@sakura.example").is_visible()  # still without it
    _log_out(page)

    _password_step(page, "marketer@sakura.example")
    page.wait_for_url("**/auth/security/two-factor/setup/")
    assert page.get_by_text(
        "Sakura Agency requires two-factor sign-in of every member. Set it up to continue."
    ).is_visible()
    page.goto("/w/sakura/oa/taipei-cafe/insights/")
    assert page.url.endswith("/auth/security/two-factor/setup/")
    _enrol(page)
    page.get_by_role("button", name="I saved them").click()
    page.goto("/w/sakura/oa/taipei-cafe/insights/")
    assert page.get_by_role("heading", name="Insights").is_visible()
    assert not page.js_errors, page.js_errors


def test_lockout_then_an_owner_unlocks_the_member(browser, live_server, team, settings):
    # Two people at two addresses, behind one trusted proxy (as in production).
    settings.TRUSTED_PROXY_HOPS = 1

    def context_at(address: str):
        return browser.new_context(
            base_url=live_server.url, extra_http_headers={"X-Forwarded-For": address}
        )

    marketer_context, owner_context = context_at("203.0.113.7"), context_at("198.51.100.2")
    try:
        page = marketer_context.new_page()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _password_step(page, "marketer@sakura.example", "not-the-password")
        message = page.get_by_test_id("lockout-message")
        assert "sign-in is locked for 15 more minutes" in message.inner_text()
        _password_step(page, "marketer@sakura.example")  # the right one: still locked
        assert page.get_by_test_id("lockout-message").is_visible()
        assert "/auth/login/" in page.url

        admin = owner_context.new_page()
        _password_step(admin, "owner@sakura.example")
        admin.wait_for_url("**/w/sakura/")
        admin.goto("/w/sakura/settings/members/")
        row = admin.get_by_role("row").filter(has_text="marketer@sakura.example")
        assert row.get_by_test_id("member-locked").is_visible()
        row.get_by_role("button", name="Unlock sign-in").click()
        assert admin.get_by_text("marketer@sakura.example can sign in again.").is_visible()
        assert admin.get_by_test_id("member-locked").count() == 0

        _password_step(page, "marketer@sakura.example")
        page.wait_for_url("**/w/sakura/")
    finally:
        marketer_context.close()
        owner_context.close()
