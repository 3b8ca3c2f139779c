"""bench/journeys.py's event scenarios: custom events into the cart journey (ingestion) and
steps coming due among a million waiting enrolments (due).

Import after ``setup_django()``."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection

from bench._broadcasts_processes import (
    fake_stats,
)
from bench._common import Timing, percentile
from bench._guard import BenchFailed
from bench._journeys_common import (
    BATCH,
    DUE,
    DUE_TARGET_P99_S,
    DUE_WINDOW,
    EVENTS,
    FRIENDS,
    POLL_S,
    RATE,
    RUNNER_TASK,
    TIMEOUT,
    WAITING,
    Run,
    delta,
    line_checks,
    rounded,
    user_id,
    wait_for,
    wait_for_sends,
)
from bench._journeys_data import (
    journey_activate,
    waiting_enrolments,
)
from bench._journeys_load import (
    PacedPoster,
    foreign_transaction_age,
)
from journeys.engine import triggers
from journeys.models import Journey
from oa_console.activity.models import SubscriberCursor
from oa_console.models import LineAccount


def cart_body(prefix: str) -> Callable[[int, float], bytes]:
    """Call ``index``'s body: ``BATCH`` carts of friends ``index * BATCH + 1 ...``, each
    ``occurred_at`` its scheduled post time, the cart id ``<prefix><friend number>``."""

    def body(index: int, scheduled: float) -> bytes:
        moment = datetime.fromtimestamp(scheduled, UTC).isoformat()
        events = []
        for number in range(index * BATCH + 1, (index + 1) * BATCH + 1):
            cart = f"{prefix}{number}"
            events.append(
                {
                    "friend": {"line_user_id": user_id(number)},
                    "name": "cart_abandoned",
                    "occurred_at": moment,
                    "idempotency_key": cart,
                    "properties": {
                        "cart_id": cart,
                        "total": 1200 + number % 5000,
                        "checkout_url": f"https://shop.example/cart/{cart}",
                        "items": [
                            {
                                "name": "Sneakers",
                                "price": "1,200",
                                "url": "https://shop.example/p/1",
                                "image_url": "https://shop.example/p/1.jpg",
                            }
                        ],
                    },
                }
            )
        return json.dumps({"events": events}).encode()

    return body


def drained_carts(account: LineAccount) -> Callable[[], list[str]]:
    """Each call: the cart ids of the OA's custom events the ``journeys.triggers`` cursor passed
    since the last call (the hub has delivered them to journeys)."""
    position = [None]

    def passed() -> list[str]:
        cursor = SubscriberCursor.objects.filter(subscriber=triggers.SUBSCRIBER).first()
        if cursor is None:
            return []
        now = (cursor.position_txid, cursor.position)
        before, position[0] = position[0], now
        if before is None or before == now:
            return []
        with connection.cursor() as sql:
            sql.execute(
                "SELECT payload->'properties'->>'cart_id' FROM oa_console_activity "
                "WHERE account_id = %s AND kind = 'custom_event' "
                "AND (txid, id) > (%s, %s) AND (txid, id) <= (%s, %s)",
                [account.pk, *before, *now],
            )
            return [row[0] for row in sql.fetchall()]

    passed()  # the position before the first call
    return passed


def enrolled_carts(journey: Journey) -> Callable[[], list[str]]:
    """Each call: the dedupe keys (cart ids) of the journey's enrolments created since the
    last call, read by increasing id."""
    last = [0]

    def seen() -> list[str]:
        with connection.cursor() as sql:
            sql.execute(
                "SELECT id, dedupe_key FROM journeys_enrolment WHERE journey_id = %s AND id > %s "
                "ORDER BY id",
                [journey.pk, last[0]],
            )
            rows = sql.fetchall()
        if rows:
            last[0] = rows[-1][0]
        return [row[1] for row in rows]

    return seen


@dataclass
class Paced:
    latencies: list[float]
    seen: int
    events_per_s: float
    api_p50_s: float
    api_p99_s: float
    statuses: dict[int, int]
    foreign_transaction_max_s: float


def paced_events(run_: Run, prefix: str, newly_seen: Callable[[], list[str]], what: str) -> Paced:
    """Post the carts at the paced rate while polling ``newly_seen`` every 100 ms; a cart's
    latency runs from its call's scheduled time to the poll that first saw it."""
    calls = EVENTS // BATCH
    poster = PacedPoster(
        port=run_.api_port,
        path=f"/api/v1/accounts/{run_.main.pk}/events/",
        token=run_.token,
        count=calls,
        body=cart_body(prefix),
        interval=BATCH / RATE,
        start=time.time() + 2,
    ).begin()
    latencies: dict[str, float] = {}
    deadline, polls, foreign_s = None, 0, 0.0
    database = connection.settings_dict["NAME"]
    while len(latencies) < calls * BATCH:
        if polls % 10 == 0:
            foreign_s = max(foreign_s, foreign_transaction_age(database))
        polls += 1
        carts = newly_seen()
        now = time.time()
        for cart in carts:
            if cart.startswith(prefix) and cart not in latencies:
                number = int(cart[len(prefix) :])
                latencies[cart] = now - poster.scheduled((number - 1) // BATCH)
        if deadline is None and poster.done():
            deadline = time.monotonic() + TIMEOUT
        if deadline is not None and time.monotonic() > deadline:
            break
        time.sleep(POLL_S)
    poster.join()
    answers = poster.answers
    statuses: dict[int, int] = {}
    for answer in answers:
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
    run_.checks.expect_statuses(f"{what}: API calls", statuses)
    accepted = sum(answer.body.get("accepted", 0) for answer in answers)
    rejected = sum(len(answer.body.get("rejected", ())) for answer in answers)
    duplicates = sum(answer.body.get("duplicates", 0) for answer in answers)
    run_.checks.expect(
        accepted == calls * BATCH and not rejected and not duplicates,
        f"{what}: {accepted:,} of {calls * BATCH:,} events accepted, {rejected:,} rejected, "
        f"{duplicates:,} duplicates",
    )
    run_.checks.expect(
        len(latencies) == calls * BATCH,
        f"{what}: {len(latencies):,} of {calls * BATCH:,} events seen within {TIMEOUT:.0f} s",
    )
    print(
        f"{what}: {len(latencies):,} of {calls * BATCH:,} seen, "
        f"{accepted:,} accepted, calls answered {statuses}"
    )
    last_answer = max((answer.ended for answer in answers), default=poster.start)
    api = [answer.ended - answer.scheduled for answer in answers] or [0.0]
    return Paced(
        latencies=list(latencies.values()),
        seen=len(latencies),
        events_per_s=accepted / max(last_answer - poster.start, 1e-9),
        api_p50_s=percentile(api, 50),
        api_p99_s=percentile(api, 99),
        statuses=statuses,
        foreign_transaction_max_s=foreign_s,
    )


def scenario_ingestion(run_: Run) -> None:
    if EVENTS % BATCH or EVENTS > FRIENDS:
        raise BenchFailed("BENCH_JOURNEYS_EVENTS must be a multiple of the batch, at most FRIENDS")
    account = run_.main
    print(f"ingestion: {EVENTS:,} events at {RATE:,.0f}/s, no journey (the hub's baseline)")
    hub = paced_events(run_, "b", drained_carts(account), "hub baseline")
    journey = journey_activate(
        run_.workspace, account, "Cart (ingestion)", starter="cart_abandonment"
    )
    print(f"ingestion: {EVENTS:,} events at {RATE:,.0f}/s into the cart-abandonment journey")
    enrolled = paced_events(run_, "j", enrolled_carts(journey), "journey ingestion")
    with connection.cursor() as sql:
        sql.execute(
            "SELECT count(*), count(DISTINCT friend_id) FROM journeys_enrolment WHERE journey_id = %s",
            [journey.pk],
        )
        rows, distinct = sql.fetchone()
    run_.checks.expect(
        rows == EVENTS and distinct == EVENTS,
        f"journey ingestion: {rows:,} enrolments of {distinct:,} friends, expected {EVENTS:,}",
    )
    run_.checks.raise_if_failed()
    baseline = Timing("hub only, event -> drained (no journey)", tuple(hub.latencies))
    workload = Timing("event -> enrolment (cart journey)", tuple(enrolled.latencies))
    run_.add("ingestion", baseline, workload)
    run_.params["ingestion"] = {
        "events": EVENTS,
        "batch": BATCH,
        "target_events_per_s": RATE,
        "hub": {
            **rounded(baseline),
            "achieved_events_per_s": round(hub.events_per_s, 1),
            "oldest_foreign_transaction_s": round(hub.foreign_transaction_max_s, 1),
        },
        "journey": {
            **rounded(workload),
            "achieved_events_per_s": round(enrolled.events_per_s, 1),
            "oldest_foreign_transaction_s": round(enrolled.foreign_transaction_max_s, 1),
        },
        "rate_held": enrolled.events_per_s >= 0.95 * RATE,
        "api_call_p50_s": round(enrolled.api_p50_s, 3),
        "api_call_p99_s": round(enrolled.api_p99_s, 3),
        "p99_ratio_to_hub": round(workload.p99 / baseline.p99, 2) if baseline.p99 else None,
    }


# 2. Due steps with a million waiting --------------------------------------------------------------


def _due_lags(journey: Journey) -> list[tuple[float, float]]:
    """Per due enrolment that was advanced: its due time (entered + 1 hour, epoch s) and the
    lag to its first journal line."""
    with connection.cursor() as sql:
        sql.execute(
            """
            SELECT extract(epoch FROM e.entered_at + interval '1 hour'),
                extract(epoch FROM min(s.at) - (e.entered_at + interval '1 hour'))
            FROM journeys_enrolment e JOIN journeys_enrolmentstep s ON s.enrolment_id = e.id
            WHERE e.journey_id = %s GROUP BY e.id
            """,
            [journey.pk],
        )
        return [(float(due), float(lag)) for due, lag in sql.fetchall()]


def _tick_floor(due: float, ticks: list[float]) -> float | None:
    """From ``due`` to the first runner tick the bench sent after it."""
    later = [tick for tick in ticks if tick >= due]
    return min(later) - due if later else None


def scenario_due(run_: Run) -> None:
    account, checks = run_.main, run_.checks
    if WAITING > FRIENDS or DUE > WAITING:
        raise BenchFailed("BENCH_JOURNEYS_DUE <= BENCH_JOURNEYS_WAITING <= FRIENDS, please")
    journey = journey_activate(
        run_.workspace, account, "Cart (due steps)", starter="cart_abandonment"
    )
    started = time.perf_counter()
    # The rest fall due after the measurement, over the next 3 hours.
    later = DUE_WINDOW + TIMEOUT + 600
    waiting_enrolments(
        journey,
        count=WAITING - DUE,
        skip=DUE,
        prefix="rest-",
        due_sql="now() + %s * interval '1 second' + random() * interval '3 hours'",
        params=[later],
    )
    start = datetime.now(UTC) + timedelta(seconds=5)
    waiting_enrolments(
        journey,
        count=DUE,
        prefix="due-",
        due_sql="%s::timestamptz + (f.rn - 1) * %s * interval '1 millisecond'",
        params=[start, DUE_WINDOW * 1000 / DUE],
    )
    print(
        f"due: {WAITING:,} enrolments waiting (generated in {time.perf_counter() - started:.1f} s), "
        f"{DUE:,} due over {DUE_WINDOW:.0f} s"
    )
    before = fake_stats(run_.fake)
    wait_for(lambda: len(_due_lags(journey)) >= DUE, DUE_WINDOW + 5 + TIMEOUT, every=2.0)
    lags = _due_lags(journey)
    # A runner still working through its batches may advance the last enrolments before the
    # beat's next tick: wait for that tick, the floor of the latest due time.
    last_due = max((due for due, _lag in lags), default=0.0)
    wait_for(lambda: any(tick >= last_due for tick in run_.beat.ticks[RUNNER_TASK]), 15, every=0.5)
    checks.expect(len(lags) == DUE, f"due steps: {len(lags):,} of {DUE:,} due enrolments advanced")
    early = [lag for _due, lag in lags if lag < 0]
    checks.expect(not early, f"due steps: {len(early):,} enrolments advanced before they were due")
    ticks = list(run_.beat.ticks[RUNNER_TASK])
    floors = [f for due, _lag in lags if (f := _tick_floor(due, ticks)) is not None]
    checks.expect(len(floors) == len(lags), "due steps: a due time after the last runner tick")
    sends = wait_for_sends(journey, DUE, "due steps' reminders", checks)
    seen = delta(before, fake_stats(run_.fake))
    line_checks(checks, "due steps' reminders", seen, DUE)
    run_.checks.raise_if_failed()
    baseline = Timing("beat floor: next_run_at -> next runner tick", tuple(floors or [0.0]))
    workload = Timing(
        f"next_run_at -> journal line ({WAITING:,} waiting)",
        tuple(lag for _due, lag in lags) or (0.0,),
    )
    run_.add("due", baseline, workload)
    run_.params["due"] = {
        "waiting": WAITING,
        "due": DUE,
        "due_window_s": DUE_WINDOW,
        "lag": rounded(workload),
        "beat_floor": rounded(baseline),
        "target_p99_s": DUE_TARGET_P99_S,
        "p99_within_target": workload.p99 < DUE_TARGET_P99_S,
        "reminder_sends": sends,
        "line": seen,
    }


# 3. Push throughput --------------------------------------------------------------------------------
