"""The set-attribute node in the runner's batch: one set-based write per attribute for the whole
batch, with the same values, ``attribute_changed`` activities and journal lines as setting each
friend one after the other; a branch after it sees the friend's new value; a failing friend's
value is never written."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeys.engine.nodes import EXECUTORS
from journeys.engine.runner import enrolments_advance_due
from journeys.models import EnrolmentStep, JourneySend
from oa_console.activity.models import Activity
from segments.models import AttributeDefinition, FriendAttribute
from segments.services.friend_attributes import friend_attribute_set, friend_attributes_set
from tests.journeys.engine.conftest import graph_with
from tests.journeys.engine.test_runner import enrol
from tests.journeys.engine.test_runner_batch import failing_for
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)


def set_graph(*nodes: dict) -> dict:
    """Set-attribute nodes one after the other, then the exit."""
    names = [f"set{i}" for i in range(len(nodes))]
    edges = {name: {"next": after} for name, after in zip(names, [*names[1:], "end"], strict=True)}
    return graph_with(
        start=names[0],
        nodes={**dict(zip(names, nodes, strict=True)), "end": {"type": "exit"}},
        edges=edges,
    )


def values(account, definition, column: str) -> dict[int, object]:
    return dict(
        FriendAttribute.objects.for_account(account)
        .filter(definition=definition)
        .values_list("friend_id", column)
    )


def published(account) -> list[tuple[int, dict]]:
    """Each friend's ``attribute_changed`` activities, in the order they were published."""
    return list(
        Activity.objects.for_account(account)
        .filter(kind="attribute_changed")
        .order_by("friend_id", "pk")
        .values_list("friend_id", "payload")
    )


def details(account, enrolments, node_id: str) -> list[dict]:
    return [
        EnrolmentStep.objects.for_account(account)
        .get(enrolment=enrolment, kind="passed", node_id=node_id)
        .detail
        for enrolment in enrolments
    ]


@pytest.fixture
def tier(account, scope):
    return AttributeDefinition.objects.create(account=account, key="tier", label="T", type="text")


@pytest.fixture
def points(account, scope):
    return AttributeDefinition.objects.create(
        account=account, key="points", label="P", type="number"
    )


def test_a_batch_sets_every_friend_and_publishes_what_changed(account, make_journey, tier):
    friends = [FriendFactory(account=account) for _ in range(3)]
    # The first is gold already, the second silver; the third has no value.
    friend_attribute_set(account=account, friend=friends[0], key="tier", value="gold")
    friend_attribute_set(account=account, friend=friends[1], key="tier", value="silver")
    Activity.objects.for_account(account).delete()
    journey = make_journey(
        set_graph({"type": "set_attribute", "attribute": "tier", "value": "gold"})
    )
    enrolments = [enrol(account, journey, friend) for friend in friends]

    assert enrolments_advance_due(now=NOW) == 3

    assert values(account, tier, "value_text") == {friend.pk: "gold" for friend in friends}
    change = {"attribute": "tier", "value": "gold"}
    assert published(account) == [(friends[1].pk, change), (friends[2].pk, change)]
    assert details(account, enrolments, "set0") == [
        {"changed": False},
        {"changed": True},
        {"changed": True},
    ]


def test_values_from_the_event_are_typed_per_friend_and_skipped_when_unfit(
    account, make_journey, points
):
    friends = [FriendFactory(account=account) for _ in range(4)]
    friend_attribute_set(account=account, friend=friends[0], key="points", value="12")
    Activity.objects.for_account(account).delete()
    journey = make_journey(
        set_graph({"type": "set_attribute", "attribute": "points", "from_event": "total"})
    )
    properties = [{"total": 12}, {"total": "30.5"}, {"total": "lots"}, {}]
    enrolments = [
        enrol(account, journey, friend, props)
        for friend, props in zip(friends, properties, strict=True)
    ]

    enrolments_advance_due(now=NOW)

    assert values(account, points, "value_number") == {
        friends[0].pk: Decimal("12"),
        friends[1].pk: Decimal("30.5"),
    }
    assert published(account) == [(friends[1].pk, {"attribute": "points", "value": "30.5"})]
    assert details(account, enrolments, "set0") == [
        {"changed": False},
        {"changed": True},
        {"skipped": "invalid", "error": "a number was expected"},
        {"skipped": "no_value"},
    ]


def test_an_unknown_attribute_is_skipped_with_its_reason(account, make_journey, tier):
    friend = FriendFactory(account=account)
    journey = make_journey(set_graph({"type": "set_attribute", "attribute": "gone", "value": "x"}))
    enrolment = enrol(account, journey, friend)
    enrolments_advance_due(now=NOW)
    assert details(account, [enrolment], "set0") == [
        {"skipped": "invalid", "error": "no attribute gone"}
    ]
    assert not FriendAttribute.objects.for_account(account).exists()


def test_a_friend_set_twice_in_one_walk_changes_as_one_after_the_other(account, make_journey, tier):
    friends = [FriendFactory(account=account) for _ in range(2)]
    journey = make_journey(
        set_graph(
            {"type": "set_attribute", "attribute": "tier", "value": "gold"},
            {"type": "set_attribute", "attribute": "tier", "value": "gold"},
            {"type": "set_attribute", "attribute": "tier", "value": "silver"},
        )
    )
    enrolments = [enrol(account, journey, friend) for friend in friends]
    enrolments_advance_due(now=NOW)
    assert values(account, tier, "value_text") == {friend.pk: "silver" for friend in friends}
    for node_id, changed in (("set0", True), ("set1", False), ("set2", True)):
        assert details(account, enrolments, node_id) == [{"changed": changed}] * 2
    assert [payload["value"] for _friend, payload in published(account)] == [
        "gold",
        "silver",
        "gold",
        "silver",
    ]


def statements_setting(account, journey, count: int) -> int:
    for _ in range(count):
        enrol(account, journey, FriendFactory(account=account))
    with CaptureQueriesContext(connection) as queries:
        assert enrolments_advance_due(now=NOW) == count
    return len(queries.captured_queries)


def test_setting_costs_the_same_statements_for_2_or_7_friends(account, make_journey, tier):
    node = {"type": "set_attribute", "attribute": "tier", "value": "gold"}
    few = statements_setting(account, make_journey(set_graph(node)), 2)
    many = statements_setting(account, make_journey(set_graph(node), name="K"), 7)
    assert few == many
    assert len(values(account, tier, "value_text")) == 9


def test_a_branch_after_the_node_sees_the_new_value(account, make_journey, tier):
    graph = graph_with(
        start="set",
        nodes={
            "set": {"type": "set_attribute", "attribute": "tier", "from_event": "level"},
            "where": {
                "type": "branch",
                "rules": {"field": "attribute.tier", "op": "eq", "value": "gold"},
            },
            "hello": {"type": "send", "messages": [{"type": "text", "text": "Hi"}]},
            "end": {"type": "exit"},
        },
        edges={"set": {"next": "where"}, "where": {"yes": "hello", "no": "end"}},
    )
    journey = make_journey(graph)
    gold = [FriendFactory(account=account) for _ in range(2)]
    plain = FriendFactory(account=account)
    for friend in gold:
        enrol(account, journey, friend, {"level": "gold"})
    enrol(account, journey, plain, {"level": "bronze"})
    enrolments_advance_due(now=NOW)
    sent = set(JourneySend.objects.for_account(account).values_list("friend_id", flat=True))
    assert sent == {friend.pk for friend in gold}


def test_a_friend_whose_walk_fails_after_the_node_keeps_no_value(
    account, make_journey, monkeypatch, tier
):
    friends = [FriendFactory(account=account) for _ in range(3)]
    journey = make_journey(set_graph({"type": "set_attribute", "attribute": "tier", "value": "a"}))
    for friend in friends:
        enrol(account, journey, friend)
    monkeypatch.setitem(EXECUTORS, "exit", failing_for(friends[1], EXECUTORS["exit"]))
    enrolments_advance_due(now=NOW)
    assert set(values(account, tier, "value_text")) == {friends[0].pk, friends[2].pk}
    assert [friend for friend, _payload in published(account)] == [friends[0].pk, friends[2].pk]


def test_many_distinct_values_are_written_in_one_bulk_update(account, scope, points):
    friends = [FriendFactory(account=account) for _ in range(25)]
    friend_attributes_set(
        account=account, definition=points, values=[(friend.pk, Decimal(0)) for friend in friends]
    )
    changed = friend_attributes_set(
        account=account,
        definition=points,
        values=[(friend.pk, Decimal(i)) for i, friend in enumerate(friends)],
    )
    # The first friend's value was 0 already; every other one changed.
    assert changed == [False] + [True] * 24
    assert values(account, points, "value_number") == {
        friend.pk: Decimal(i) for i, friend in enumerate(friends)
    }
