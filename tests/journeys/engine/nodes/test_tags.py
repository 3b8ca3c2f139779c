"""The tag node in the runner's batch: one bulk write per tag for the whole batch, each friend's
activity published as any tagging publishes it, the journal counting what changed for each
friend, and a failing friend's tags never written."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeys.engine.nodes import EXECUTORS
from journeys.engine.runner import enrolments_advance_due
from journeys.models import EnrolmentStep
from oa_console.activity.models import Activity
from segments.models import FriendTag, Tag
from segments.services.tagging import friend_tags_add
from tests.journeys.engine.conftest import graph_with
from tests.journeys.engine.test_runner import enrol
from tests.journeys.engine.test_runner_batch import failing_for
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)


def tag_graph(add: list[int], remove: list[int]) -> dict:
    return graph_with(
        start="tag",
        nodes={"tag": {"type": "tags", "add": add, "remove": remove}, "end": {"type": "exit"}},
        edges={"tag": {"next": "end"}},
    )


def tagged(account, tag) -> set[int]:
    return set(
        FriendTag.objects.for_account(account).filter(tag=tag).values_list("friend_id", flat=True)
    )


def test_a_batch_tags_every_friend_and_publishes_what_changed(account, make_journey):
    vip, old = (
        Tag.objects.create(account=account, name="VIP"),
        Tag.objects.create(account=account, name="Old"),
    )
    friends = [FriendFactory(account=account) for _ in range(3)]
    # The first is a VIP already; the second carries the tag to remove.
    friend_tags_add(account=account, tag=vip, friend_ids=[friends[0].pk], source="manual")
    friend_tags_add(account=account, tag=old, friend_ids=[friends[1].pk], source="manual")
    Activity.objects.for_account(account).delete()
    journey = make_journey(tag_graph([vip.pk, 999999], [old.pk]))
    enrolments = [enrol(account, journey, friend) for friend in friends]

    assert enrolments_advance_due(now=NOW) == 3

    assert tagged(account, vip) == {friend.pk for friend in friends}
    assert tagged(account, old) == set()
    # The first friend keeps their tag's source; the others are tagged by the journey.
    sources = dict(
        FriendTag.objects.for_account(account).filter(tag=vip).values_list("friend_id", "source")
    )
    assert sources == {friends[0].pk: "manual", friends[1].pk: "journey", friends[2].pk: "journey"}
    published = sorted(
        (row.kind, row.friend_id, row.payload.get("source"))
        for row in Activity.objects.for_account(account).filter(
            kind__in=[Activity.Kind.TAG_ADDED, Activity.Kind.TAG_REMOVED]
        )
    )
    assert published == sorted(
        [
            ("tag_added", friends[1].pk, "journey"),
            ("tag_added", friends[2].pk, "journey"),
            ("tag_removed", friends[1].pk, None),
        ]
    )
    details = [
        EnrolmentStep.objects.for_account(account)
        .get(enrolment=enrolment, kind="passed", node_id="tag")
        .detail
        for enrolment in enrolments
    ]
    assert details == [
        {"added": 0, "removed": 0, "missing_tags": [999999]},
        {"added": 1, "removed": 1, "missing_tags": [999999]},
        {"added": 1, "removed": 0, "missing_tags": [999999]},
    ]


def statements_tagging(account, journey, count: int) -> int:
    for _ in range(count):
        enrol(account, journey, FriendFactory(account=account))
    with CaptureQueriesContext(connection) as queries:
        assert enrolments_advance_due(now=NOW) == count
    return len(queries.captured_queries)


def test_tagging_costs_the_same_statements_for_2_or_7_friends(account, make_journey):
    vip = Tag.objects.create(account=account, name="VIP")
    few = statements_tagging(account, make_journey(tag_graph([vip.pk], [])), 2)
    many = statements_tagging(account, make_journey(tag_graph([vip.pk], []), name="K"), 7)
    assert few == many
    assert len(tagged(account, vip)) == 9


def test_a_friend_whose_walk_fails_after_the_tag_node_is_not_tagged(
    account, make_journey, monkeypatch
):
    vip = Tag.objects.create(account=account, name="VIP")
    friends = [FriendFactory(account=account) for _ in range(3)]
    journey = make_journey(tag_graph([vip.pk], []))
    for friend in friends:
        enrol(account, journey, friend)
    monkeypatch.setitem(EXECUTORS, "exit", failing_for(friends[1], EXECUTORS["exit"]))
    enrolments_advance_due(now=NOW)
    assert tagged(account, vip) == {friends[0].pk, friends[2].pk}
    assert not Activity.objects.for_account(account).filter(friend_id=friends[1].pk).exists()
