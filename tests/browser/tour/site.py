"""The site a tour visits: the demo seeded once, its pages discovered from the URL
configuration, served like ``make run`` serves it (fixtures ``site`` and ``server``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
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

from tests.browser.tour.demo_routes import (
    DEMO_OBJECTS,
    DOWNLOAD_PATH,
    LOGINS,
    OWNER,
    _tourable_routes,
)
from tests.oa_console.tenant_world import (
    Route,
)

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
    """Every text of the demo's own data (names, titles, tags, message texts, journeys' event
    names and step labels, coupon names from LINE's exports…): shown as written in every language, so never "untranslated". In
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
        if model._meta.app_label not in {
            "oa_console",
            "segments",
            "broadcasts",
            "journeys",
            "insights",
            "inbox",  # the auto-reply rules' keywords and postback data ("menu=")
        }:
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
