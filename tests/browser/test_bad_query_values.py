"""Bad query values in a real browser (issue 14, defect 5): the friends list shows the filter's
error beside the filters, at desktop and phone widths and in Japanese, without sideways
scrolling or a JavaScript error; the calendar opens on today with a notice."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.browser.test_tags_campaigns_flow import log_in
from tests.segments.crm_world import build_crm_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.browser_db_neutral,
    pytest.mark.django_db(transaction=True),
]

# Set to a directory to keep the screenshots (reviewing the pages by eye).
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "")


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize(("width", "language"), [(1366, "en"), (390, "en"), (390, "ja")])
def test_a_bad_attribute_value_is_shown_beside_the_filters(
    page, live_server, workspace, account, width, language
):
    build_crm_world(account)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, workspace)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"/w/alpha/oa/{account.slug}/friends/?attr=points&attr_value=NaN")
    errors = page.get_by_test_id("filter-errors")
    expect(errors).to_be_visible()
    expect(page.locator("#friend-attr-value")).to_have_value("NaN")
    _no_sideways_scroll(page)
    _shot(page, f"friends-bad-value-{width}-{language}")
    assert not page.js_errors, page.js_errors


def test_the_calendar_opens_on_today_for_a_year_9999(page, workspace, account):
    log_in(page, workspace)
    page.goto(f"/w/alpha/oa/{account.slug}/broadcasts/calendar/?date=9999-12-31")
    expect(page.get_by_text("That date cannot be shown")).to_be_visible()
    _shot(page, "calendar-bad-date")
    assert not page.js_errors, page.js_errors
