"""Multicast sending claims several batches per transaction and sends them at once, like push:
one limiter call per claim, the calls overlapping, each batch's outcome recorded on its own row
whatever the others' were."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import sending
from tests.broadcasts.conftest import (
    assert_sent_once_each,
    claim_queries,
    everyone_segment,
    make_broadcast,
    make_friends,
)
from tests.broadcasts.test_sending import run_to_end

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Status = Broadcast.Status


def multicast_broadcast(account) -> Broadcast:
    broadcast = make_broadcast(
        account,
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
    )
    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    broadcast.refresh_from_db()
    assert broadcast.method == Broadcast.Method.MULTICAST
    return broadcast


def test_multicasts_are_claimed_together_and_sent_at_once(
    account, rules, line, limiter_calls, most_in_flight
):
    claim = sending.MULTICAST_CLAIM
    friends = make_friends(account, claim * 500 + 101)  # a full claim, then one more batch
    broadcast = multicast_broadcast(account)
    with CaptureQueriesContext(connection) as queries:
        progress = sending.broadcast_send(broadcast_id=broadcast.pk)

    assert progress.finished
    claims = claim_queries(queries)
    assert len(claims) == 3  # a full claim, the last batch, then none left
    assert limiter_calls == [("multicast", claim), ("multicast", 1)]  # one per claim
    assert most_in_flight[0] > 1, "the multicasts of a claim were sent one after another"
    assert_sent_once_each(line, broadcast, friends)


def test_a_multicast_claim_with_mixed_outcomes_records_each(account, rules, line):
    make_friends(account, 4 * 500)
    broadcast = multicast_broadcast(account)
    # Whichever calls arrive first: one is answered 500, the next 400, the rest accepted.
    line.server.fail_next("multicast", 500)
    line.server.fail_next("multicast", 400, message="The property, 'to', is invalid")

    progress = sending.broadcast_send(broadcast_id=broadcast.pk)

    assert not progress.finished and progress.retry_in >= 2  # the 500 waits for its back-off
    batches = list(BroadcastBatch.unscoped.filter(broadcast=broadcast))
    outcomes = Counter((b.status, b.http_status) for b in batches)
    assert outcomes == Counter({("accepted", 200): 2, ("pending", 500): 1, ("failed", 400): 1})
    (retried,) = [b for b in batches if b.status == "pending"]
    assert retried.attempts == 1 and retried.next_attempt_at is not None
    (failed,) = [b for b in batches if b.status == "failed"]
    assert failed.error_message == "The property, 'to', is invalid"

    broadcast = run_to_end(broadcast)  # the 500 is due again: resent with the same key
    keys = Counter(c.headers["X-Line-Retry-Key"] for c in line.server.calls("multicast"))
    assert keys[str(retried.retry_key)] == 2 and keys[str(failed.retry_key)] == 1
    assert set(line.received.values()) == {1} and len(line.received) == 3 * 500
    assert (broadcast.status, broadcast.accepted_count, broadcast.failed_count) == (
        Status.PARTIALLY_FAILED,
        1500,
        500,
    )
