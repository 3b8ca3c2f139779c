"""Sending: every LINE call of a broadcast, exactly once per batch.

A batch row and its ``X-Line-Retry-Key`` are committed when the broadcast is planned, before
any call. Each batch is then sent inside a transaction that holds its row lock (``SKIP LOCKED``
lets several workers share one broadcast; pushes and multicasts are claimed and sent several at
a time): if the worker dies mid-call the transaction rolls back, the batch is still pending with
the same key, and the next attempt gets 409 from LINE if the first had been accepted. 5xx and
timeouts are retried later with the same key; 429 waits for the window LINE names; any other
4xx fails the batch with LINE's message (``oa_console.line.outcomes`` classifies every answer).
The worker only sleeps through a sub-second limiter wait; otherwise the caller gets
``retry_in`` and re-enqueues itself with that countdown.

Modules, by concern:
- ``scheduling``: due and stalled broadcasts, starting (planning) a send;
- ``uploads``: a narrowcast's audiences uploaded to LINE (audience group ids);
- ``requests``: request bodies and the calls that carry them;
- ``rounds``: claiming batches and the send rounds (``broadcast_send``);
- ``recording``: storing each call's outcome on its batch;
- ``finishing``: the final state, narrowcast progress polling;
- ``trial_sends``: test sends to the marketer's own LINE account.

LINE's acceptance of a broadcast or narrowcast request id is announced through
``broadcasts.hooks`` (insights fetches its statistics).

The package's public functions are importable from it directly (``sending.broadcast_send``).
"""

from broadcasts.services.sending.finishing import (
    POLL_EVERY,
    SendProgress,
    broadcast_finish,
    broadcast_narrowcast_poll,
)
from broadcasts.services.sending.recording import MAX_ATTEMPTS, MAX_RATE_LIMITED
from broadcasts.services.sending.rounds import MULTICAST_CLAIM, PUSH_CLAIM, broadcast_send
from broadcasts.services.sending.scheduling import (
    broadcast_continue_at,
    broadcast_start,
    broadcasts_due,
    broadcasts_stalled,
)
from broadcasts.services.sending.trial_sends import broadcast_send_test

__all__ = [
    "MAX_ATTEMPTS",
    "MAX_RATE_LIMITED",
    "MULTICAST_CLAIM",
    "POLL_EVERY",
    "PUSH_CLAIM",
    "SendProgress",
    "broadcast_continue_at",
    "broadcast_finish",
    "broadcast_narrowcast_poll",
    "broadcast_send",
    "broadcast_send_test",
    "broadcast_start",
    "broadcasts_due",
    "broadcasts_stalled",
]
