"""``GET /healthz``: are the database and the Celery broker reachable? Used by compose healthchecks.

The answer is 200 only when both are reachable, 503 otherwise, so an orchestrator restarts or
holds back a web container that cannot do its job. The beat heartbeat is reported for operators
but does not change the status: a web server is healthy even while the scheduler restarts.

The endpoint is public, so it names no tenant and reveals no URL, host or credential: failures
are reported by exception class only, and the full error goes to the log.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from oa_console.celery import app as celery_app
from oa_console.models import Heartbeat

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2.0
BEAT_HEARTBEAT_NAME = "beat"


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def check_database() -> dict[str, Any]:
    """Run ``SELECT 1`` on the default database."""
    started = time.perf_counter()
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.exception("healthz: database check failed")
        return {"ok": False, "error": type(exc).__name__, "latency_ms": _elapsed_ms(started)}
    return {"ok": True, "vendor": connections["default"].vendor, "latency_ms": _elapsed_ms(started)}


def _filesystem_broker_error(transport_options: dict[str, Any]) -> str | None:
    """The embedded broker is a set of folders: it is reachable when they exist and are writable.

    Opening a kombu connection to it never fails, so the folders are what can actually break.
    """
    for key in ("data_folder_in", "data_folder_out"):
        folder = transport_options.get(key)
        if folder and not (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
            return "BrokerFolderUnavailable"
    return None


def check_broker() -> dict[str, Any]:
    """Open a connection to the Celery broker with a short timeout.

    The URL is read from Django settings at call time (not from the Celery app's configuration,
    which is frozen at import) so that overriding ``CELERY_BROKER_URL`` takes effect.
    """
    started = time.perf_counter()
    url = settings.CELERY_BROKER_URL
    transport_options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {})
    connection = celery_app.connection_for_write(
        url=url, transport_options=transport_options, connect_timeout=BROKER_TIMEOUT_SECONDS
    )
    transport = connection.transport_cls
    try:
        with connection:
            connection.ensure_connection(
                max_retries=1,
                interval_start=0,
                interval_step=0.5,
                timeout=BROKER_TIMEOUT_SECONDS,
            )
            error = (
                _filesystem_broker_error(transport_options) if transport == "filesystem" else None
            )
    except Exception as exc:
        logger.exception("healthz: broker check failed")
        error = type(exc).__name__
    result: dict[str, Any] = {"ok": error is None, "transport": transport}
    if error is not None:
        result["error"] = error
    result["latency_ms"] = _elapsed_ms(started)
    return result


def check_beat(*, database_ok: bool) -> dict[str, Any]:
    """When did beat's scheduled heartbeat last run? Informational only."""
    if not database_ok:
        return {"last_seen": None, "age_seconds": None}
    try:
        heartbeat = Heartbeat.objects.filter(name=BEAT_HEARTBEAT_NAME).first()
    except DatabaseError:
        logger.exception("healthz: reading the beat heartbeat failed")
        heartbeat = None
    if heartbeat is None:
        return {"last_seen": None, "age_seconds": None}
    age = (timezone.now() - heartbeat.seen_at).total_seconds()
    return {"last_seen": heartbeat.seen_at.isoformat(), "age_seconds": round(max(age, 0.0), 1)}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database = check_database()
    broker = check_broker()
    beat = check_beat(database_ok=database["ok"])
    healthy = database["ok"] and broker["ok"]
    body = {
        "status": "ok" if healthy else "error",
        "database": database,
        "broker": broker,
        "beat": beat,
    }
    return JsonResponse(body, status=200 if healthy else 503)
