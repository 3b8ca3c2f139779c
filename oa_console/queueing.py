"""Enqueue a Celery task from a request without letting a broker outage slow the answer.

Celery's default publish path retries the broker connection for several seconds; a webhook
request has 2 s in total. Here each thread keeps one broker connection that tries to connect
once, with a short timeout, and after a failure the broker is not tried again for a few
seconds. Callers only use this for work that a periodic sweep also finds (the data is already
durable), so "not enqueued" means "later", never "lost".
"""

from __future__ import annotations

import logging
import threading
import time

from celery import current_app

logger = logging.getLogger("oa_console.queueing")

CONNECT_TIMEOUT = 1.0
BACKOFF_SECONDS = 5.0

_local = threading.local()


def _connection():
    connection = getattr(_local, "connection", None)
    if connection is None:
        app = current_app
        connection = app.connection_for_write(
            connect_timeout=CONNECT_TIMEOUT,
            transport_options={**(app.conf.broker_transport_options or {}), "max_retries": 0},
        )
        _local.connection = connection
    return connection


def _drop_connection() -> None:
    connection = getattr(_local, "connection", None)
    _local.connection = None
    if connection is not None:
        try:
            connection.release()
        except Exception:
            logger.debug("closing a failed broker connection failed", exc_info=True)


def enqueue_best_effort(task, args: tuple, **options) -> bool:
    """Send ``task`` with ``args``; False (and a warning) when the broker cannot take it now."""
    if time.monotonic() < getattr(_local, "down_until", 0.0):
        return False
    try:
        task.apply_async(args, retry=False, connection=_connection(), **options)
    except Exception:  # kombu wraps every transport error differently; all mean "not now"
        _drop_connection()
        _local.down_until = time.monotonic() + BACKOFF_SECONDS
        logger.warning(
            "broker unavailable; task left for the sweep", extra={"task": task.name}, exc_info=True
        )
        return False
    return True


def reset() -> None:
    """Forget the cached connection and outage (tests switching brokers, forked workers)."""
    _drop_connection()
    _local.down_until = 0.0
