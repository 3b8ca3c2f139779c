"""The runner and the node executors on a small OA with a frozen clock (``now`` passed in)."""

from datetime import UTC, datetime, timedelta

import pytest

from journeys.engine.enrol import enrolment_start
from journeys.engine.runner import enrolments_advance_due
from journeys.engine.waits import journeys_waits_react
from journeys.models import Conversion, Enrolment, EnrolmentStep, Journey, JourneySend
from segments.models import FriendTag, Tag
from tests.journeys.engine.conftest import graph_with
from tests.journeys.engine.helpers import activity
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)  # a Monday, 10:00 in Tokyo
TEXT = [{"type": "text", "text": "{displayName}, your cart {event.cart_id} is waiting"}]


@pytest.fixture
def friend(account):
    return FriendFactory(account=account, display_name="Aki")


def enrol(account, journey, friend, properties=None, now=NOW):
    return enrolment_start(
        account=account, journey=journey, friend=friend, properties=properties or {}, now=now
    ).enrolment


def kinds(enrolment):
    return list(
        EnrolmentStep.objects.for_account(enrolment.account)
        .filter(enrolment=enrolment)
        .order_by("pk")
        .values_list("kind", "node_id", "outlet")
    )


def reminder_graph(**extra):
    return graph_with(
        start="wait_1h",
        nodes={
            "wait_1h": {
                "type": "wait",
                "mode": "duration",
                "duration": {"amount": 1, "unit": "hours"},
            },
            "reminder": {"type": "send", "quiet_hours": "defer", "messages": TEXT},
            "end": {"type": "exit"},
        },
        edges={"wait_1h": {"next": "reminder"}, "reminder": {"next": "end"}},
        **extra,
    )


def test_wait_then_send_then_exit(account, make_journey, friend):
    journey = make_journey(reminder_graph())
    enrolment = enrol(account, journey, friend, {"cart_id": "C9"})
    assert enrolments_advance_due(now=NOW) == 1
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.node_id) == ("waiting", "wait_1h")
    assert enrolment.next_run_at == NOW + timedelta(hours=1)
    assert enrolments_advance_due(now=NOW + timedelta(minutes=59)) == 0
    assert enrolments_advance_due(now=NOW + timedelta(hours=1)) == 1
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.node_id, enrolment.step) == ("completed", "end", 3)
    send = JourneySend.objects.for_account(account).get(enrolment=enrolment)
    assert send.status == "pending" and send.step == 2
    assert send.messages == [{"type": "text", "text": "Aki, your cart C9 is waiting"}]
    assert kinds(enrolment) == [
        ("enrolled", "", ""),
        ("entered", "wait_1h", ""),
        ("waiting", "wait_1h", ""),
        ("passed", "wait_1h", "next"),
        ("entered", "reminder", ""),
        ("passed", "reminder", "next"),
        ("entered", "end", ""),
        ("completed", "end", ""),
    ]


def test_wait_scale_shortens_waits(account, make_journey, friend, settings):
    settings.JOURNEYS_WAIT_SCALE = 1 / 60
    enrolment = enrol(account, make_journey(reminder_graph()), friend)
    enrolments_advance_due(now=NOW)
    enrolment.refresh_from_db()
    assert enrolment.next_run_at == NOW + timedelta(minutes=1)


def test_time_of_day_and_window_in_the_oas_zone(account, make_journey, friend):
    account.time_zone = "Asia/Tokyo"
    account.save()
    graph = graph_with(
        start="evening",
        nodes={
            "evening": {"type": "wait", "mode": "time_of_day", "time": "19:30", "weekdays": [3]},
            "office": {
                "type": "wait",
                "mode": "window",
                "from": "09:00",
                "to": "18:00",
                "weekdays": [1, 2, 3, 4, 5],
            },
            "end": {"type": "exit"},
        },
        edges={"evening": {"next": "office"}, "office": {"next": "end"}},
    )
    enrolment = enrol(account, make_journey(graph), friend)
    enrolments_advance_due(now=NOW)
    enrolment.refresh_from_db()
    # Monday 10:00 JST -> Wednesday 19:30 JST = 10:30 UTC.
    assert enrolment.next_run_at == datetime(2026, 5, 6, 10, 30, tzinfo=UTC)
    enrolments_advance_due(now=enrolment.next_run_at)
    enrolment.refresh_from_db()
    # 19:30 is outside the office window: wait for Thursday 09:00 JST (00:00 UTC).
    assert (enrolment.node_id, enrolment.next_run_at) == (
        "office",
        datetime(2026, 5, 7, 0, 0, tzinfo=UTC),
    )


def wait_for_purchase_graph():
    return graph_with(
        start="wait",
        nodes={
            "wait": {
                "type": "wait_for_event",
                "event": "purchase",
                "conditions": [{"property": "total", "op": "gte", "value": 1000}],
                "timeout": {"amount": 2, "unit": "hours"},
            },
            "thanks": {"type": "exit"},
            "nudge": {"type": "exit"},
        },
        edges={"wait": {"matched": "thanks", "timed_out": "nudge"}},
    )


def test_wait_for_event_matched(account, make_journey, friend):
    enrolment = enrol(account, make_journey(wait_for_purchase_graph()), friend)
    enrolments_advance_due(now=NOW)
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.waiting_for) == ("waiting", "purchase")
    small = activity(
        account, friend, "custom_event", NOW, name="purchase", properties={"total": 10}
    )
    journeys_waits_react([small])
    enrolment.refresh_from_db()
    assert enrolment.state == "waiting"  # the condition did not hold
    big = activity(
        account, friend, "custom_event", NOW, name="purchase", properties={"total": 1500}
    )
    journeys_waits_react([big])
    enrolments_advance_due(now=NOW + timedelta(minutes=1))
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.node_id) == ("completed", "thanks")
    assert ("passed", "wait", "matched") in kinds(enrolment)


def test_wait_for_event_timed_out(account, make_journey, friend):
    enrolment = enrol(account, make_journey(wait_for_purchase_graph()), friend)
    enrolments_advance_due(now=NOW)
    enrolments_advance_due(now=NOW + timedelta(hours=2))
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.node_id) == ("completed", "nudge")
    assert ("passed", "wait", "timed_out") in kinds(enrolment)


def test_goal_counts_a_conversion_with_revenue_and_exits(account, make_journey, friend):
    goal = {
        "event": "purchase",
        "window": {"amount": 7, "unit": "days"},
        "exit_on_goal": True,
        "revenue_property": "total",
    }
    journey = make_journey(reminder_graph(goal=goal))
    enrolment = enrol(account, journey, friend)
    enrolments_advance_due(now=NOW)
    bought = activity(
        account,
        friend,
        "custom_event",
        NOW + timedelta(minutes=30),
        name="purchase",
        properties={"total": 2480},
    )
    journeys_waits_react([bought])
    journeys_waits_react([bought])  # redelivered: still one conversion
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.exit_reason) == ("exited", "goal")
    conversion = Conversion.objects.for_account(account).get(enrolment=enrolment)
    assert conversion.revenue == 2480
    assert enrolments_advance_due(now=NOW + timedelta(hours=2)) == 0
    assert not JourneySend.objects.for_account(account).exists()


def test_goal_after_the_window_does_not_count(account, make_journey, friend):
    goal = {"event": "purchase", "window": {"amount": 1, "unit": "days"}, "exit_on_goal": True}
    enrol(account, make_journey(reminder_graph(goal=goal)), friend)
    late = activity(account, friend, "custom_event", NOW + timedelta(days=2), name="purchase")
    journeys_waits_react([late])
    assert not Conversion.objects.for_account(account).exists()


def test_branch_split_tags_and_attribute(account, make_journey, friend):
    friend.region = "tokyo"
    friend.save()
    vip = Tag.objects.create(account=account, name="VIP")
    graph = graph_with(
        start="where",
        nodes={
            "where": {"type": "branch", "rules": {"field": "region", "op": "eq", "value": "tokyo"}},
            "ab": {
                "type": "split",
                "paths": [{"name": "a", "weight": 50}],
                "control": {"weight": 50},
            },
            "tag": {"type": "tags", "add": [vip.pk]},
            "end": {"type": "exit"},
        },
        edges={
            "where": {"yes": "ab", "no": "end"},
            "ab": {"a": "tag", "control": "tag"},
            "tag": {"next": "end"},
        },
    )
    enrolment = enrol(account, make_journey(graph), friend)
    enrolments_advance_due(now=NOW)
    enrolment.refresh_from_db()
    assert enrolment.state == "completed"
    assert enrolment.arm in ("a", "control")
    assert ("passed", "where", "yes") in kinds(enrolment)
    assert ("passed", "ab", enrolment.arm) in kinds(enrolment)
    assert FriendTag.objects.for_account(account).filter(friend=friend, tag=vip).exists()


def test_split_arms_follow_the_weights(account, make_journey):
    from journeys.engine.nodes.split import bucket, choose

    node = {"paths": [{"name": "a", "weight": 30}], "control": {"weight": 70}}
    arms = [choose(node, bucket(pk, "ab")) for pk in range(1, 2001)]
    assert 500 < arms.count("a") < 700
    assert choose(node, bucket(5, "ab")) == choose(node, bucket(5, "ab"))


def test_paused_journey_waits_and_resumes(account, make_journey, friend):
    journey = make_journey(reminder_graph())
    enrolment = enrol(account, journey, friend)
    journey.status = Journey.Status.PAUSED
    journey.save()
    assert enrolments_advance_due(now=NOW) == 0
    journey.status = Journey.Status.ACTIVE
    journey.save()
    assert enrolments_advance_due(now=NOW + timedelta(hours=3)) == 1
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.WAITING


def test_a_loop_is_guarded(account, make_journey, friend):
    graph = graph_with(
        start="x",
        nodes={
            "x": {
                "type": "split",
                "paths": [{"name": "a", "weight": 100}],
                "control": {"weight": 0},
            }
        },
        edges={"x": {"a": "x", "control": "x"}},
    )
    enrolment = enrol(account, make_journey(graph), friend)
    enrolments_advance_due(now=NOW)
    enrolment.refresh_from_db()
    assert enrolment.state == "active" and enrolment.step == 51
    assert enrolment.next_run_at == NOW + timedelta(seconds=1)
    assert enrolments_advance_due(now=NOW) == 0
