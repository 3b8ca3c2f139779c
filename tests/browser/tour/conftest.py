"""The tour's fixtures: the served demo site (``site.py``) and one Chromium for the module."""

from __future__ import annotations

import pytest

from tests.browser.tour.site import server, site  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def chromium():
    """One browser for the module (the conftest's is session-wide but function-bound pages)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()
