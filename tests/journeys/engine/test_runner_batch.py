"""The runner's batches: written in a few statements whatever their size, a failure isolated
to its friend, a failed batch write redone one enrolment at a time."""

from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from journeys.engine import runner
from journeys.engine.nodes import EXECUTORS
from journeys.engine.runner import enrolments_advance_due
from journeys.models import Enrolment, EnrolmentStep, JourneySend
from segments.models import FriendTag, Tag
from tests.journeys.engine.conftest import graph_with
from tests.journeys.engine.test_runner import enrol
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)  # a Monday, 10:00 in Tokyo
TEXT = [{"type": "text", "text": "Hello {displayName}"}]


def branch_send_graph(rules):
    return graph_with(
        start="where",
        nodes={
            "where": {"type": "branch", "rules": rules},
            "hello": {"type": "send", "messages": TEXT},
            "end": {"type": "exit"},
        },
        edges={"where": {"yes": "hello", "no": "end"}, "hello": {"next": "end"}},
    )


def tokyo_friends(account, count):
    return [FriendFactory(account=account, region="tokyo") for _ in range(count)]


def queries_of_one_batch(account, journey, count) -> int:
    for friend in tokyo_friends(account, count):
        enrol(account, journey, friend)
    with CaptureQueriesContext(connection) as queries:
        assert enrolments_advance_due(now=NOW) == count
    return len(queries.captured_queries)


def test_a_batch_costs_the_same_statements_for_2_or_7_friends(account, make_journey):
    rules = {"field": "region", "op": "eq", "value": "tokyo"}
    few = queries_of_one_batch(account, make_journey(branch_send_graph(rules)), 2)
    many = queries_of_one_batch(account, make_journey(branch_send_graph(rules), name="K"), 7)
    assert few == many
    sends = JourneySend.objects.for_account(account)
    assert sends.count() == 9
    for send in sends:
        step = EnrolmentStep.objects.for_account(account).get(
            enrolment=send.enrolment, kind="passed", node_id="hello"
        )
        assert step.detail == {"send": send.pk}


def test_a_branch_reads_its_rules_once_for_the_batch(account, make_journey):
    journey = make_journey(branch_send_graph({"field": "region", "op": "eq", "value": "tokyo"}))
    tokyo = tokyo_friends(account, 3)
    osaka = FriendFactory(account=account, region="osaka")
    for friend in [*tokyo, osaka]:
        enrol(account, journey, friend)
    with CaptureQueriesContext(connection) as queries:
        enrolments_advance_due(now=NOW)
    rule_reads = [q for q in queries.captured_queries if '"region" = ' in q["sql"]]
    assert len(rule_reads) == 1
    sent = set(JourneySend.objects.for_account(account).values_list("friend_id", flat=True))
    assert sent == {friend.pk for friend in tokyo}


def test_a_friend_tagged_in_the_batch_is_branched_on_their_new_tag(account, make_journey):
    vip = Tag.objects.create(account=account, name="VIP")
    graph = graph_with(
        start="where",
        nodes={
            "tag": {"type": "tags", "add": [vip.pk]},
            "where": {"type": "branch", "rules": {"field": "tag", "op": "has", "value": vip.pk}},
            "hello": {"type": "send", "messages": TEXT},
            "end": {"type": "exit"},
        },
        edges={"where": {"yes": "hello", "no": "tag"}, "tag": {"next": "where"}},
    )
    journey = make_journey(graph)
    friends = tokyo_friends(account, 3)
    for friend in friends:
        enrol(account, journey, friend)
    enrolments_advance_due(now=NOW)
    sent = set(JourneySend.objects.for_account(account).values_list("friend_id", flat=True))
    assert sent == {friend.pk for friend in friends}


def failing_for(friend, execute):
    def fail_one(ctx):
        result = execute(ctx)
        if ctx.friend.pk == friend.pk:
            raise RuntimeError("boom")
        return result

    return fail_one


def test_a_node_that_raises_fails_that_friend_only(account, make_journey, monkeypatch):
    journey = make_journey(branch_send_graph({"field": "region", "op": "eq", "value": "tokyo"}))
    friends = tokyo_friends(account, 3)
    enrolments = [enrol(account, journey, friend) for friend in friends]
    monkeypatch.setitem(EXECUTORS, "exit", failing_for(friends[1], EXECUTORS["exit"]))
    assert enrolments_advance_due(now=NOW) == 3
    states = {e.friend_id: e.state for e in Enrolment.objects.for_account(account)}
    assert states == {
        friends[0].pk: "completed",
        friends[1].pk: "failed",
        friends[2].pk: "completed",
    }
    # The failed walk's writes (its send row, its journal) are gone; the failure is journaled.
    sent = set(JourneySend.objects.for_account(account).values_list("friend_id", flat=True))
    assert sent == {friends[0].pk, friends[2].pk}
    failed = EnrolmentStep.objects.for_account(account).filter(enrolment=enrolments[1])
    assert list(failed.values_list("kind", flat=True)) == ["enrolled", "failed"]
    assert failed.get(kind="failed").detail == {"error": "boom"}


def test_a_node_that_writes_itself_and_raises_keeps_no_write(account, make_journey, monkeypatch):
    vip = Tag.objects.create(account=account, name="VIP")
    graph = graph_with(
        start="tag",
        nodes={"tag": {"type": "tags", "add": [vip.pk]}, "end": {"type": "exit"}},
        edges={"tag": {"next": "end"}},
    )
    journey = make_journey(graph)
    friends = tokyo_friends(account, 3)
    for friend in friends:
        enrol(account, journey, friend)
    monkeypatch.setitem(EXECUTORS, "tags", failing_for(friends[0], EXECUTORS["tags"]))
    enrolments_advance_due(now=NOW)
    tagged = set(FriendTag.objects.for_account(account).values_list("friend_id", flat=True))
    assert tagged == {friends[1].pk, friends[2].pk}
    failed = Enrolment.objects.for_account(account).get(friend=friends[0])
    assert failed.state == "failed" and failed.exit_reason == "error"


def test_a_failed_batch_write_is_redone_one_enrolment_at_a_time(account, make_journey, monkeypatch):
    journey = make_journey(branch_send_graph({"field": "region", "op": "eq", "value": "tokyo"}))
    friends = tokyo_friends(account, 3)
    for friend in friends:
        enrol(account, journey, friend)
    write = runner._write

    def write_alone_only(enrolments):
        if len(enrolments) > 1:
            raise RuntimeError("the batch's insert failed")
        write(enrolments)

    monkeypatch.setattr(runner, "_write", write_alone_only)
    assert enrolments_advance_due(now=NOW) == 3
    states = set(Enrolment.objects.for_account(account).values_list("state", flat=True))
    assert states == {"completed"}
    sends = JourneySend.objects.for_account(account)
    assert sorted(sends.values_list("friend_id", flat=True)) == sorted(f.pk for f in friends)
    passed = EnrolmentStep.objects.for_account(account).filter(kind="passed", node_id="hello")
    assert passed.count() == 3


def test_a_step_run_again_keeps_the_send_row_it_wrote(account, make_journey):
    journey = make_journey(branch_send_graph({"field": "region", "op": "eq", "value": "tokyo"}))
    (friend,) = tokyo_friends(account, 1)
    enrolment = enrol(account, journey, friend)
    # As if an earlier run of the send step (step 2: "where" is 1) had written its row.
    earlier = JourneySend.objects.for_account(account).create(
        account=account,
        journey=journey,
        version=journey.active_version,
        enrolment=enrolment,
        friend=friend,
        step=2,
        node_id="hello",
        line_user_id=friend.line_user_id,
        messages=[{"type": "text", "text": "earlier"}],
        group_key="earlier",
        created_at=NOW,
    )
    enrolments_advance_due(now=NOW)
    assert list(JourneySend.objects.for_account(account).values_list("pk", flat=True)) == [
        earlier.pk
    ]
    step = EnrolmentStep.objects.for_account(account).get(kind="passed", node_id="hello")
    assert step.detail == {"send": earlier.pk}
