"""bench/journeys.py's send scenarios: reminders by push beside the broadcast push path, and a
price drop's multicasts beside LINE's multicast floor.

Import after ``setup_django()``."""

from __future__ import annotations

import json
import math
import time
from datetime import UTC, datetime

from bench._broadcasts_processes import (
    MULTICAST_PER_SECOND,
    PUSH_PER_SECOND,
    fake_stats,
    fake_window,
)
from bench._broadcasts_setup import broadcast_plan_and_send
from bench._common import Timing
from bench._guard import BenchFailed
from bench._journeys_common import (
    DUE,
    FRIENDS,
    PUSHES,
    RUNNER_TASK,
    TIMEOUT,
    VIEWERS,
    Run,
    delta,
    line_checks,
    wait_for_sends,
)
from bench._journeys_data import (
    VIEWED_ITEM,
    cart_carousel,
    journey_activate,
    price_drop_graph,
    product_views,
    waiting_enrolments,
)
from bench._journeys_load import (
    api_post,
)
from journeys.models import ItemEvent
from oa_console.celery import app as celery_app
from oa_console.models import LineAccount
from segments.models import Segment


def _span(window: dict, operation: str) -> tuple[float, int]:
    calls = window.get(operation) or {"first": 0.0, "last": 0.0, "calls": 0}
    return calls["last"] - calls["first"], calls["calls"]


def scenario_push(run_: Run, push_oa: LineAccount, broadcast_oa: LineAccount) -> None:
    checks = run_.checks
    journey = journey_activate(run_.workspace, push_oa, "Cart (push)", starter="cart_abandonment")
    before = fake_stats(run_.fake)
    fake_window(run_.fake)
    waiting_enrolments(
        journey, count=PUSHES, prefix="push-", due_sql="%s::timestamptz", params=[datetime.now(UTC)]
    )
    print(f"push: {PUSHES:,} cart reminders due now")
    celery_app.send_task(RUNNER_TASK)  # the beat's tick that finds them due
    started = time.perf_counter()
    sends = wait_for_sends(journey, PUSHES, "journey reminders", checks)
    journey_s = time.perf_counter() - started
    window = fake_window(run_.fake)
    seen = delta(before, fake_stats(run_.fake))
    line_checks(checks, "journey reminders", seen, PUSHES)
    journey_span, journey_calls = _span(window, "pushMessage")
    checks.expect(
        journey_calls == PUSHES and seen["by_operation"] == {"pushMessage": PUSHES},
        f"journey reminders: {seen['by_operation']} calls, expected {PUSHES:,} pushes",
    )

    print(f"push: an A/B broadcast to {PUSHES:,} friends (the broadcast push path, same bubbles)")
    before = fake_stats(run_.fake)
    segment = Segment.unscoped.create(account=broadcast_oa, name="Everyone", rules={"all": []})
    sent = broadcast_plan_and_send(
        workspace=run_.workspace,
        account=broadcast_oa,
        segment=segment,
        ab=True,
        worker_pid=run_.worker_pid,
        timeout=TIMEOUT,
        # The reminder's carousel after each variant's text: the fake LINE server validates
        # every request against LINE's spec, and a Flex carousel costs it three times a text.
        extra_messages=(cart_carousel(),),
    )
    window = fake_window(run_.fake)
    broadcast_seen = delta(before, fake_stats(run_.fake))
    checks.expect(sent.status == "sent", f"A/B broadcast ended {sent.status!r}, not 'sent'")
    line_checks(checks, "A/B broadcast", broadcast_seen, PUSHES)
    broadcast_span, broadcast_calls = _span(window, "pushMessage")
    checks.expect(broadcast_calls == PUSHES, f"A/B broadcast: {broadcast_calls:,} pushes")

    checks.raise_if_failed()
    floor = Timing(
        f"LINE push limit ({PUSHES:,} at 2,000/s)", (PUSHES / PUSH_PER_SECOND,), items=PUSHES
    )
    reminders = Timing("journey reminders, first -> last push", (journey_span,), items=PUSHES)
    broadcast = Timing("A/B broadcast, first -> last push", (broadcast_span,), items=PUSHES)
    run_.add("push", floor, reminders, broadcast)
    run_.params["push"] = {
        "recipients": PUSHES,
        "journey_pushes_per_s": round(PUSHES / journey_span, 1) if journey_span else None,
        "broadcast_pushes_per_s": round(PUSHES / broadcast_span, 1) if broadcast_span else None,
        "journey_due_to_all_sent_s": round(journey_s, 2),
        "broadcast_planning_s": round(sent.planning_s, 2),
        "journey_to_broadcast_span": round(journey_span / broadcast_span, 2)
        if broadcast_span
        else None,
        "journey_sends": sends,
        "journey_line": seen,
        "broadcast_line": broadcast_seen,
    }


# 4. Price drop -------------------------------------------------------------------------------------


def scenario_price_drop(run_: Run) -> None:
    account, checks = run_.main, run_.checks
    skip = DUE if "due" in run_.params.get("scenarios", ()) else 0
    if skip + VIEWERS > FRIENDS:
        raise BenchFailed("BENCH_JOURNEYS_VIEWERS (+ the due slice) must not exceed FRIENDS")
    started = time.perf_counter()
    product_views(account, viewers=VIEWERS, skip=skip)
    print(f"price drop: {VIEWERS:,} viewers generated in {time.perf_counter() - started:.1f} s")
    journey = journey_activate(
        run_.workspace, account, "Price drop", starter="price_drop", graph=price_drop_graph()
    )
    before = fake_stats(run_.fake)
    fake_window(run_.fake)
    body = {
        "events": [
            {
                "name": "price_dropped",
                "item_id": VIEWED_ITEM,
                "id": "bench-drop-1",
                "properties": {
                    "item_name": "Sneakers",
                    "old_price": "12,000",
                    "new_price": "9,600",
                    "url": "https://shop.example/p/1",
                },
            }
        ]
    }
    posted = time.time()
    status, answer = api_post(
        run_.api_port,
        f"/api/v1/accounts/{account.pk}/item-events/",
        run_.token,
        json.dumps(body).encode(),
    )
    checks.require(
        status == 200 and answer.get("accepted") == 1,
        f"price drop: the item-events API answered {status} {answer}",
    )
    sends = wait_for_sends(journey, VIEWERS, "price drop alerts", checks)
    # The friends' enrolments, sends and journal lines are written once their multicast is
    # answered (the booking): this is when every one of them is in the database.
    booked_s = time.time() - posted
    window = fake_window(run_.fake)
    seen = delta(before, fake_stats(run_.fake))
    line_checks(checks, "price drop alerts", seen, VIEWERS)
    enrolled = ItemEvent.unscoped.filter(account=account, external_id="bench-drop-1").values_list(
        "enrolled", flat=True
    )
    checks.expect(
        list(enrolled) == [VIEWERS], f"price drop: enrolled {list(enrolled)}, expected {VIEWERS:,}"
    )
    multicasts = (window.get("multicast") or {}).get("calls", 0)
    checks.expect(
        set(seen["by_operation"]) == {"multicast"},
        f"price drop: calls {seen['by_operation']}, expected multicasts only",
    )
    checks.raise_if_failed()
    total_s = (window.get("multicast") or {}).get("last", posted) - posted
    calls_floor = math.ceil(VIEWERS / 500)
    floor_s = calls_floor / MULTICAST_PER_SECOND
    floor = Timing(
        f"LINE multicast floor ({calls_floor:,} calls at 200/s)", (floor_s,), items=VIEWERS
    )
    workload = Timing("item event post -> last multicast", (total_s,), items=VIEWERS)
    booked = Timing("item event post -> every friend's rows written", (booked_s,), items=VIEWERS)
    run_.add("price_drop", floor, workload, booked)
    run_.params["price_drop"] = {
        "viewers": VIEWERS,
        "total_s": round(total_s, 2),
        "all_rows_written_s": round(booked_s, 2),
        "floor_s": round(floor_s, 2),
        "ratio_to_floor": round(total_s / floor_s, 2),
        "within_2x_floor": total_s <= 2 * floor_s,
        "multicasts": multicasts,
        "multicasts_at_floor": calls_floor,
        "sends": sends,
        "line": seen,
    }


# Run and report ------------------------------------------------------------------------------------
