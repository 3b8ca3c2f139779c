"""Fixtures for broadcasts: an OA with following friends, the fake LINE server answering sends
with LINE's retry-key semantics, and helpers to bring a broadcast to a given state."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime
from datetime import time as clock_time

import pytest
from django.db import connection
from django.utils import timezone

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import workflow
from segments.models import Friend, Segment, SendingRules
from tests.fakes.line_sending import SendingScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)

TEXT = [{"type": "text", "text": "Spring sale starts today https://shop.example/sale"}]


@pytest.fixture
def line(fake_line):  # noqa: F811
    """The fake LINE server with sending, audience, progress and quota answers."""
    script = SendingScript().install(fake_line)
    script.server = fake_line
    return script


@pytest.fixture
def limiter_calls(monkeypatch) -> list[tuple[str, int]]:
    """Every ``rate_limit_acquire`` call as (endpoint, tokens asked), the limiter still real."""
    from oa_console.line import limiter

    calls: list[tuple[str, int]] = []
    acquire = limiter.rate_limit_acquire

    def counting(account, endpoint="default", count=1):
        calls.append((endpoint, count))
        return acquire(account, endpoint, count)

    monkeypatch.setattr(limiter, "rate_limit_acquire", counting)
    return calls


@pytest.fixture
def most_in_flight(line) -> list[int]:
    """LINE takes 50 ms to answer each accepted send; ``[0]`` is the most calls it held at
    once (above 1 when a claim's calls overlap)."""
    in_flight, most = [0], [0]
    lock = threading.Lock()

    def overlapping(accepted) -> None:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.05)
        with lock:
            in_flight[0] -= 1

    line.on_accept = overlapping
    return most


@pytest.fixture
def rules(account):
    """Sending rules with quiet hours off, so tests do not depend on the hour they run at;
    quiet-hour tests switch them on with a pinned clock. Aggregation units (on by default,
    tested in test_aggregation_units.py and test_results_loop.py) are off here, so a test of
    something else sees exactly the calls and bodies it is about."""
    return SendingRules.unscoped.create(
        account=account,
        use_aggregation_units=False,
        cap_enabled=True,
        cap_messages=2,
        cap_days=7,
        quiet_enabled=False,
        quiet_start=clock_time(22, 0),
        quiet_end=clock_time(8, 0),
    )


def make_friends(account, count: int, *, start: int = 0, **fields) -> list[Friend]:
    now = timezone.now()
    return Friend.unscoped.bulk_create(
        [
            Friend(
                account=account,
                line_user_id="U" + f"{account.pk:08x}{start + n:024x}",
                status=Friend.Status.FOLLOWING,
                first_followed_at=now,
                last_followed_at=now,
                display_name=f"Friend {start + n}",
                **fields,
            )
            for n in range(count)
        ]
    )


def everyone_segment(account, name: str = "Everyone") -> Segment:
    return Segment.unscoped.create(account=account, name=name, rules={"all": []})


def make_broadcast(
    account,
    *,
    messages=None,
    audience_kind: str = Broadcast.AudienceKind.ALL,
    segment: Segment | None = None,
    demographic: dict | None = None,
    status: str = Broadcast.Status.DRAFT,
    send_at: datetime | None = None,
    user=None,
    click_attribution: str = Broadcast.ClickAttribution.LINK,
) -> Broadcast:
    """A broadcast created through the services and moved to ``status`` the way users do.

    Clicks are attributed per link unless asked: ``TEXT`` holds a tracked link, and these
    tests are about the multicast / LINE broadcast / narrowcast paths; the product's default
    (per friend, by push) is tested on its own in test_click_attribution.py."""
    broadcast = workflow.broadcast_create(
        account=account,
        created_by=user,
        name="Spring sale",
        messages=messages or TEXT,
        audience_kind=audience_kind,
        segment_id=segment.pk if segment else None,
        demographic=demographic,
        click_attribution=click_attribution,
    )
    order = [
        Broadcast.Status.DRAFT,
        Broadcast.Status.IN_REVIEW,
        Broadcast.Status.APPROVED,
        Broadcast.Status.SCHEDULED,
    ]
    target = order.index(status)
    if target >= 1:
        broadcast = workflow.broadcast_submit(broadcast=broadcast, user=user)
    if target >= 2:
        broadcast = workflow.broadcast_approve(broadcast=broadcast, user=user)
    if target >= 3:
        # Scheduled for "now" without going through on_commit dispatch: tests drive sending.
        Broadcast.unscoped.filter(pk=broadcast.pk).update(
            status=Broadcast.Status.SCHEDULED, send_at=send_at or timezone.now()
        )
        broadcast.refresh_from_db()
    return broadcast


def assert_sent_once_each(line, broadcast: Broadcast, friends: list[Friend]) -> None:
    """Each friend got the message once, every batch is accepted with LINE's request id (none
    as a 409), and the broadcast is sent to them all."""
    assert Counter(line.received) == Counter({f.line_user_id: 1 for f in friends})
    batches = BroadcastBatch.unscoped.filter(broadcast=broadcast)
    assert set(batches.values_list("status", flat=True)) == {"accepted"}
    assert {b.request_id for b in batches} == {a.request_id for a in line.accepted.values()}
    assert all(b.http_status == 200 and b.sent_at and not b.duplicate_of_accepted for b in batches)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.accepted_count) == (
        Broadcast.Status.SENT,
        len(friends),
    )


def claim_queries(queries) -> list[str]:
    """The claims among the captured ``queries``: each selects the due batches of a broadcast in
    sending order, limited to one claim's size.

    On PostgreSQL a claim locks its rows ``FOR UPDATE SKIP LOCKED`` (checked here), so parallel
    senders take different batches. SQLite has no row locks (Django leaves ``select_for_update``
    out of its SQL); there every transaction begins IMMEDIATE (oa_console/settings.py), taking
    the database's one write lock, so the claims of parallel senders follow one another."""
    table = BroadcastBatch._meta.db_table
    claims = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith(f'SELECT "{table}"."id"')
        and f'ORDER BY "{table}"."sequence" ASC LIMIT ' in query["sql"]
    ]
    if connection.features.has_select_for_update_skip_locked:
        assert all(sql.endswith(" FOR UPDATE SKIP LOCKED") for sql in claims), claims
    else:
        assert connection.vendor == "sqlite"
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    return claims
