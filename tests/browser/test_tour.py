"""The browser tour over the demo: every page of the console, as a newcomer meets it.

``seed_demo`` loads the demo once for the module; one Chromium visits every page as each demo
login at 1,366 px and at 390 px in English, and as the owner in every other language. Each page
fails the tour on:

- an HTTP status other than the one the login's role expects (200, or 403 for a page its role
  may not open: ``PAGE_CAPABILITIES``);
- a JavaScript error, a console error or a failed request;
- sideways scrolling (the document wider than the window), naming the elements that stick out;
- a Plotly chart that draws no point (or a line chart with a single point), a chart box that
  was never drawn, or a trace type the vendored Plotly bundle does not carry;
- text that looks like a raw code (``RAW_CODE_PATTERNS``);
- on a non-English page, English text: a run of words that are all the console's own English
  (the msgids of its catalogue), at least one of which the language's translations never use,
  and that is not the demo's own content (names, broadcast titles…) or an allowed word
  (``ALLOWED_WORDS``: brands, units). The language switcher is ``translate="no"``.

The pages come from the URL configuration, like the tenant sweep: every named route that
answers a GET with an HTML page for the owner is toured (405 = a form's action, 3xx = an alias,
a download's path ends in ``.csv``/``.svg``…), its object ids taken from the demo's first object
of the login's OA (``DEMO_OBJECTS``). A new page is toured without touching this file; a new URL
kwarg needs its ``DEMO_OBJECTS`` entry (``test_every_page_kwarg_has_a_demo_object``).

All failures of a tour are collected and reported in one assertion, so one run shows all of
them. The site is served like ``make run`` serves it: static files collected, gzip-compressed
and served by WhiteNoise. ``test_first_insights_page_load`` prints the cold first load of the
Insights page (a timing print, not a timing assert).
"""

from __future__ import annotations

import contextlib
import gettext
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.db import connections, models
from django.test import Client, override_settings
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from django.urls import reverse
from django.utils.translation import trans_real
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from oa_console.management.commands.seed_demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_WORKSPACES,
)
from oa_console.roles import Capability, role_allows
from tests.oa_console.test_tenant_isolation import (
    PUBLIC_NAMESPACES,
    PUBLIC_URL_NAMES,
    Route,
    all_routes,
)

# django_db: pytest-django creates the test database only for a session with tests marked so.
# Not transaction=True: that would flush the demo after the first tour (the module's fixture
# seeds it once and flushes it at the end).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = (1366, 390)
OTHER_LANGUAGES = ("zh-hant", "ja", "th", "id")
OWNER = "owner@demo.example"

# Pages a role may not open, by the capability they need; every other page is 200 for every
# login. (404 is what another tenant's object gives; a tour only visits its login's own.)
PAGE_CAPABILITIES: dict[str, Capability] = {
    "workspace_delete": Capability.DELETE_WORKSPACE,
    "workspace_security": Capability.REQUIRE_TWO_FACTOR,
    "member_list": Capability.MANAGE_MEMBERS,
    "member_invite": Capability.MANAGE_MEMBERS,
    "member_edit": Capability.MANAGE_MEMBERS,
    "api_key_list": Capability.MANAGE_API_KEYS,
    "audit_log": Capability.VIEW_AUDIT_LOG,
    "account_create": Capability.MANAGE_ACCOUNTS,
    "account_delete": Capability.MANAGE_ACCOUNTS,
    "broadcast_new": Capability.DRAFT_BROADCASTS,
    "broadcast_edit": Capability.DRAFT_BROADCASTS,
    "friend_personal_data": Capability.MANAGE_PERSONAL_DATA,
}

# Public routes with URL kwargs are links handed out (tokens, webhook keys, media), not pages
# of the console; public routes without kwargs are toured like the rest (login, API docs…).
DOWNLOAD_PATH = re.compile(r"\.[a-z]{2,4}$")

RAW_CODE_PATTERNS = (
    re.compile(r"from\d+to\d+"),  # LINE's age ranges
    re.compile(r"\b[a-z]{2}_\d+\b"),  # LINE's area codes (jp_14)
    re.compile(r"\.\d{6}\b"),  # an unformatted decimal (4249.000000)
    re.compile(r"\{'"),  # a Python dict printed as it is
)

# Words that stay as they are in every language: brand and product names, formats, units.
ALLOWED_WORDS = {
    "line",
    "oa",
    "console",
    "voom",
    "csv",
    "json",
    "api",
    "url",
    "urls",
    "qr",
    "rfm",
    "utc",
    "png",
    "jpeg",
    "webhook",
    "webhooks",
    "flex",
    "plotly",
    "htmx",
    # The word a person types to confirm erasing a friend's data, the same in every language.
    "erase",
}
WORD = re.compile(r"[A-Za-z]+(?:['\u2019-][A-Za-z]+)*")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}")


@dataclass(frozen=True)
class Login:
    email: str
    role: str
    workspace: str
    account: str
    limited: bool


def _demo_logins() -> dict[str, Login]:
    """Each demo login with the workspace and the OA its tour visits (its first of each)."""
    first_oa = {spec.slug: spec.oas[0].slug for spec in DEMO_WORKSPACES}
    logins = {}
    for spec in DEMO_LOGINS:
        workspace, role, oa_slugs = spec.memberships[0]
        account = oa_slugs[0] if oa_slugs else first_oa[workspace]
        logins[spec.email] = Login(spec.email, str(role), workspace, account, bool(oa_slugs))
    return logins


LOGINS = _demo_logins()
TOURS = [(email, width, "en") for email in LOGINS for width in WIDTHS] + [
    (OWNER, WIDTHS[0], language) for language in OTHER_LANGUAGES
]


# --- the demo's first object of each kind, per URL kwarg ------------------------------------


def _first(model_path: str, **filters) -> Any:
    model = apps.get_model(model_path)
    return model._base_manager.filter(**filters).order_by("pk").first()


def _pk(model_path: str, scope: str) -> Callable[[Any, Any], Any]:
    def provide(workspace, account):
        found = _first(model_path, **{scope: workspace if scope == "workspace" else account})
        return found.pk if found else None

    return provide


def _insight_broadcast_key(workspace, account) -> str | None:
    from insights.metrics.broadcasts import broadcast_key

    record = _first("insights.InsightRecord", account=account, report="broadcasts")
    return broadcast_key(record.key) if record else None


def _attr(model_path: str, attribute: str) -> Callable[[Any, Any], Any]:
    def provide(workspace, account):
        found = _first(model_path, account=account)
        return getattr(found, attribute) if found else None

    return provide


DEMO_OBJECTS: dict[str, Callable[[Any, Any], Any]] = {
    "workspace_slug": lambda workspace, account: workspace.slug,
    "workspace": lambda workspace, account: workspace.slug,
    "account_slug": lambda workspace, account: account.slug,
    "account_id": lambda workspace, account: account.pk,
    "membership_id": _pk("oa_console.Membership", "workspace"),
    "invitation_id": _pk("oa_console.Invitation", "workspace"),
    "api_key_id": _pk("oa_console.ApiKey", "workspace"),
    "line_user_id": _attr("segments.Friend", "line_user_id"),
    "event_id": _pk("webhooks.WebhookEvent", "account"),
    "job_id": _pk("insights.ImportJob", "account"),
    "report": _attr("insights.InsightRecord", "report"),
    "segment_id": _pk("segments.Segment", "account"),
    "tag_id": _pk("segments.Tag", "account"),
    "broadcast_id": _pk("broadcasts.Broadcast", "account"),
    "family_id": _pk("segments.TagFamily", "account"),
    "rule_id": _pk("segments.TagRule", "account"),
    "broadcast_key": _insight_broadcast_key,
    "link_id": _pk("segments.CampaignLink", "account"),
    "attribute_id": _pk("segments.AttributeDefinition", "account"),
    "request_id": _attr("insights.BroadcastRequest", "request_id"),
}


def _tourable_routes() -> list[Route]:
    """Routes that may be pages: tenant routes and public routes without URL kwargs, minus the
    admin site, the API (JSON) and downloads."""
    routes = []
    for route in all_routes():
        if route.name.split(":")[0] in PUBLIC_NAMESPACES or "account_id" in route.kwargs:
            continue
        if route.name in PUBLIC_URL_NAMES and route.kwargs:
            continue
        routes.append(route)
    return routes


def test_every_page_kwarg_has_a_demo_object():
    missing = {
        f"{route.name}: {kwarg}"
        for route in _tourable_routes()
        for kwarg in route.kwargs
        if kwarg not in DEMO_OBJECTS
    }
    assert not missing, f"Add DEMO_OBJECTS entries for: {sorted(missing)}"


# --- the site: the demo, served like make run serves it -------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    path: str


@dataclass
class Site:
    pages: dict[str, list[Page]]  # per login e-mail
    problems: dict[str, list[str]]  # per login e-mail: pages that could not be toured
    content: set[str] = field(default_factory=set)


def _url_for(route: Route, workspace, account) -> tuple[str | None, list[str]]:
    kwargs, absent = {}, []
    for kwarg in route.kwargs:
        value = DEMO_OBJECTS[kwarg](workspace, account)
        if value is None:
            absent.append(kwarg)
        kwargs[kwarg] = value
    if absent:
        return None, absent
    return reverse(route.name, kwargs=kwargs), []


def _placeholder_url(route: Route, workspace, account) -> str:
    kwargs = {kwarg: DEMO_OBJECTS[kwarg](workspace, account) or 0 for kwarg in route.kwargs}
    return reverse(route.name, kwargs=kwargs)


def _discover_pages(site: Site) -> None:
    """Classify every route once, as the owner (who may open everything), then build each
    login's URLs from its own workspace and OA."""
    from oa_console.models import LineAccount, User, Workspace

    owner = LOGINS[OWNER]
    client = Client()
    client.force_login(User.objects.get(email=OWNER))
    workspace = Workspace.objects.get(slug=owner.workspace)
    account = LineAccount.unscoped.get(workspace=workspace, slug=owner.account)
    names = []
    for route in _tourable_routes():
        path, absent = _url_for(route, workspace, account)
        # Without a demo object, a placeholder id still tells a form's action (405) apart.
        url = path or _placeholder_url(route, workspace, account)
        if DOWNLOAD_PATH.search(url):
            continue  # a CSV export, a QR code image
        response = client.get(url)
        if response.status_code == 405:
            continue  # a form's action
        if path is None:
            site.problems[OWNER].append(
                f"{route.name}: not toured, the demo has no {', '.join(absent)} in {account.slug}"
            )
            continue
        if 300 <= response.status_code < 400:
            continue  # an alias of another page
        if not response.get("Content-Type", "").startswith("text/html"):
            continue  # JSON, a schema, a file
        if b"<html" not in response.content[:500].lower():
            continue  # a fragment that htmx polls or swaps into its page
        names.append(route)
    for email, login in LOGINS.items():
        workspace = Workspace.objects.get(slug=login.workspace)
        account = LineAccount.unscoped.get(workspace=workspace, slug=login.account)
        for route in names:
            path, absent = _url_for(route, workspace, account)
            if path is None:
                site.problems[email].append(
                    f"{route.name}: not toured, the demo has no {', '.join(absent)} "
                    f"in {account.slug}"
                )
                continue
            site.pages[email].append(Page(route.name, path))


CODE = re.compile(r"[a-z][a-z0-9_]*")


def _demo_content() -> set[str]:
    """Every text of the demo's own data (names, titles, tags, message texts, coupon names
    from LINE's exports…): shown as written in every language, so never "untranslated". In
    LINE's data (the insights app) values that look like codes (``female``, ``flyer``,
    ``from25to29``) are not content: a page must show them as names."""
    texts: set[str] = set()
    codes_are_content = True

    def collect(value: Any) -> None:
        if isinstance(value, str):
            value = value.strip()
            if len(value) >= 3 and (codes_are_content or not CODE.fullmatch(value)):
                texts.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for model in apps.get_models():
        if model._meta.app_label not in {"oa_console", "segments", "broadcasts", "insights"}:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not f.choices
        ]
        if not fields:
            continue
        codes_are_content = model._meta.app_label != "insights"
        for row in model._base_manager.values_list(*fields)[:20000]:
            for value in row:
                collect(value)
    return texts


class SerialServerThread(LiveServerThread):
    """A live server that answers one request at a time. On SQLite the test database lives in
    memory and every request uses the test's one connection: two requests at once (a page and
    its favicon, an htmx call) would use it from two threads together ("database table is
    locked"). Django closes each HTTP connection of a server without threads, so a browser's
    parallel requests simply queue."""

    def _create_server(self, connections_override=None) -> WSGIServer:
        return WSGIServer(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False
        )


def _flush_database() -> None:
    for alias in connections:
        call_command("flush", interactive=False, verbosity=0, database=alias)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Site]:
    """The demo in the test database and a live server for the whole module.

    pytest-django's ``live_server`` would flush the database after every test (it requires
    ``transactional_db``) and serve static files through Django's own uncompressed handler;
    this server keeps the demo for all tours and serves static files through WhiteNoise from
    collected, gzip-compressed copies, as ``make run`` does."""
    static_root = Path(settings.STATIC_ROOT) / "tour"  # kept between runs: compressed once
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "oa_console.static_storage.ChangedFilesCompressedStorage"},
    }
    with (
        django_db_blocker.unblock(),
        override_settings(STATIC_ROOT=static_root, STORAGES=storages, WHITENOISE_USE_FINDERS=False),
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("seed_demo", verbosity=0)
        site = Site(pages={e: [] for e in LOGINS}, problems={e: [] for e in LOGINS})
        _discover_pages(site)
        site.content = _demo_content()
        try:
            yield site
        finally:
            _flush_database()


@pytest.fixture
def server(site, db) -> Iterator[str]:
    """The live server, one per test. Started after the test's own database transaction: on
    SQLite the test database is in memory and the server must use that very connection (a
    second connection would wait on the transaction's lock)."""
    shared = {
        alias: connections[alias]
        for alias in connections
        if connections[alias].vendor == "sqlite" and connections[alias].is_in_memory_db()
    }
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread = SerialServerThread("localhost", lambda app: app, connections_override=shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield f"http://localhost:{thread.port}"
    finally:
        thread.terminate()
        for connection in shared.values():
            connection.dec_thread_sharing()


# --- one page's checks ---------------------------------------------------------------------

# A function, not an expression: the console's Content-Security-Policy forbids the page to
# evaluate strings, which Playwright does for an expression it polls.
ALL_CHARTS_DRAWN_JS = (
    "() => document.querySelectorAll('[data-plotly-figure]:not(.js-plotly-plot)').length === 0"
)

PAGE_FACTS_JS = r"""() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  const wide = [];
  if (root.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const right = el.getBoundingClientRect().right;
      const parent = el.parentElement.getBoundingClientRect().right;
      if (right > width + 1 && parent <= width + 1 && wide.length < 5) {
        wide.push(describe(el) + ' (' + Math.round(right) + ' px)');
      }
    }
  }
  const charts = [];
  for (const el of document.querySelectorAll('.js-plotly-plot')) {
    const full = el._fullData || [];
    let points = 0;
    const missing = [];
    let lines = 0, longest = 0;
    (el.data || []).forEach((trace, i) => {
      const type = trace.type || 'scatter';
      if (!full[i] || full[i].type !== type) { missing.push(type); return; }
      const values = type === 'pie' ? trace.values : (trace.orientation === 'h' ? trace.x : trace.y);
      const known = Array.from(values || []).filter(v => v !== null && v !== undefined && v !== '').length;
      points += known;
      if (type === 'scatter') { lines += 1; longest = Math.max(longest, known); }
    });
    const title = el.layout && el.layout.title ? (el.layout.title.text || el.layout.title) : '';
    charts.push({id: el.id, title: String(title), points: points, missing: missing,
                 singlePoint: lines > 0 && lines === (el.data || []).length && longest === 1});
  }
  const undrawn = Array.from(document.querySelectorAll('[data-plotly-figure]'))
    .filter(box => !box.classList.contains('js-plotly-plot')).map(box => box.id);
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'PRE', 'CODE', 'KBD', 'SAMP', 'TEXTAREA']);
  const skipped = (el) => { for (let p = el; p; p = p.parentElement) { if (SKIP.has(p.tagName) || p.getAttribute('translate') === 'no') return true; } return false; };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.nodeValue.replace(/\s+/g, ' ').trim();
    if (text && !skipped(walker.currentNode.parentElement)) texts.push(text);
  }
  for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')) {
    if (skipped(el)) continue;
    for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) texts.push(value.trim());
    }
  }
  return {scrollWidth: root.scrollWidth, width: width, wide: wide, charts: charts, undrawn: undrawn, texts: texts};
}"""


@dataclass
class Catalogue:
    """The console's English words (its msgids) and the Latin words a language's own
    translations use (brand names, words the language shares with English)."""

    english: set[str]
    native: set[str]


def _words(text: str) -> list[str]:
    return [word.lower() for word in WORD.findall(PLACEHOLDER.sub(" ", text)) if len(word) >= 3]


def _catalogue(language: str) -> Catalogue:
    folder = {"zh-hant": "zh_Hant"}.get(language, language)
    path = settings.BASE_DIR / "locale" / folder / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as mo:
        entries = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    english: set[str] = set()
    for msgid in entries:
        source = msgid[0] if isinstance(msgid, tuple) else msgid
        english.update(_words(source.split("\x04")[-1]))  # without a msgctxt
    # The language's own words come from every catalogue Django loads for it (its calendar's
    # "Min" for Sunday in Indonesian is Django's, not the console's).
    merged = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    native: set[str] = set()
    for _msgid, msgstr in merged.items():
        native.update(_words(msgstr))
    return Catalogue(english, native)


def _untranslated(text: str, catalogue: Catalogue, content: set[str]) -> bool:
    words = _words(text)
    known = catalogue.english | catalogue.native | ALLOWED_WORDS
    if not words or any(word not in known for word in words):
        return False  # not the console's English (a name, a place, the language itself)
    if not any(w in catalogue.english - catalogue.native - ALLOWED_WORDS for w in words):
        return False
    return text not in content and not any(len(c) >= 4 and c in text for c in content)


def _page_failures(
    facts: dict, *, language: str, catalogue: Catalogue | None, content: set[str]
) -> list[str]:
    failures = []
    if facts["scrollWidth"] > facts["width"]:
        failures.append(
            f"scrolls sideways: {facts['scrollWidth']} px wide in a {facts['width']} px window"
            f" ({', '.join(facts['wide']) or 'no single element'})"
        )
    for chart in facts["charts"]:
        name = chart["title"] or chart["id"]
        if chart["missing"]:
            failures.append(
                f"chart {name!r}: trace type {chart['missing']} is not in the Plotly bundle"
            )
        elif chart["points"] == 0:
            failures.append(f"chart {name!r} has no points")
        elif chart["singlePoint"]:
            failures.append(f"chart {name!r} draws a single point: no line to read")
    for box in facts["undrawn"]:
        failures.append(f"chart box {box!r} was never drawn")
    seen: set[str] = set()
    for text in facts["texts"]:
        if text in seen:
            continue
        seen.add(text)
        for pattern in RAW_CODE_PATTERNS:
            if pattern.search(text):
                failures.append(f"raw code {pattern.pattern!r}: {text[:120]!r}")
                break
        if catalogue is not None and _untranslated(text, catalogue, content):
            failures.append(f"untranslated ({language}): {text[:120]!r}")
    return failures


def _expected_status(page: Page, login: Login) -> int:
    capability = PAGE_CAPABILITIES.get(page.name)
    if capability is not None and not role_allows(login.role, capability, limited=login.limited):
        return 403
    return 200


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
