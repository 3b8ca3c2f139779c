"""A marketer's admin draws a tap area on the menu's picture with the mouse, saves it, sees it
outlined in the phone preview (desktop and 390 px), and publishes the menu to the embedded
demo's simulated LINE, with no JavaScript error on any page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from oa_console.roles import Role
from oa_console.tenancy import tenant_scope
from richmenus.models import RichMenu, RichMenuArea
from tests.browser.sign_in import log_in
from tests.conftest import make_member
from tests.factories import LineAccountFactory, WorkspaceFactory
from tests.richmenus.design_helpers import drafted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draw_an_area_with_the_mouse_and_publish(page, live_server, settings):
    settings.DEBUG = True
    settings.BROADCASTS_SIMULATED_LINE = True
    # The root URLconf mounts the simulator only if the flag was on when a test first loaded it.
    settings.ROOT_URLCONF = "tests.fakes.simulated_line_urls"
    settings.PUBLIC_BASE_URL = live_server.url
    workspace = WorkspaceFactory(slug="alpha", name="Alpha Agency")
    account = LineAccountFactory(workspace=workspace, slug="alpha-tokyo", display_name="Alpha")
    make_member(workspace, Role.ADMIN, email="admin@alpha.example")
    menu = drafted(account, name="Spring sale", areas=[])
    log_in(page, "admin@alpha.example")
    page.goto(f"/w/alpha/oa/alpha-tokyo/rich-menus/{menu.pk}/")

    canvas = page.get_by_test_id("rm-canvas")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.1)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.99, box["y"] + box["height"] * 0.9, steps=5)
    page.mouse.up()
    assert page.get_by_test_id("rm-draft").is_visible()
    form = page.get_by_test_id("area-form")
    x = int(form.locator("[name=x]").input_value())
    width = int(form.locator("[name=width]").input_value())
    assert abs(x - 1250) <= 10 and abs(x + width - 2475) <= 10
    form.locator("[name=label]").fill("Coupons")
    form.locator("[name=type]").select_option("message")
    # The form shows the fields of the chosen action only.
    expect(page.get_by_test_id("area-field-value")).to_be_visible()
    expect(page.get_by_test_id("area-field-alias")).to_be_hidden()
    expect(page.get_by_test_id("area-field-mode")).to_be_hidden()
    form.locator("[name=value]").fill("Show me the coupons")
    form.get_by_role("button", name="Add area").click()
    page.wait_for_selector('[data-testid="area-row"]')
    assert page.get_by_test_id("rm-area").count() == 1
    assert "Coupons" in page.get_by_test_id("rm-preview").inner_text()
    with tenant_scope(workspace=workspace, account=account):
        area = RichMenuArea.objects.get(menu=menu)
    assert area.action == {"type": "message", "text": "Show me the coupons", "label": "Coupons"}

    # Edit the area in place: its row (and the taps recorded against it) stays.
    page.get_by_test_id("area-edit").click()
    page.get_by_text("Edit tap area 1").wait_for()
    form = page.get_by_test_id("area-form")
    assert form.locator("[name=value]").input_value() == "Show me the coupons"
    form.locator("[name=type]").select_option("datetimepicker")
    expect(page.get_by_test_id("area-field-value")).to_be_hidden()
    expect(page.get_by_test_id("area-field-mode")).to_be_visible()
    form.locator("[name=type]").select_option("message")
    form.locator("[name=value]").fill("Coupons, please")
    page.get_by_test_id("area-save").click()
    page.get_by_text("Tap area saved.").wait_for()
    with tenant_scope(workspace=workspace, account=account):
        edited = RichMenuArea.objects.get(menu=menu)
    assert edited.pk == area.pk and edited.action["text"] == "Coupons, please"

    # An overlapping rectangle is answered in place, in the form.
    form = page.get_by_test_id("area-form")
    for name, value in (("x", "1300"), ("y", "100"), ("width", "300"), ("height", "300")):
        form.locator(f"[name={name}]").fill(value)
    form.locator("[name=type]").select_option("message")
    form.locator("[name=value]").fill("again")
    form.get_by_role("button", name="Add area").click()
    page.get_by_text("overlaps Coupons").wait_for()

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.get_by_test_id("rm-area").is_visible()

    page.get_by_test_id("publish").click()
    page.get_by_text("Published to LINE.").wait_for()
    with tenant_scope(workspace=workspace, account=account):
        assert RichMenu.objects.get(pk=menu.pk).status == "published"
    assert page.js_errors == []
