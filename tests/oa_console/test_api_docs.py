"""API documentation: every operation is described in its own words, the roles it names are
the roles it lets in, and the docs page loads nothing from outside the console.

The schema is walked as drf-spectacular generates it for /api/v1/schema/, so a new operation
joins these checks by itself.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework.response import Response

from oa_console.api.base import TenantApiView
from oa_console.roles import ROLE_RANK, Role
from oa_console.services.api_keys import api_key_create
from tests.oa_console.tenant_world import FOREIGN_KWARG_PROVIDERS, World

METHODS = ("get", "post", "put", "patch", "delete")
WHO = re.compile(r"\*\*Who may call it:\*\* (?P<who>[^\n]+)")


def _schema(patterns=None) -> dict:
    return SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, url, operation)
        for url, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def description_problems(schema: dict) -> list[str]:
    """Every operation without a description of its own, or sharing one with another."""
    problems = []
    seen: dict[str, str] = {}
    seen_summaries: dict[str, str] = {}
    for method, url, operation in _operations(schema):
        name = f"{method.upper()} {url}"
        description = (operation.get("description") or "").strip()
        summary = (operation.get("summary") or "").strip()
        if not description:
            problems.append(f"{name}: no description")
            continue
        if "Subclasses call" in description:
            problems.append(f"{name}: described by TenantApiView's docstring")
        for part in ("**Returns**", "**Who may call it:**", "**Errors**"):
            if part not in description:
                problems.append(f"{name}: no {part} part")
        what = description.split("\n\n", 1)[0]
        if what in seen:
            problems.append(f"{name}: same description as {seen[what]}")
        seen.setdefault(what, name)
        if not summary:
            problems.append(f"{name}: no summary")
        elif summary in seen_summaries:
            problems.append(f"{name}: same summary as {seen_summaries[summary]}")
        seen_summaries.setdefault(summary, name)
    return problems


def test_every_operation_has_its_own_description():
    operations = _operations(_schema())
    assert len(operations) >= 60
    assert description_problems(_schema()) == []


class _Undocumented(TenantApiView):
    def get(self, request, account_id: int):
        return Response({})


class _AlsoUndocumented(TenantApiView):
    def get(self, request, account_id: int):
        return Response({})


def test_a_view_without_its_own_description_is_caught():
    """Inherited docstrings (TenantApiView's) never describe an operation, and the check above
    names an undocumented one."""
    schema = _schema(
        [
            path("a/<int:account_id>/", _Undocumented.as_view()),
            path("b/<int:account_id>/", _AlsoUndocumented.as_view()),
        ]
    )
    assert [op.get("description", "") for _m, _u, op in _operations(schema)] == ["", ""]
    assert description_problems(schema) == [
        "GET /a/{account_id}/: no description",
        "GET /b/{account_id}/: no description",
    ]


def _minimum_role(description: str) -> str:
    """The lowest role the description lets in ("marketers, admins and owners" → marketer)."""
    who = WHO.search(description)["who"]
    if who.startswith("any member"):
        return Role.AGENT
    first = who.split(" ", 1)[0].rstrip(",")
    return first.removesuffix("s")


@pytest.mark.django_db
def test_the_roles_each_operation_names_are_the_roles_it_lets_in(
    workspace, account, other_workspace, other_account
):
    """Each operation, called with an API key one role below the lowest role its description
    names, answers 403; called at that role it does not. The objects in its path exist, so a
    403 can only come from the role check."""
    world = World(workspace, account, account, other_workspace, other_account)
    keys = {
        role: api_key_create(workspace=other_workspace, name=role, role=role)[1]
        for role in ROLE_RANK
    }
    below = {rank: role for role, rank in ROLE_RANK.items()}
    checked = 0
    # Deletions last, so every other operation finds the objects of its path.
    operations = sorted(_operations(_schema()), key=lambda op: op[0] == "delete")
    for method, url, operation in operations:
        minimum = _minimum_role(operation["description"])
        kwargs = {
            name: FOREIGN_KWARG_PROVIDERS[name](world) for name in re.findall(r"{(\w+)}", url)
        }
        target = url.format(**kwargs)

        def call(role: str, target=target, method=method) -> int:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {keys[role]}")
            return getattr(client, method)(target, {}, content_type="application/json").status_code

        if ROLE_RANK[minimum] > 0:
            lower = below[ROLE_RANK[minimum] - 1]
            assert call(lower) == 403, f"{method.upper()} {url} let a {lower} in"
        allowed = call(minimum)
        assert allowed not in (401, 403), f"{method.upper()} {url} refused a {minimum}: {allowed}"
        checked += 1
    assert checked >= 60


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


@pytest.mark.django_db
def test_docs_page_asks_only_the_console_for_its_files():
    html = Client().get("/api/v1/docs/").content.decode()
    assets = _Assets()
    assets.feed(html)
    assert assets.urls, "the docs page loads no files at all"
    for url in assets.urls:
        assert url.startswith("/"), f"the docs page loads {url} from outside the console"
        assert not url.startswith("//"), f"the docs page loads {url} from outside the console"
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), f"{url} is not a static file"
    assert "fonts.googleapis" not in html and "cdn." not in html
    # Swagger UI's start-up script is a file of its own (no inline script: the CSP allows none).
    script = Client().get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert '"validatorUrl": null' in script.content.decode()  # no online validator badge


@pytest.mark.django_db
def test_docs_page_marks_the_english_reference_as_english_in_every_language(settings):
    """The reference is the API's own English words; a Japanese user's page says so, so that
    browsers do not offer to translate it and the untranslated-text checks leave it be."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    html = client.get("/api/v1/docs/").content.decode()
    assert re.search(r'<div id="swagger-ui" lang="en" translate="no">\s*</div>', html)
    assert html.count('id="swagger-ui"') == 1
