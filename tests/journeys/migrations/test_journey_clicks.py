"""The migration that creates ``JourneyClick`` copies the clicks the activity hub still holds:
a journey's clicks are the same the day after the upgrade, and a click that names no journey of
its OA, or holds what no journey send signs, stays out.

The migration is found by what it does (it creates the model), not by its number, which may
change when migrations of the app are merged."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import CreateModel

from journeys.models import JourneyClick
from journeys.selectors.stats import node_stats
from oa_console.activity.models import Activity
from tests.journeys.journey_rows import JourneyFactory, publish
from tests.segments.factories import FriendFactory

AT = datetime(2026, 3, 2, 4, 5, 6, tzinfo=UTC)
SHOP = "https://shop.example/sale"


def _creating_migration(executor: MigrationExecutor) -> tuple[str, str]:
    (key,) = [
        key
        for key, migration in executor.loader.graph.nodes.items()
        if key[0] == "journeys"
        and any(
            isinstance(operation, CreateModel) and operation.name == "JourneyClick"
            for operation in migration.operations
        )
    ]
    return key


def _copy(executor: MigrationExecutor, key: tuple[str, str]):
    return sys.modules[type(executor.loader.graph.nodes[key]).__module__].copy_journey_clicks


def _click(account, *, at=AT, friend_id=None, **payload) -> Activity:
    return Activity.unscoped.create(
        account=account,
        kind=Activity.Kind.LINK_CLICK,
        friend_id=friend_id,
        occurred_at=at,
        payload=payload,
    )


def _hub_clicks(account, other_account):
    """The log as an upgrade finds it: six clicks of journeys and four that are not."""
    journey = JourneyFactory(account=account)
    publish(journey)
    theirs = JourneyFactory(account=other_account)
    friend = FriendFactory(account=account)
    gone_id = friend.pk + 1000  # a friend row deleted since (the hub's id is a plain integer)
    # Per friend, twice on the reminder; per step (no friend) on the reminder and the coupon.
    _click(account, friend_id=friend.pk, url=SHOP, journey_id=journey.pk, node_id="reminder")
    _click(
        account,
        at=AT + timedelta(days=3),
        friend_id=friend.pk,
        url=SHOP,
        journey_id=journey.pk,
        node_id="reminder",
    )
    _click(account, url=SHOP, journey_id=journey.pk, node_id="reminder")
    _click(account, url=SHOP, journey_id=journey.pk, node_id="coupon")
    # The friend is gone: the click still counts, as no one's.
    _click(account, friend_id=gone_id, url=SHOP, journey_id=journey.pk, node_id="coupon")
    # The other OA's own click of its own journey.
    _click(other_account, url=SHOP, journey_id=theirs.pk, node_id="coupon")
    # Not journey clicks: a broadcast's, another OA's journey named, a journey since deleted,
    # a node id no graph allows.
    _click(account, friend_id=friend.pk, url=SHOP, broadcast_id=7, click_id=1)
    _click(account, url=SHOP, journey_id=theirs.pk, node_id="coupon")
    _click(account, url=SHOP, journey_id=10**9, node_id="coupon")
    _click(account, url=SHOP, journey_id=journey.pk, node_id="x" * 41)
    return journey, theirs, friend


@pytest.mark.django_db
def test_the_copy_keeps_each_journeys_clicks_per_node_and_friend(account, other_account, scope):
    journey, theirs, friend = _hub_clicks(account, other_account)
    executor = MigrationExecutor(connection)
    key = _creating_migration(executor)
    historical = executor.loader.project_state(key).apps
    # Three rows a batch: the batches' edges fall between the clicks of every kind.
    assert _copy(executor, key)(historical, None, batch_size=3) == 6

    rows = sorted(
        JourneyClick.unscoped.values_list(
            "account_id", "journey_id", "node_id", "friend_id", "url", "clicked_at"
        ),
        key=lambda row: (row[0], row[2], row[3] or 0, row[5]),
    )
    assert rows == [
        (account.pk, journey.pk, "coupon", None, SHOP, AT),
        (account.pk, journey.pk, "coupon", None, SHOP, AT),
        (account.pk, journey.pk, "reminder", None, SHOP, AT),
        (account.pk, journey.pk, "reminder", friend.pk, SHOP, AT),
        (account.pk, journey.pk, "reminder", friend.pk, SHOP, AT + timedelta(days=3)),
        (other_account.pk, theirs.pk, "coupon", None, SHOP, AT),
    ]
    stats = node_stats(account=account, journey=journey)
    assert (stats["reminder"].clicks, stats["coupon"].clicks) == (3, 2)


@pytest.mark.django_db(transaction=True)
def test_upgrading_copies_the_logs_clicks_and_downgrading_drops_the_table(account, other_account):
    executor = MigrationExecutor(connection)
    key = _creating_migration(executor)
    before = executor.loader.graph.node_map[key].parents
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([parent.key for parent in before if parent.key[0] == "journeys"])
    assert "journeys_journeyclick" not in connection.introspection.table_names()
    _journey, _theirs, friend = _hub_clicks(account, other_account)

    MigrationExecutor(connection).migrate(leaves)

    assert JourneyClick.unscoped.filter(account=account).count() == 5
    assert JourneyClick.unscoped.filter(friend=friend).count() == 2
    # The activities stay: the hub prunes them in its own time.
    assert Activity.unscoped.filter(kind=Activity.Kind.LINK_CLICK).count() == 10
