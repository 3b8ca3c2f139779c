"""Where the auto-replies a drain decided are sent from: in a Celery pool process, its sender
thread; anywhere else (tests running tasks eagerly, a web request's inline drain), at once.

The drain that decides auto-replies is the webhook task's (``activity_react_now`` after each
batch). Sent in that task, the LINE calls and the recording of their outcomes held the next
batch back for as long as they took (a few hundred milliseconds a batch at 300 messages a
second, bench/inbox.py), and every message behind it waited too. In a pool process the ids go
to one sender thread instead, in the order the drains committed them, and the task goes on.

Nothing of exactly once depends on where the sends go from: each row is claimed by one
transaction (``inbox.autoreplies.sending``). A process that dies with sends still waiting here
leaves them queued, and the beat's sweep sends them while their tokens are valid; a process
that exits in order (replaced after its task or memory limit) first waits for its sender.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection

from inbox.autoreplies.sending import auto_replies_deliver
from oa_console.models import LineAccount

logger = logging.getLogger("inbox.auto_replies")

_state: dict = {"background": False, "pid": 0, "executor": None}


def send_in_background() -> None:
    """From now on this process sends from its sender thread (``worker_process_init``)."""
    _state["background"] = True


def _executor() -> ThreadPoolExecutor:
    """The process's sender thread (made again in a forked child: threads do not survive
    a fork)."""
    if _state["executor"] is None or _state["pid"] != os.getpid():
        _state["executor"] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="auto-replies")
        _state["pid"] = os.getpid()
    return _state["executor"]


def _deliver(account: LineAccount, send_ids: list[int]) -> int:
    """In the sender thread, on its own database connection (kept between batches; dropped
    after an error left it unusable)."""
    if connection.errors_occurred:
        connection.close_if_unusable_or_obsolete()
    return auto_replies_deliver(account=account, send_ids=send_ids)


def auto_replies_deliver_soon(*, account: LineAccount, send_ids: Sequence[int]) -> Future | None:
    """Send the sends a drain just committed: from the sender thread in a pool process (the
    future of its batch), else at once (None)."""
    if not _state["background"]:
        auto_replies_deliver(account=account, send_ids=send_ids)
        return None
    return _executor().submit(_deliver, account, list(send_ids))


def auto_replies_sent() -> None:
    """Until the sends handed to the sender thread so far are done (tests, shutdown)."""
    if _state["executor"] is not None and _state["pid"] == os.getpid():
        _state["executor"].submit(lambda: None).result()


def auto_replies_send_before_exit() -> None:
    """A pool process about to exit (``worker_process_shutdown``: replaced after its task or
    memory limit, or the worker stopping) first lets its sender thread finish what it was
    handed. The process ends with ``os._exit``, which kills the thread mid-batch: its claimed
    sends were left "sending" (never answered, and ended "unknown" by the sweep) and the
    queued ones waited for the sweep, their reply tokens ageing. Each call is bounded by the
    LINE client's timeouts."""
    auto_replies_sent()
