"""A coupon in Chromium: open Coupons from the OA's menu, create one with a field error shown
in place (a lottery without its chance), fix it, create it in LINE (the fake LINE checks the
request), see it, and close it after the confirmation, with no JS errors."""

from __future__ import annotations

import pytest

from coupons.models import Coupon
from oa_console.roles import Role
from tests.browser.sign_in import log_in
from tests.conftest import make_member
from tests.factories import LineAccountFactory, WorkspaceFactory
from tests.fakes.line_coupons import CouponScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def oa(fake_line):  # noqa: F811
    workspace = WorkspaceFactory(slug="sakura", name="Sakura Agency")
    account = LineAccountFactory(
        workspace=workspace,
        slug="tokyo-beauty",
        display_name="Tokyo Beauty",
        time_zone="Asia/Tokyo",
    )
    make_member(workspace, Role.MARKETER, email="marketer@sakura.example")
    script = CouponScript().install(fake_line)
    script.server = fake_line
    return account, script


def test_create_with_a_field_error_then_close(page, oa):
    account, line = oa
    log_in(page, "marketer@sakura.example", workspace="sakura")
    page.goto("/w/sakura/oa/tokyo-beauty/")
    page.get_by_test_id("nav-coupons").first.click()
    page.wait_for_url("**/coupons/")
    page.get_by_test_id("no-coupons").wait_for()
    page.get_by_test_id("new-coupon").click()
    page.wait_for_url("**/coupons/new/")

    page.get_by_label("Title").fill("Free tote bag")
    page.get_by_label("Reward").select_option("gift")
    page.get_by_label("Valid from").fill("2031-04-01T10:00")
    page.get_by_label("Valid until").fill("2031-04-30T22:00")
    page.get_by_label("Who gets it").select_option("lottery")
    page.get_by_role("button", name="Create in LINE").click()
    page.get_by_test_id("field-error").get_by_text("A lottery needs a chance of winning").wait_for()
    assert not line.server.calls("createCoupon")
    # The refused form answered 400 on purpose; nothing else may have failed.
    assert [e for e in page.js_errors if "400" not in e] == []
    page.js_errors.clear()

    page.get_by_label("Chance of winning (%)").fill("25")
    page.get_by_role("button", name="Create in LINE").click()
    page.wait_for_url("**/coupons/*/")
    page.get_by_test_id("no-editing").wait_for()
    coupon = Coupon.unscoped.get(account=account)
    body = line.server.calls("createCoupon")[0].json()
    assert body["acquisitionCondition"]["lotteryProbability"] == 25
    assert body["timezone"] == "ASIA_TOKYO"

    page.get_by_test_id("close-coupon").click()
    page.get_by_test_id("confirm-close").click()
    page.wait_for_url(f"**/coupons/{coupon.pk}/")
    assert page.get_by_test_id("coupon-status").inner_text() == "Closed"
    assert line.coupons[coupon.line_coupon_id]["status"] == "CLOSED"
    assert page.js_errors == []
