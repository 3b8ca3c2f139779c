"""The item event's bulk path (``journeys.engine.item_events.bulk``): the same enrolments,
sends, journal and stats as the per-friend path, through quiet hours, the frequency cap,
blocked friends and every re-entry policy (slices and resumption: ``test_item_events_bulk_slices``).

The comparisons run the same OA twice, bulk and then per friend (``bulk_shape`` answering
None), each inside a savepoint rolled back after its snapshot. PostgreSQL: the bulk path's
statements are PostgreSQL's (elsewhere the per-friend path runs alone).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction

from journeys.engine.item_events import bulk, item_event_process
from journeys.engine.item_events.booking import bulk_calls_book
from journeys.engine.runner import enrolments_advance_due
from journeys.engine.sending import journey_sends_deliver
from journeys.models import Enrolment, EnrolmentStep, ItemEvent, JourneyBulkCall, JourneySend
from journeys.selectors.stats import node_stats
from segments.models import CustomEvent, Friend
from segments.services.sending_rules import sending_rules_get
from tests.journeys.engine.conftest import graph_with
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=3)  # the planner's coalescing window in tests
postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bulk path is PostgreSQL's"
)

TRIGGER = {
    "kind": "item_event",
    "event": "price_dropped",
    "properties": ["new_price", "url"],
    "item_property": "item_id",
    "viewed_event": "product_viewed",
    "viewed_within_days": 14,
    "bought_event": "purchase",
}
ALERT = {
    "type": "send",
    "quiet_hours": "defer",
    "messages": [{"type": "text", "text": "Now {event.new_price}: {event.url}"}],
    "click_tracking": "node",
}


def price_drop(entry: dict, *, then: str = "exit", **alert) -> dict:
    """Alert, then an exit (or a one-day wait before it)."""
    nodes = {"alert": {**ALERT, **alert}, "end": {"type": "exit"}}
    edges = {"alert": {"next": "end"}}
    if then == "wait":
        nodes["pause"] = {
            "type": "wait",
            "mode": "duration",
            "duration": {"amount": 1, "unit": "days"},
        }
        edges = {"alert": {"next": "pause"}, "pause": {"next": "end"}}
    return graph_with(trigger=TRIGGER, entry=entry, start="alert", nodes=nodes, edges=edges)


def rules(account, *, cap: bool = True, quiet: bool = False) -> None:
    sending = sending_rules_get(account=account)
    sending.cap_enabled, sending.cap_messages, sending.cap_days = cap, 1, 7
    sending.quiet_enabled = quiet
    sending.quiet_start = datetime(2000, 1, 1, 2, 0).time()
    sending.quiet_end = datetime(2000, 1, 1, 4, 0).time()
    sending.save()
    account.time_zone = "UTC"
    account.save()


def viewed(friends, item: str = "X1", days_ago: float = 1) -> None:
    CustomEvent.unscoped.bulk_create(
        CustomEvent(
            account=friend.account,
            friend=friend,
            name="product_viewed",
            occurred_at=NOW - timedelta(days=days_ago),
            properties={"item_id": item},
            idempotency_key=f"view-{friend.pk}-{item}",
        )
        for friend in friends
    )


def price_dropped(account) -> ItemEvent:
    return ItemEvent.unscoped.create(
        account=account,
        name="price_dropped",
        item_id="X1",
        properties={"new_price": 3000, "url": "https://shop.example/x1"},
        occurred_at=NOW,
    )


def past(journey, friend, *, days_ago: float, state: str, key: str = "") -> Enrolment:
    at = NOW - timedelta(days=days_ago)
    done = state not in Enrolment.IN_FLIGHT
    return Enrolment.unscoped.create(
        account=journey.account,
        journey=journey,
        version=journey.active_version,
        friend=friend,
        node_id="end",
        state=state,
        next_run_at=None if done else NOW + timedelta(days=1),
        dedupe_key=key,
        entered_at=at,
        ended_at=at if done else None,
        step=2,
    )


def walk_and_send(now: datetime = NOW) -> None:
    """Walk every due enrolment, then send what is due after the planner's window, book the
    bulk calls LINE answered and walk on whoever they left at a later node, as the workers
    would."""
    while enrolments_advance_due(now=now):
        pass
    journey_sends_deliver(now=now + WINDOW)
    bulk_calls_book()
    while enrolments_advance_due(now=now):
        pass


def written_before_walking(account) -> int:
    """Sends the item event wrote before any walk: send rows and the bulk calls' friends."""
    in_calls = JourneyBulkCall.objects.for_account(account).values_list("friend_ids", flat=True)
    return JourneySend.objects.for_account(account).count() + sum(map(len, in_calls))


def snapshot(account, journey) -> dict:
    """What the two paths must agree on, with row ids replaced by the friend they are for."""
    sends = JourneySend.objects.for_account(account).filter(journey=journey)
    friend_of_send = dict(sends.values_list("pk", "friend_id"))
    journal: dict[int, list] = {}
    # In time order, as a friend's timeline shows them (the bulk path books a call's lines
    # after its send, the per-friend path walks on before sending).
    steps = EnrolmentStep.objects.for_account(account).filter(journey=journey).order_by("at", "pk")
    for friend_id, node_id, kind, outlet, detail in steps.values_list(
        "friend_id", "node_id", "kind", "outlet", "detail"
    ):
        if "send" in detail:
            detail = {**detail, "send": f"send of {friend_of_send[detail['send']]}"}
        journal.setdefault(friend_id, []).append((node_id, kind, outlet, detail))
    enrolments = Enrolment.objects.for_account(account).filter(journey=journey, step__gt=0)
    return {
        "entered": sorted(enrolments.filter(entered_at=NOW).values_list("friend_id", flat=True)),
        "enrolments": sorted(
            enrolments.values_list(
                "friend_id", "node_id", "state", "step", "exit_reason", "dedupe_key"
            )
        ),
        "sends": sorted(
            sends.values_list("friend_id", "node_id", "step", "status", "method", "error")
        ),
        "journal": journal,
        "stats": {
            node: asdict(figures)
            for node, figures in node_stats(account=account, journey=journey).items()
        },
        "event": ItemEvent.objects.for_account(account).values_list(
            "status", "friends_matched", "enrolled"
        )[0],
    }


class _Rollback(Exception):
    pass


def both_paths(account, journey, monkeypatch) -> tuple[dict, dict, int]:
    """(bulk snapshot, per-friend snapshot, sends the bulk path wrote before the runner ran)."""
    taken: dict = {}
    for path in ("bulk", "per_friend"):
        with monkeypatch.context() as patch:
            if path == "per_friend":
                patch.setattr(bulk, "bulk_shape", lambda graph: None)
            try:
                with transaction.atomic():
                    event = price_dropped(account)
                    item_event_process(account=account, item_event_id=event.pk, now=NOW)
                    taken[f"{path}_early"] = written_before_walking(account)
                    walk_and_send()
                    taken[path] = snapshot(account, journey)
                    raise _Rollback
            except _Rollback:
                pass
    return taken["bulk"], taken["per_friend"], taken["bulk_early"]


@pytest.fixture
def shop(account, scope):
    """Friends who all viewed X1 yesterday (three in Tokyo): two plain followers, one who
    blocked the OA, one already in the journey (entered 2 days ago), one who entered it for X1
    20 days ago, one who left it 10 days ago, one at the frequency cap, one erased, one who
    bought X1 since."""
    rules(account)
    names = ["ann", "ben", "blocked", "in_flight", "had_x1", "left", "capped", "erased", "bought"]
    friends = {name: FriendFactory(account=account, display_name=name) for name in names}
    for name in ("ann", "in_flight", "capped"):
        friends[name].region = "tokyo"
        friends[name].save()
    friends["blocked"].status = Friend.Status.BLOCKED
    friends["blocked"].save()
    friends["erased"].erased_at = NOW - timedelta(days=1)
    friends["erased"].save()
    viewed(friends.values())
    CustomEvent.unscoped.create(
        account=account,
        friend=friends["bought"],
        name="purchase",
        occurred_at=NOW - timedelta(hours=2),
        properties={"item_id": "X1"},
        idempotency_key="bought-x1",
    )
    return friends


def prepare(account, make_journey, shop, graph) -> object:
    journey = make_journey(graph)
    past(journey, shop["in_flight"], days_ago=2, state=Enrolment.State.WAITING)
    past(journey, shop["had_x1"], days_ago=20, state=Enrolment.State.COMPLETED, key="X1")
    past(journey, shop["left"], days_ago=10, state=Enrolment.State.COMPLETED)
    # The capped friend got a message from another journey yesterday (cap: 1 in 7 days).
    other = make_journey(price_drop({}), name="Other")
    enrolment = past(other, shop["capped"], days_ago=1, state=Enrolment.State.COMPLETED)
    JourneySend.unscoped.create(
        account=account,
        journey=other,
        version=other.active_version,
        enrolment=enrolment,
        friend=shop["capped"],
        node_id="alert",
        step=1,
        line_user_id=shop["capped"].line_user_id,
        messages=[{"type": "text", "text": "Earlier"}],
        group_key="earlier",
        status=JourneySend.Status.SENT,
        created_at=NOW - timedelta(days=1),
        sent_at=NOW - timedelta(days=1),
    )
    other.status = "paused"
    other.save()
    return journey


ENTRIES = {
    # ann, ben, left: sent; blocked: held (not following); capped: held (cap); in_flight:
    # too many at once; had_x1: the X1 dedupe key; erased: refused; bought: not a viewer.
    "concurrent_and_dedupe": (
        {
            "following_only": False,
            "reentry": {"policy": "every_time"},
            "dedupe_property": "item_id",
            "max_concurrent": 1,
        },
        {"ann", "ben", "blocked", "left", "capped"},
    ),
    # Once ever: in_flight, had_x1 and left have entered before; blocked does not follow.
    "once": ({"following_only": True, "reentry": {"policy": "once"}}, {"ann", "ben", "capped"}),
    # The audience: the friends in Tokyo (ann, in_flight, capped).
    "audience": (
        {
            "following_only": True,
            "reentry": {"policy": "every_time"},
            "audience": {"field": "region", "op": "eq", "value": "tokyo"},
        },
        {"ann", "in_flight", "capped"},
    ),
    # Again after 7 days: in_flight entered 2 days ago; had_x1 (20) and left (10) may.
    "after_days": (
        {"following_only": True, "reentry": {"policy": "after_days", "days": 7}},
        {"ann", "ben", "had_x1", "left", "capped"},
    ),
}


@postgresql
@pytest.mark.parametrize("case", sorted(ENTRIES))
def test_bulk_and_per_friend_paths_enrol_send_and_journal_the_same(
    account, make_journey, shop, line, monkeypatch, case
):
    entry, entering = ENTRIES[case]
    journey = prepare(account, make_journey, shop, price_drop(entry))
    fast, slow, early = both_paths(account, journey, monkeypatch)
    assert fast == slow
    ids = {friend.pk: name for name, friend in shop.items()}
    assert {ids[pk] for pk in fast["entered"]} == entering
    sent = entering - {"blocked", "capped"}
    # The bulk path wrote the sends of the friends it could before any walk.
    assert early == len(sent) + 1  # + the other journey's earlier send
    assert fast["sends"] == sorted(
        (shop[name].pk, "alert", 1, *outcome)
        for name, outcome in {
            **{name: ("sent", "multicast", "") for name in sent},
            "blocked": ("failed", "push", "The friend does not follow the OA."),
            "capped": (
                "capped",
                "push",
                "Held back: the friend has reached the OA's frequency cap.",
            ),
        }.items()
        if name in entering
    )
    alert, end = fast["stats"]["alert"], fast["stats"]["end"]
    assert (alert["entered"], alert["passed"], end["entered"]) == (
        len(entering),
        {"next": len(entering)},
        len(entering),
    )
    tried = len(sent) + ("blocked" in entering)
    assert (alert["sent"], alert["delivered"], alert["held"]) == (tried, len(sent), 1)
    ann = shop["ann"].pk
    assert fast["journal"][ann] == [
        ("", "enrolled", "", {}),
        ("alert", "entered", "", {}),
        ("alert", "passed", "next", {"send": f"send of {ann}"}),
        ("end", "entered", "", {}),
        ("end", "completed", "", {"reason": "exit_node"}),
        ("alert", "sent", "", {"send": f"send of {ann}", "method": "multicast"}),
    ]
    assert line.received[shop["ann"].line_user_id] == 2  # once per path


@postgresql
def test_a_journey_that_goes_on_after_the_alert_is_walked_on_by_the_runner(
    account, make_journey, shop, line, monkeypatch
):
    entry = {"following_only": True, "reentry": {"policy": "every_time"}}
    journey = prepare(account, make_journey, shop, price_drop(entry, then="wait"))
    fast, slow, _early = both_paths(account, journey, monkeypatch)
    assert fast == slow
    at_pause = [(node, state, step) for _f, node, state, step, _r, _k in fast["enrolments"]]
    # Everyone who follows and is not erased enters (6), the capped friend held at the alert;
    # beside them, the earlier enrolments of in_flight (waiting) and had_x1 and left (done).
    assert sorted(at_pause) == sorted(
        [("pause", "waiting", 2)] * 6
        + [("end", "waiting", 2), ("end", "completed", 2), ("end", "completed", 2)]
    )
    assert fast["stats"]["pause"]["waiting"] == 6
    assert (fast["stats"]["alert"]["delivered"], fast["stats"]["alert"]["held"]) == (5, 1)
    assert fast["event"] == ("done", 8, 6)


@postgresql
def test_quiet_hours_leave_everyone_to_the_per_friend_path(
    account, make_journey, shop, line, monkeypatch
):
    rules(account, quiet=True)  # 02:00-04:00 UTC: NOW (03:00) is inside
    entry = {"following_only": True, "reentry": {"policy": "every_time"}}
    journey = prepare(account, make_journey, shop, price_drop(entry))
    fast, slow, early = both_paths(account, journey, monkeypatch)
    assert fast == slow
    assert early == 1  # only the other journey's earlier send: nothing written in bulk
    alert = fast["stats"]["alert"]
    assert (alert["entered"], alert["in_flight"], alert["sent"]) == (6, 6, 0)
