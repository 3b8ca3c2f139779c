"""The data bench/journeys.py generates and removes: its OAs, journeys from the starters,
enrolments waiting at the cart journey's 1-hour wait and product views, in bulk SQL (an
``INSERT ... SELECT`` each, as the other benches generate friends), and the set-based cleanup.

Import after ``setup_django()``.
"""

from __future__ import annotations

import copy
import json
import uuid

from django.db import connection

from bench._broadcasts_setup import generate_friends
from journeys.models import Journey
from journeys.services import journeys as journey_services
from journeys.services import workflow
from journeys.starters import STARTERS
from oa_console.models import LineAccount, Workspace
from oa_console.tenancy import tenant_scope
from segments.models import SendingRules

CART_WAIT_NODE = "wait_1h"
CART_ITEM = {
    "name": "Sneakers",
    "price": "1,200",
    "url": "https://shop.example/p/1",
    "image_url": "https://shop.example/p/1.jpg",
}
CART = {
    "cart_id": "c",
    "total": 1200,
    "checkout_url": "https://shop.example/cart",
    "items": [CART_ITEM],
}
VIEWED_ITEM = "bench-sku-1"


def create_account(workspace: Workspace, slug: str, *, friends: int, first: int) -> LineAccount:
    """An OA with ``friends`` following friends (user ids from ``first``), no frequency cap and
    no quiet hours: the bench times the engine, not the governance holding sends back."""
    account = LineAccount.unscoped.create(
        workspace=workspace,
        slug=slug,
        display_name=f"Bench {slug}",
        channel_id=str(8_000_000_000 + uuid.uuid4().int % 1_000_000_000),
        channel_secret="0" * 32,
        access_token="bench-token",
    )
    SendingRules.unscoped.create(account=account, cap_enabled=False, quiet_enabled=False)
    generate_friends(account, friends, first=first)
    return account


def journey_activate(
    workspace: Workspace,
    account: LineAccount,
    name: str,
    *,
    starter: str,
    graph: dict | None = None,
) -> Journey:
    """A journey from a starter (or a graph adapted from one), activated through the services
    the API calls."""
    with tenant_scope(workspace=workspace, account=account):
        journey = journey_services.journey_create(
            account=account,
            user=None,
            name=name,
            starter=None if graph else starter,
            graph=graph,
            strict=graph is not None,
        )
        return workflow.journey_activate(account=account, journey=journey, user=None)


def price_drop_graph() -> dict:
    """The price-drop starter with the friend's name left out of its alert: identical messages
    are what the engine groups into multicasts (a ``{displayName}`` makes each one a push)."""
    graph = copy.deepcopy(STARTERS["price_drop"].graph("en"))
    for message in graph["nodes"]["alert"]["messages"]:
        if message.get("type") == "text":
            message["text"] = message["text"].replace("{displayName}, ", "")
    return graph


def waiting_enrolments(
    journey: Journey, *, count: int, prefix: str, due_sql: str, params: list, skip: int = 0
) -> None:
    """``count`` enrolments of the OA's friends (by id, after the first ``skip``) waiting at the
    cart journey's 1-hour wait, as the runner leaves them: step 1 (the wait, the first node,
    reached), the cart in their trigger properties, entered 1 hour before they fall due.
    ``due_sql`` gives each row's ``next_run_at`` from ``rn`` (1..count)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO journeys_enrolment (account_id, journey_id, version_id, friend_id,
                node_id, state, next_run_at, trigger_properties, dedupe_key, entered_at,
                ended_at, step, waiting_for, goal_until, arm, attempts, is_test, exit_reason)
            SELECT %s, %s, %s, f.id, %s, 'waiting', due.at, %s::jsonb, %s || f.rn,
                due.at - interval '1 hour', NULL, 1, '', NULL, '', 0, false, ''
            FROM (
                SELECT id, row_number() OVER (ORDER BY id) AS rn FROM segments_friend
                WHERE account_id = %s ORDER BY id OFFSET %s LIMIT %s
            ) AS f, LATERAL (SELECT {due_sql} AS at) AS due
            """,
            [
                journey.account_id,
                journey.pk,
                journey.active_version_id,
                CART_WAIT_NODE,
                json.dumps(CART),
                prefix,
                journey.account_id,
                skip,
                count,
                *params,
            ],
        )
        cursor.execute("ANALYZE journeys_enrolment")


def product_views(account: LineAccount, *, viewers: int, skip: int = 0) -> None:
    """One ``product_viewed`` event of the bench's item by each of ``viewers`` friends of the OA
    (by id, after the first ``skip``), at a random time of the last 10 days (the starter looks
    back 14)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO segments_customevent (account_id, friend_id, name, occurred_at,
                properties, amount, currency, idempotency_key, source, received_at)
            SELECT account_id, id, 'product_viewed',
                now() - random() * interval '10 days',
                jsonb_build_object('item_id', %s::text), NULL, '', 'bench-view-' || id, 'import', now()
            FROM segments_friend WHERE account_id = %s ORDER BY id OFFSET %s LIMIT %s
            """,
            [VIEWED_ITEM, account.pk, skip, viewers],
        )
        cursor.execute("ANALYZE segments_customevent")


# Children before parents; every table holds the OA's id, so each delete is one statement.
_TABLES = (
    "journeys_conversion",
    "journeys_journeysend",
    "journeys_enrolmentstep",
    "journeys_enrolment",
    "journeys_itemevent",
    "broadcasts_heldback",
    "broadcasts_broadcastbatch",
    "broadcasts_broadcastvariant",
    "broadcasts_broadcast",
    "segments_customevent",
    "oa_console_activity",
    "segments_friend",
)


def cleanup(workspace: Workspace) -> None:
    """Set-based deletes for the million-row tables (Django's cascade would load every row),
    then the ordinary delete of the workspace and what is left of it."""
    accounts = list(LineAccount.unscoped.filter(workspace=workspace).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for table in _TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE account_id = ANY(%s)", [accounts])
    Journey.unscoped.filter(account_id__in=accounts).update(active_version=None)
    Workspace.objects.filter(pk=workspace.pk).delete()


def cart_carousel() -> dict:
    """The cart reminder's Flex carousel as a friend with the bench's cart gets it (its one
    bubble filled in), for a baseline that sends the same bubbles by another path."""
    reminder = STARTERS["cart_abandonment"].graph()["nodes"]["reminder"]
    text = json.dumps(reminder["messages"][1])
    for key, value in CART_ITEM.items():
        text = text.replace("{item." + key + "}", value)
    return json.loads(text)
