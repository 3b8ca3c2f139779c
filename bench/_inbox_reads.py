"""bench/inbox.py's reads: the inbox's first page, its poll and its search, each beside the bare
SQL of the same read.

The console's side goes through Django's whole request path in this process (the test
client: session, middleware, view, template or serializer), as an agent of the OA opens the
page and as an API client with a key reads it. The bare side runs the statements the ORM
generates for the same read on a cursor and fetches their rows: what no code could do faster
without another query plan.

Import after ``setup_django()``.
"""

from __future__ import annotations

import os
from urllib.parse import unquote

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import _inbox_data as data
from bench._common import Timing, measure
from bench._guard import Checks
from inbox.selectors.conversations import ConversationFilters, conversation_list
from inbox.selectors.search import conversation_search
from inbox.views.lists import PER_PAGE
from oa_console.models import LineAccount, User, Workspace
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from oa_console.tenancy import tenant_scope

REPEAT = int(os.environ.get("BENCH_INBOX_REPEAT", 60))
Rows = list[tuple[str, Timing, str]]


def _agent_client(agent: User) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(agent)
    return client


def _get(
    client: Client, url: str, checks: Checks, label: str, *, status: int = 200, **headers
) -> bytes:
    response = client.get(url, secure=True, **headers)
    checks.expect(response.status_code == status, f"{label}: answered {response.status_code}")
    return response.content


def _bare(sql: str, params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


def _first_page_sql(account: LineAccount, filters: ConversationFilters, size: int):
    with tenant_scope(workspace=account.workspace, account=account):
        queryset = conversation_list(account=account, filters=filters)[:size]
        return queryset.query.sql_with_params()


def scenario_list(workspace: Workspace, account: LineAccount, agent: User, checks: Checks) -> Rows:
    """The first page (page and API), the unchanged poll, beside the first page's bare SQL."""
    page_url = reverse("account_inbox", args=[workspace.slug, account.slug])
    client = _agent_client(agent)
    first = _get(client, page_url, checks, "inbox page")
    shown = first.count(b'data-testid="conversation-row"')
    checks.expect(shown == PER_PAGE, f"the inbox page shows {shown} rows, not {PER_PAGE}")
    token = api_key_create(workspace=workspace, name="Inbox bench", role=Role.ADMIN)[1]
    api_url = f"/api/v1/accounts/{account.pk}/conversations/"
    api = Client(raise_request_exception=True)
    answer = api.get(api_url, secure=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    checks.expect(answer.status_code == 200, f"conversations API answered {answer.status_code}")
    if answer.status_code == 200:
        body = answer.json()
        # The live scenario of earlier runs adds the conversations of friends new to the chat.
        checks.expect(body["count"] >= data.CONVERSATIONS, f"API count {body['count']}")
        checks.expect(len(body["results"]) == 50, "the API's first page is not 50 rows")
    sql, params = _first_page_sql(account, ConversationFilters(), PER_PAGE)
    checks.expect(_bare(sql, params) == PER_PAGE, "the bare first page is not a full page")
    version = _version_of(client, page_url, checks)
    timings = [
        measure("list: bare SQL of the first page", lambda: _bare(sql, params), repeat=REPEAT),
        measure(
            "list: inbox page (agent)",
            lambda: _get(client, page_url, checks, "inbox page"),
            repeat=REPEAT,
        ),
        measure(
            "list: API first page",
            lambda: api.get(api_url, secure=True, HTTP_AUTHORIZATION=f"Bearer {token}"),
            repeat=REPEAT,
        ),
        measure(
            "list: open inbox's poll, unchanged",
            lambda: _get(
                client,
                f"{page_url}?version={version}",
                checks,
                "poll",
                status=204,
                HTTP_HX_REQUEST="true",
                HTTP_HX_TARGET="inbox-rows",
            ),
            repeat=REPEAT,
        ),
    ]
    baseline = timings[0].name
    return [("list", timing, baseline) for timing in timings]


def _version_of(client: Client, url: str, checks: Checks) -> str:
    """The list's version as the page hands it to its poll (``version=`` in hx-get)."""
    content = _get(client, url, checks, "inbox page").decode()
    marker = "version="
    start = content.find(marker, content.find('id="inbox-rows"'))
    checks.expect(start > 0, "the inbox page has no poll version")
    end = content.find('"', start)
    return unquote(content[start + len(marker) : end].replace("&amp;", "&"))


SEARCHES = (
    ("order number", "A0012345", 1),
    ("coupon code", data.coupon_code(777), 1),
    ("product, Japanese", "ほうじ茶ラテ", 1),
    ("product, Chinese", "芒果冰沙", 1),
    ("product, Thai", "เค้กช็อกโกแลต", 1),
    ("friend's name", "Friend 123457", 1),
)


def scenario_search(
    workspace: Workspace, account: LineAccount, agent: User, checks: Checks
) -> Rows:
    """Each search's page (first page of results), beside the bare SQL of its reads: the
    statements the search ran, replayed on a cursor."""
    page_url = reverse("account_inbox", args=[workspace.slug, account.slug])
    client = _agent_client(agent)
    rows: Rows = []
    for label, query, at_least in SEARCHES:
        content = _get(client, f"{page_url}?q={query}", checks, f"search {label}")
        found = content.count(b'data-testid="conversation-row"')
        checks.expect(found >= at_least, f"search {label} ({query}) found {found} rows")
        name = f"search {label}"
        statements = _search_statements(account, query)
        bare = measure(f"{name}: bare SQL", lambda s=statements: _replay(s), repeat=REPEAT // 2)
        page = measure(
            f"{name}: inbox page",
            lambda q=query, n=name: _get(client, f"{page_url}?q={q}", checks, n),
            repeat=REPEAT // 2,
        )
        rows += [(name, bare, bare.name), (name, page, bare.name)]
    return rows


def _search_statements(account: LineAccount, query: str) -> list[str]:
    """The statements the search and its first page run (the gram statistics already cached,
    as they are but once every 10 minutes), captured as sent to PostgreSQL."""
    conversation_search(accounts=[account], query=query)
    with (
        tenant_scope(workspace=account.workspace, account=account),
        CaptureQueriesContext(connection) as captured,
    ):
        hits = conversation_search(accounts=[account], query=query)
        filters = ConversationFilters(query=query, hits=hits)
        list(conversation_list(account=account, filters=filters)[:PER_PAGE])
    return [query["sql"] for query in captured.captured_queries]


def _replay(statements: list[str]) -> int:
    """The statements again on a cursor, their rows fetched, nothing decrypted."""
    rows = 0
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            rows += len(cursor.fetchall())
    return rows
