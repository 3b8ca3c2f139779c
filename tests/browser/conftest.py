"""Playwright (Python) driving Debian's Chromium against Django's live server.

Never downloads a browser: it launches /usr/bin/chromium (apt package ``chromium``). Every page
a test opens is watched for JavaScript errors and failed console messages; a test fails if any
appear.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test; collects JavaScript errors for the test to check."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.on(
        "console",
        lambda message: page.js_errors.append(message.text) if message.type == "error" else None,
    )
    # Console "Failed to load resource" lines do not say which URL; record it beside them.
    page.on(
        "response",
        lambda response: (
            page.js_errors.append(f"HTTP {response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    yield page
    context.close()
