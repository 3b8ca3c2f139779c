"""Signing in through the login form, as the browser tests' people do."""

from __future__ import annotations

from tests.conftest import PASSWORD


def log_in(page, email: str, *, workspace: str = "alpha") -> None:
    """Sign in as ``email`` (the suite's password) and wait for ``workspace``'s pages."""
    page.goto("/auth/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/w/{workspace}/**")
