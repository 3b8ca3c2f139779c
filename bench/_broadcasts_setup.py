"""What bench/broadcasts.py and bench/journeys.py share to time a broadcast: friends generated
in SQL, the broadcast (multicast, or an A/B test that goes by push), its planning and its send
by the worker, and the checks that the send really happened.

Import after ``setup_django()``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection

from bench._broadcasts_processes import CONCURRENCY, memory_mb, wait_for_worker
from bench._guard import BenchFailed, Checks
from broadcasts.models import Broadcast
from broadcasts.services import planning, workflow
from oa_console.celery import app as celery_app
from oa_console.models import LineAccount, Workspace
from oa_console.tenancy import tenant_scope
from segments.models import Segment


def generate_friends(account: LineAccount, count: int, *, first: int = 1) -> None:
    """``count`` following friends in one INSERT ... SELECT, user ids ``U<hex of first..>``
    (give each OA of one run its own ``first``: the fake LINE server counts by user id)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO segments_friend (account_id, line_user_id, status, status_changed_at,
                first_followed_at, last_followed_at, times_unblocked, message_count,
                display_name, picture_url, language, status_message, member_id, gender,
                region, member_tier, add_source, profile_status, profile_attempts,
                profile_error, source, created_at, updated_at)
            SELECT %s, 'U' || lpad(to_hex(g), 32, '0'), 'following', now(), now(), now(), 0, 0,
                'Friend ' || g, '', 'ja', '', '', '', '', '', '', 'fetched', 0, '', 'webhook', now(), now()
            FROM generate_series(%s, %s) AS g
            """,
            [account.pk, first, first + count - 1],
        )
        cursor.execute("ANALYZE segments_friend")


def create_broadcast(
    account: LineAccount, segment: Segment, *, ab: bool, extra_messages: tuple[dict, ...] = ()
) -> Broadcast:
    """A multicast broadcast with clicks per link, or (``ab``) an A/B test of 2 variants with a
    tracked link each, which goes by push: one friend per call, so each click names the friend.
    ``extra_messages`` follow each variant's text (a bench comparing another push path gives
    the broadcast the same bubbles, so the fake LINE server validates as much per call)."""
    if not ab:
        # Clicks per link: the million goes by multicast (per friend would push it).
        return workflow.broadcast_create(
            account=account,
            created_by=None,
            name="Bench",
            messages=[{"type": "text", "text": "Hello https://shop.example/a"}],
            audience_kind=Broadcast.AudienceKind.SEGMENT,
            segment_id=segment.pk,
            click_attribution=Broadcast.ClickAttribution.LINK,
        )
    return workflow.broadcast_create(
        account=account,
        created_by=None,
        name="Bench A/B",
        messages=[],
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment_id=segment.pk,
        variants=[
            {
                "name": name,
                "messages": [{"type": "text", "text": f"{text} {link}"}, *extra_messages],
            }
            for name, text, link in (
                ("A", "Spring sale", "https://shop.example/a"),
                ("B", "20% off today", "https://shop.example/b"),
            )
        ],
    )


@dataclass
class SendRun:
    """A broadcast planned in this process and sent by the worker, as it was timed."""

    broadcast: Broadcast
    recipients: int
    planning_s: float
    send_s: float
    status: str
    peak_mb: float = 0.0
    peak_pss_mb: float = 0.0
    peak_process_mb: float = 0.0


def broadcast_plan_and_send(
    *,
    workspace: Workspace,
    account: LineAccount,
    segment: Segment,
    ab: bool,
    worker_pid: int,
    timeout: float,
    extra_messages: tuple[dict, ...] = (),
) -> SendRun:
    """Create the broadcast, plan it here (timed), then start the send tasks
    ``dispatch_broadcast`` starts (one per worker process) and poll until it is settled,
    reading the worker's memory once a second."""
    from broadcasts.tasks import send_broadcast

    with tenant_scope(workspace=workspace, account=account):
        broadcast = create_broadcast(account, segment, ab=ab, extra_messages=extra_messages)
        Broadcast.unscoped.filter(pk=broadcast.pk).update(status="scheduled")
        celery_app.control.purge()
        wait_for_worker(CONCURRENCY)
        plan_started = time.perf_counter()
        planned = planning.broadcast_plan(broadcast_id=broadcast.pk)
        planning_s = time.perf_counter() - plan_started
    if planned is None or planned.status != "sending":
        raise BenchFailed(f"planning did not start the send: {planned and planned.status}")
    run = SendRun(broadcast, planned.recipients, planning_s, 0.0, "sending")
    send_started = time.perf_counter()
    for _n in range(CONCURRENCY):
        send_broadcast.delay(broadcast.pk)
    deadline, polls = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        if polls % 4 == 0:  # once a second: reading smaps costs CPU the sender needs
            total_mb, pss_mb, largest_mb = memory_mb(worker_pid)
            run.peak_mb = max(run.peak_mb, total_mb)
            run.peak_process_mb = max(run.peak_process_mb, largest_mb)
            run.peak_pss_mb = max(run.peak_pss_mb, pss_mb)
        polls += 1
        run.status = Broadcast.unscoped.values_list("status", flat=True).get(pk=broadcast.pk)
        if run.status != "sending":
            break
        time.sleep(0.25)
    run.send_s = time.perf_counter() - send_started
    broadcast.refresh_from_db()
    return run


def send_checks(*, status: str, planned_recipients: int, accepted: int, stats: dict) -> Checks:
    """The send this bench timed really happened: settled as sent, every recipient reached
    exactly once, by requests LINE's spec accepts."""
    checks = Checks()
    checks.expect(status == "sent", f"the broadcast ended {status!r}, not 'sent'")
    checks.expect(
        accepted == planned_recipients,
        f"LINE accepted {accepted:,} of {planned_recipients:,} planned recipients",
    )
    checks.expect(
        stats["recipients"] == planned_recipients,
        f"the fake LINE server reached {stats['recipients']:,} of {planned_recipients:,} "
        "recipients",
    )
    checks.expect(stats["duplicates"] == 0, f"{stats['duplicates']:,} duplicate deliveries")
    checks.expect(stats["invalid"] == 0, f"{stats['invalid']:,} requests invalid for LINE's spec")
    return checks
