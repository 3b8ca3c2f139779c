"""A marketer gives gold members their own rich menu: the rules page from the OA's menu, a
segment menu added through the form (a missing segment shown in place first), "Apply to
everyone" answered in place with its progress, and the taps page's chart; at a phone's width
too, with no JavaScript errors."""

from __future__ import annotations

import pytest
from django.utils import timezone

from oa_console.roles import Role
from richmenus.models import RichMenuArea, RichMenuRule, RichMenuTap
from tests.conftest import PASSWORD, make_member
from tests.factories import LineAccountFactory, WorkspaceFactory
from tests.richmenus.conftest import make_menu, make_tag, tag_segment
from tests.segments.factories import FriendFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_segment_menu_rules_and_taps(page, live_server):
    workspace = WorkspaceFactory(slug="sakura", name="Sakura Agency")
    account = LineAccountFactory(workspace=workspace, slug="tokyo", display_name="Tokyo Store")
    make_member(workspace, Role.MARKETER, email="marketer@sakura.example")
    menu = make_menu(
        account, "Gold menu", "richmenu-gold1", areas=[{"type": "postback", "data": "coupons"}]
    )
    tag_segment(account, make_tag(account, "gold"), "Gold members")
    friend = FriendFactory(account=account)
    RichMenuTap.unscoped.create(
        account=account,
        menu=menu,
        area=RichMenuArea.unscoped.get(menu=menu),
        friend=friend,
        kind="postback",
        tapped_at=timezone.now(),
    )

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.get_by_label("E-mail address").fill("marketer@sakura.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/w/sakura/oa/tokyo/rich-menus/segments/")
    page.get_by_test_id("rich-menu-rules-empty").wait_for()

    page.get_by_test_id("rich-menu-rule-new").click()
    page.get_by_label("Rich menu").select_option(label="Gold menu")
    page.get_by_role("button", name="Save").click()
    assert "Choose one of this account" in page.get_by_test_id("field-error").first.inner_text()
    page.get_by_label("Segment", exact=True).select_option(label="Gold members")
    page.get_by_role("button", name="Save").click()
    page.get_by_test_id("rich-menu-rule-row").wait_for()
    assert RichMenuRule.unscoped.filter(account=account, segment__name="Gold members").exists()

    page.get_by_test_id("assignment-start").click()
    page.get_by_test_id("assignment-status").filter(has_text="friends").wait_for()
    assert page.get_by_test_id("assignment-start").is_disabled()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_test_id("rich-menu-taps-link").click()
    page.locator("#rich-menu-taps .main-svg").first.wait_for()
    assert "Area 1" in page.get_by_test_id("taps-areas").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.js_errors == []
