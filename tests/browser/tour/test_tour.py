"""The tour itself: every page as every demo login, width and language (see the package
docstring for what fails a page)."""

from __future__ import annotations

import contextlib
import re
import statistics

import pytest
from django.conf import settings
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from oa_console.demo_picture import demo_png
from oa_console.management.commands.seed_demo import (
    DEMO_PASSWORD,
)
from tests.browser.tour.checks import (
    ALL_CHARTS_DRAWN_JS,
    PAGE_FACTS_JS,
    _catalogue,
    _expected_status,
    _page_failures,
)
from tests.browser.tour.demo_routes import (
    DEMO_OBJECTS,
    LOGINS,
    OWNER,
    TOURS,
    WIDTHS,
    _tourable_routes,
)

# django_db: pytest-django creates the test database only for a session with tests marked so.
# Not transaction=True: that would flush the demo after the first tour (the module's fixture
# seeds it once and flushes it at the end). browser_db_neutral: the tour only reads pages, and
# what it checks beyond their status does not depend on the database engine; their status is
# checked on both engines by tests/demo/test_pages.py, so CI's PostgreSQL run leaves it out.
pytestmark = [pytest.mark.browser, pytest.mark.browser_db_neutral, pytest.mark.django_db]


def test_every_page_kwarg_has_a_demo_object():
    missing = {
        f"{route.name}: {kwarg}"
        for route in _tourable_routes()
        for kwarg in route.kwargs
        if kwarg not in DEMO_OBJECTS
    }
    assert not missing, f"Add DEMO_OBJECTS entries for: {sorted(missing)}"


def test_every_language_and_every_login_at_each_width_is_toured():
    toured = {(email, width) for email, width, _ in TOURS}
    assert toured == {(email, width) for email in LOGINS for width in WIDTHS}
    assert {language for *_, language in TOURS} == {code for code, _ in settings.LANGUAGES}


def _log_in(context, server: str, email: str) -> None:
    page = context.new_page()
    page.goto(f"{server}/auth/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    try:
        page.wait_for_url(re.compile(r"/w/"))
    except PlaywrightTimeout:
        pytest.fail(f"{email} could not log in: {page.url}\n{page.content()[:1000]}")
    page.close()


@pytest.mark.parametrize(
    ("email", "width", "language"),
    TOURS,
    ids=[f"{email.split('@')[0]}-{width}-{language}" for email, width, language in TOURS],
)
def test_tour(site, server, chromium, email, width, language):
    login = LOGINS[email]
    catalogue = _catalogue(language) if language != "en" else None
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    # Chats show stickers and LINE emoji from LINE's CDN, which the tour's offline Chromium
    # cannot reach: a picture stands in (a user's browser loads LINE's, or shows the ids).
    context.route(
        "https://stickershop.line-scdn.net/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=demo_png(8, 8)),
    )
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": server}])
    failures = list(site.problems[email])
    try:
        _log_in(context, server, email)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                errors.append(f"console: {message.text} {message.location.get('url', '')}")
                if message.type == "error"
                else None
            ),
        )
        page.on(
            "requestfailed",
            lambda request: (
                # A request the next navigation cancelled (the favicon of the page just left)
                # is no failure a user sees; any other failed request is.
                None
                if request.failure == "net::ERR_ABORTED"
                else errors.append(f"request failed: {request.url} {request.failure}")
            ),
        )
        for visit in site.pages[email]:
            errors.clear()
            url = server + visit.path
            response = page.goto(url)
            expected = _expected_status(visit, login)
            status = response.status if response else None
            problems = []
            if status != expected:
                problems.append(f"HTTP {status}, expected {expected}")
            try:
                page.wait_for_function(
                    "() => !document.querySelector('.htmx-request')", timeout=10_000
                )
            except PlaywrightTimeout:
                problems.append("an htmx request was still running after 10 s")
            # Charts below the fold are drawn one per frame after the load event; a chart box
            # never drawn is named by the facts below.
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_function(ALL_CHARTS_DRAWN_JS, timeout=10_000)
            facts = page.evaluate(PAGE_FACTS_JS)
            if "/auth/login/" in page.url and "/auth/" not in visit.path:
                problems.append(f"sent to the login page ({page.url})")
            own_status_line = f"status of {expected}"
            problems += [
                error
                for error in errors
                if not (expected != 200 and own_status_line in error and url in error)
            ]
            problems += _page_failures(
                facts, language=language, catalogue=catalogue, content=site.content
            )
            failures += [f"{visit.name} {visit.path}: {problem}" for problem in problems]
    finally:
        context.close()
    assert len(site.pages[email]) >= 30, site.pages[email]
    assert not failures, f"{len(failures)} problems on the tour:\n" + "\n".join(failures)


def test_first_insights_page_load(server, chromium, capsys):
    """The first Insights page in a new browser (empty cache), navigation start to the load
    event, printed with the transfer of the chart library. Printed, not asserted: the machine's
    load decides the figure. What is asserted is what makes it fast: the partial Plotly
    bundle, sent gzip-compressed."""
    login = LOGINS[OWNER]
    path = f"/w/{login.workspace}/oa/{login.account}/insights/"
    session = chromium.new_context()
    _log_in(session, server, OWNER)
    cookies = session.cookies()
    session.close()
    timings, drawn, plotly = [], [], []
    for _ in range(3):
        context = chromium.new_context(viewport={"width": 1366, "height": 900})
        context.add_cookies(cookies)
        page = context.new_page()
        page.on(
            "response",
            lambda response: plotly.append(response) if "/vendor/plotly/" in response.url else None,
        )
        page.goto(server + path)
        page.wait_for_function(ALL_CHARTS_DRAWN_JS)
        drawn.append(page.evaluate("() => performance.now()"))
        timings.append(
            page.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0];"
                " return n.loadEventEnd - n.startTime; }"
            )
        )
        context.close()
    bundle = plotly[0]
    assert bundle.url.endswith("/plotly-basic.min.js")
    assert bundle.headers.get("content-encoding") == "gzip"
    size = int(bundle.headers["content-length"])
    with capsys.disabled():
        print(
            f"\nFirst Insights page load, new browser, cold cache: median {statistics.median(timings):.0f} ms"
            f" (runs: {', '.join(f'{t:.0f}' for t in timings)} ms); every chart drawn by"
            f" {statistics.median(drawn):.0f} ms (median); plotly-basic.min.js sent"
            f" gzip-compressed, {size / 1000:.0f} kB"
        )


def test_header_switchers_fold_into_a_menu_on_a_phone(server, chromium):
    """At 390 px the workspace, OA and language switchers sit behind "Menu" (no JavaScript
    needed: a checkbox and its label); at 1,366 px they are in the bar itself."""
    path = f"/w/{LOGINS[OWNER].workspace}/oa/{LOGINS[OWNER].account}/insights/"
    for width, folded in ((390, True), (1366, False)):
        context = chromium.new_context(viewport={"width": width, "height": 900})
        try:
            _log_in(context, server, OWNER)
            page = context.new_page()
            page.goto(server + path)
            switchers = [
                page.get_by_test_id(name)
                for name in ("workspace-switcher", "account-switcher", "language-switcher")
            ]
            toggle = page.get_by_test_id("topbar-menu-toggle")
            assert toggle.is_visible() is folded
            assert all(switcher.is_visible() is not folded for switcher in switchers)
            if folded:
                toggle.click()
                assert all(switcher.is_visible() for switcher in switchers)
                page.get_by_test_id("account-switcher").locator("summary").click()
                assert page.get_by_role("link", name=re.compile("Hanami Cosmetics")).is_visible()
                width_now = page.evaluate("document.documentElement.scrollWidth")
                assert width_now <= width
        finally:
            context.close()
