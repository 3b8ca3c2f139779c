"""Every page the browser tour visits answers each demo login as its role expects, on the
package's seeded demo and through Django's test client.

The tour (tests/browser/tour) checks these pages in Chromium; CI runs it on SQLite only, since
what it adds to this test (JavaScript errors, layout, charts drawn, translations) does not
depend on the database engine. What does depend on it, the queries behind each page, is
checked here in both configurations: the same pages (discovered from the URL configuration
the same way), the same logins, the same expected status (200, or 403 for a page the login's
role may not open, where the redirects end), and none sends the login to the login page.
"""

from __future__ import annotations

import pytest
from django.test import Client

from oa_console.models import User
from tests.browser.tour.checks import _expected_status
from tests.browser.tour.demo_routes import LOGINS
from tests.browser.tour.site import Site, _discover_pages

pytestmark = pytest.mark.django_db


def test_every_toured_page_answers_every_demo_login():
    site = Site(pages={email: [] for email in LOGINS}, problems={email: [] for email in LOGINS})
    _discover_pages(site)
    failures = [problem for problems in site.problems.values() for problem in problems]
    for email, login in LOGINS.items():
        assert len(site.pages[email]) >= 30, site.pages[email]
        client = Client()
        client.force_login(User.objects.get(email=email))
        for page in site.pages[email]:
            # Followed like the browser follows it (the client login's workspace page leads
            # to its one OA); the status is the page's where the redirects end.
            response = client.get(page.path, follow=True)
            expected = _expected_status(page, login)
            if response.status_code != expected:
                failures.append(
                    f"{email} {page.name} {page.path}: HTTP {response.status_code},"
                    f" expected {expected}"
                )
            ended = response.redirect_chain[-1][0] if response.redirect_chain else page.path
            if "/auth/login/" in ended and "/auth/" not in page.path:
                failures.append(f"{email} {page.name} {page.path}: sent to the login page")
    assert not failures, f"{len(failures)} pages failed:\n" + "\n".join(failures)
