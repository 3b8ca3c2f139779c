"""A real Celery worker killed in the middle of a multicast (or push) claim resumes in a new
worker with no batch sent twice and none skipped: every recipient gets the broadcast exactly
once.

Runs on PostgreSQL (the worker is a separate process and must share the test database) with
whatever broker the settings name. The fake LINE server accepts a call of the second claim and
then holds its answer; the test SIGKILLs the worker at that moment, so LINE has the claim's
batches (some of them) but the worker never recorded them. The claim's transaction rolls back,
the retry keys stay, and the next worker's repeats are answered 409: accepted once, delivered
once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import sending, workflow
from broadcasts.tasks import send_broadcast
from oa_console import queueing
from oa_console.celery import app as celery_app
from oa_console.tenancy import tenant_scope
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90.0

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the worker process needs a shared PostgreSQL"
)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}"
    )


def _start_worker(line_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "LINE_API_HOST": line_url,
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "oa_console",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(predicate, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_send_resumes_without_duplicates(account, rules, line):
    """Multicasts go out a claim at a time: the first claim is committed, then the worker is
    killed while the second claim's calls are in flight (LINE has accepted some of them). The
    first claim's batches stay accepted, the second's are all pending with their keys, and
    the next worker sends those again (409 for what LINE had) and the rest once."""
    claim = sending.MULTICAST_CLAIM
    batches_planned = 2 * claim + 2
    friends = make_friends(account, batches_planned * 500 - 200)
    in_flight = threading.Event()
    release = threading.Event()
    accepted_so_far = []

    def hold_one_of_the_second_claim(accepted) -> None:
        accepted_so_far.append(accepted)
        if len(accepted_so_far) == claim + 2:
            in_flight.set()
            release.wait(TIMEOUT)

    line.on_accept = hold_one_of_the_second_claim
    with tenant_scope(workspace=account.workspace, account=account):
        broadcast = make_broadcast(
            account,
            audience_kind=Broadcast.AudienceKind.SEGMENT,
            segment=everyone_segment(account),
            status=Broadcast.Status.APPROVED,
        )
    celery_app.control.purge()
    queueing.reset()
    first = _start_worker(line.server.url)
    try:
        workflow.broadcast_schedule(broadcast=broadcast, send_at=None)  # "send now"
        _wait(in_flight.is_set, "a multicast of the second claim to reach LINE")
        time.sleep(0.5)  # the claim's other calls are answered meanwhile
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        release.set()
        if first.poll() is None:
            first.kill()

    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.method) == (Broadcast.Status.SENDING, "multicast")
    statuses = list(
        BroadcastBatch.unscoped.filter(broadcast=broadcast)
        .order_by("sequence")
        .values_list("status", flat=True)
    )
    assert statuses == ["accepted"] * claim + ["pending"] * (claim + 2)
    accepted_before_resume = len(line.accepted)
    assert accepted_before_resume >= claim + 2  # the killed claim's calls reached LINE

    second = _start_worker(line.server.url)
    try:
        # What beat's stalled-broadcast sweep enqueues for a broadcast nobody is working on.
        send_broadcast.delay(broadcast.pk)
        _wait(
            lambda: Broadcast.unscoped.get(pk=broadcast.pk).status == Broadcast.Status.SENT,
            "the broadcast to finish",
        )
    finally:
        second.terminate()
        second.wait(20)

    batches = BroadcastBatch.unscoped.filter(broadcast=broadcast).order_by("sequence")
    assert [b.status for b in batches] == ["accepted"] * batches_planned
    duplicates = [b.sequence for b in batches if b.duplicate_of_accepted]
    assert len(duplicates) == accepted_before_resume - claim
    assert all(claim <= sequence < 2 * claim for sequence in duplicates)  # the killed claim's
    assert len(line.received) == len(friends)
    assert set(line.received.values()) == {1}, "a recipient got the broadcast twice"
    assert len(line.accepted) == batches_planned


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_push_claim_resumes_without_duplicates(account, rules, line):
    """Pushes go out a claim at a time (several calls at once, outcomes committed together):
    a worker killed while a claim's calls are in flight leaves every batch of that claim
    pending with its key, though LINE accepted some of them; the next worker's resends of
    those are answered 409, so each friend still gets the message once."""
    claim = sending.PUSH_CLAIM
    friends = make_friends(account, 2 * claim + 10)
    in_flight = threading.Event()
    release = threading.Event()
    accepted_so_far = []

    def hold_one_of_the_second_claim(accepted) -> None:
        accepted_so_far.append(accepted)
        if len(accepted_so_far) == claim + 5:
            in_flight.set()
            release.wait(TIMEOUT)

    line.on_accept = hold_one_of_the_second_claim
    with tenant_scope(workspace=account.workspace, account=account):
        broadcast = make_broadcast(
            account,
            messages=[{"type": "text", "text": "Sale today https://shop.example/sale"}],
            audience_kind=Broadcast.AudienceKind.SEGMENT,
            segment=everyone_segment(account),
            status=Broadcast.Status.APPROVED,
            click_attribution=Broadcast.ClickAttribution.FRIEND,
        )
    celery_app.control.purge()
    queueing.reset()
    first = _start_worker(line.server.url)
    try:
        workflow.broadcast_schedule(broadcast=broadcast, send_at=None)  # "send now"
        _wait(in_flight.is_set, "a push of the second claim to reach LINE")
        time.sleep(0.5)  # the claim's other calls are answered meanwhile
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        release.set()
        if first.poll() is None:
            first.kill()

    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.method) == (Broadcast.Status.SENDING, "push")
    statuses = list(
        BroadcastBatch.unscoped.filter(broadcast=broadcast)
        .order_by("sequence")
        .values_list("status", flat=True)
    )
    assert statuses == ["accepted"] * claim + ["pending"] * (claim + 10)
    accepted_before_resume = len(line.accepted)
    assert accepted_before_resume > claim + 1  # the killed claim's calls reached LINE

    second = _start_worker(line.server.url)
    try:
        send_broadcast.delay(broadcast.pk)
        _wait(
            lambda: Broadcast.unscoped.get(pk=broadcast.pk).status == Broadcast.Status.SENT,
            "the broadcast to finish",
        )
    finally:
        second.terminate()
        second.wait(20)

    batches = BroadcastBatch.unscoped.filter(broadcast=broadcast)
    assert set(batches.values_list("status", flat=True)) == {"accepted"}
    assert batches.filter(duplicate_of_accepted=True).count() == accepted_before_resume - claim
    assert len(line.received) == len(friends)
    assert set(line.received.values()) == {1}, "a friend got the broadcast twice"
    assert len(line.accepted) == len(friends)
