"""Receiving a LINE webhook request: verify, parse, store raw, de-duplicate, count rejections.

The order of checks follows what LINE needs from us: nothing is parsed before the signature is
verified over the raw bytes, nothing is stored unless the whole request is stored (one
transaction), and 200 is only answered after that transaction committed. Processing is
enqueued after commit; if the broker is down the events stay ``pending`` and the periodic sweep
picks them up, so a broker outage never turns into a lost event or a non-200 answer.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from contextlib import nullcontext
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort
from oa_console.redis_client import shared_redis
from webhooks.models import WebhookRejection
from webhooks.services.envelope import (
    ID_MAX,
    MAX_BODY_BYTES,
    Envelope,
    ParsedEvent,
    WebhookRejected,
    webhook_envelope_parse,
)
from webhooks.services.signature import webhook_signature, webhook_signature_valid
from webhooks.services.storage import (
    StoreResult,
    insert_events,
    learn_bot_user_id,
    rows_per_statement,
    webhook_rejection_record,
)

logger = logging.getLogger("webhooks.receiving")


@dataclass(frozen=True)
class ReceiveOutcome:
    status: int
    detail: str
    account: LineAccount | None = None
    received: int = 0


# How long a "processing is scheduled" mark may outlive a task that never ran (lost message);
# the sweep covers events left behind meanwhile.
SCHEDULED_MARK_SECONDS = 30


def _scheduled_key(account_id: int) -> str:
    return f"webhooks:processing-scheduled:{account_id}"


def _shared_mark_store() -> bool:
    """Coalescing needs a mark the web and worker processes share, not per-process memory."""
    if shared_redis() is not None:
        return True
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def _mark_set(key: str) -> bool:
    """Set the mark unless it exists; True if this call set it. Redis directly when configured
    (one round trip on a pooled connection), else the shared Django cache."""
    client = shared_redis()
    if client is not None:
        return bool(client.set(key, 1, nx=True, ex=SCHEDULED_MARK_SECONDS))
    return cache.add(key, 1, timeout=SCHEDULED_MARK_SECONDS)


def _mark_clear(key: str) -> None:
    client = shared_redis()
    if client is not None:
        client.delete(key)
    else:
        cache.delete(key)


def webhook_processing_claim(*, account_id: int) -> None:
    """Called by the processing task before it reads pending events: from now on, a request
    that commits new events must schedule another task (see ``_enqueue_processing``)."""
    if _shared_mark_store():
        try:
            _mark_clear(_scheduled_key(account_id))
        except Exception:
            logger.warning("cache unavailable; processing mark not cleared", exc_info=True)


def _enqueue_processing(account_id: int, *, coalesce: bool = True) -> None:
    """Schedule processing of an OA's pending events, best effort.

    Publishing a Celery message per request costs about as much as storing the events, and a
    burst would queue thousands of tasks that each find little to do. With ``coalesce`` (and a
    shared mark store) a request publishes only if no task is already scheduled for the OA: the
    first sets a mark and publishes, the task clears the mark before it reads pending events.
    A request that saw the mark committed its events before the task cleared it, so before the
    task read: nothing is left behind. A broker outage leaves the events pending for the
    periodic sweep (which calls this without ``coalesce``).
    """
    from webhooks.tasks import process_account_events

    if not coalesce or not _shared_mark_store() or current_app.conf.task_always_eager:
        enqueue_best_effort(process_account_events, (account_id,))
        return
    key = _scheduled_key(account_id)
    try:
        first = _mark_set(key)
    except Exception:  # a cache outage must not fail the request: schedule without coalescing
        logger.warning("cache unavailable; processing scheduled per request", exc_info=True)
        first = True
    if first and not enqueue_best_effort(process_account_events, (account_id,)):
        try:
            _mark_clear(key)  # nothing was scheduled: let the next request try again
        except Exception:
            logger.warning("cache unavailable; processing mark not cleared", exc_info=True)


def webhook_events_store(*, account: LineAccount, envelope: Envelope) -> StoreResult:
    """Store every event of one request, or none of them.

    Duplicates (a redelivery, or an id repeated inside the body) are dropped by the unique
    constraint with ``INSERT ... ON CONFLICT DO NOTHING``, so they are acknowledged without being
    stored or counted twice, and two concurrent deliveries of one event cannot both insert it.

    Nearly every request (LINE sends a handful of events at a time, to an OA whose bot user id
    is known) is a single INSERT statement, which the database commits atomically on its own:
    no explicit transaction, so no separate COMMIT round trip on the path LINE waits for.
    Whatever takes more than one statement runs inside one transaction.
    """
    unique: dict[str, ParsedEvent] = {}
    for event in envelope.events:
        unique.setdefault(event.webhook_event_id, event)
    one_statement = bool(account.bot_user_id) and len(unique) <= rows_per_statement()
    with nullcontext() if one_statement else transaction.atomic():
        if not account.bot_user_id:
            learn_bot_user_id(account, envelope.destination)
        if unique:
            insert_events(account.pk, list(unique.values()), received_at=timezone.now())
            account_id = account.pk
            # Runs at once in autocommit mode, after the commit of an explicit transaction.
            transaction.on_commit(lambda: _enqueue_processing(account_id))
    return StoreResult(received=len(envelope.events), stored_ids=list(unique))


def _reject(account: LineAccount, rejection: WebhookRejected) -> ReceiveOutcome:
    logger.warning(
        "webhook rejected",
        extra={
            "account_id": account.pk,
            "reason": rejection.reason,
            "detail": rejection.detail,
            "status": rejection.status,
        },
    )
    if rejection.reason is not None:
        try:
            webhook_rejection_record(
                account=account, reason=rejection.reason, detail=rejection.detail
            )
        except DatabaseError:
            logger.exception(
                "could not count a webhook rejection", extra={"account_id": account.pk}
            )
    return ReceiveOutcome(status=rejection.status, detail=rejection.detail, account=account)


# Verified OAs by webhook key, per process, for a few seconds: the look-up (a query and a
# decryption) is a large share of a request. A changed secret or bot user id is re-read from
# the database before a request is refused for it, so the cache never turns away valid events.
ACCOUNT_CACHE_SECONDS = 10
_accounts: dict[str, tuple[float, LineAccount]] = {}


def _account_for_key(webhook_key: str, *, fresh: bool = False) -> LineAccount | None:
    now = time.monotonic()
    cached = None if fresh else _accounts.get(webhook_key)
    if cached is not None and cached[0] > now:
        return cached[1]
    account = LineAccount.unscoped.filter(webhook_key=webhook_key).first()
    if account is None:
        _accounts.pop(webhook_key, None)
    else:
        if len(_accounts) > 10_000:
            _accounts.clear()
        _accounts[webhook_key] = (now + ACCOUNT_CACHE_SECONDS, account)
    return account


def webhook_request_receive(
    *, webhook_key: str, body: bytes | None, signature: str | None, content_length: int | None
) -> ReceiveOutcome:
    """Everything between LINE's POST and our answer; ``body`` is None when it was not read
    because ``content_length`` already exceeded the limit.

    Shared by the HTTP endpoint and the health page's "send test event" button, so the test
    event proves the same path LINE uses.
    """
    try:
        account = _account_for_key(webhook_key) if len(webhook_key) <= ID_MAX else None
    except DatabaseError:
        logger.exception("webhook account lookup failed")
        return ReceiveOutcome(status=503, detail="database unavailable")
    if account is None:
        logger.warning("webhook for an unknown key", extra={"key_prefix": webhook_key[:6]})
        return ReceiveOutcome(status=404, detail="unknown webhook")
    if body is None or (content_length or 0) > MAX_BODY_BYTES or len(body) > MAX_BODY_BYTES:
        return _reject(
            account, WebhookRejected(413, WebhookRejection.Reason.TOO_LARGE, "body over 1 MB")
        )
    if not webhook_signature_valid(
        channel_secret=account.channel_secret, body=body, signature=signature
    ):
        # The secret may have been changed in the last seconds: check against the stored one.
        account = _account_for_key(webhook_key, fresh=True) or account
    if not webhook_signature_valid(
        channel_secret=account.channel_secret, body=body, signature=signature
    ):
        detail = "signature missing" if not signature else "signature does not match"
        return _reject(account, WebhookRejected(401, WebhookRejection.Reason.SIGNATURE, detail))
    try:
        envelope = webhook_envelope_parse(body)
        if account.bot_user_id and envelope.destination != account.bot_user_id:
            account = _account_for_key(webhook_key, fresh=True) or account
        if account.bot_user_id and envelope.destination != account.bot_user_id:
            raise WebhookRejected(
                400,
                WebhookRejection.Reason.DESTINATION,
                f"destination {envelope.destination} is not this OA's bot user id",
            )
        result = webhook_events_store(account=account, envelope=envelope)
    except WebhookRejected as rejection:
        return _reject(account, rejection)
    except DatabaseError:
        # Nothing was stored (one transaction); LINE redelivers a non-2xx when redelivery is on.
        _accounts.pop(webhook_key, None)
        logger.exception("webhook events could not be stored", extra={"account_id": account.pk})
        return _reject(
            account, WebhookRejected(503, WebhookRejection.Reason.STORAGE, "database unavailable")
        )
    return ReceiveOutcome(status=200, detail="ok", account=account, received=result.received)


TEST_EVENT_TYPE = "consoleTest"


def webhook_test_event_send(*, account: LineAccount) -> ReceiveOutcome:
    """Post a signed sample event through the same receiving path LINE uses.

    The event has a type LINE never sends, so it is stored and then skipped: it proves the
    signature check, the raw store and the processing queue without inventing a friend. It is
    only possible once the bot user id is known, because a test event must not teach it.
    """
    if not account.bot_user_id:
        raise ValueError("the bot user id is not known yet")
    now_ms = int(timezone.now().timestamp() * 1000)
    body = json.dumps(
        {
            "destination": account.bot_user_id,
            "events": [
                {
                    "type": TEST_EVENT_TYPE,
                    "mode": "active",
                    "timestamp": now_ms,
                    "webhookEventId": f"console-test-{now_ms}-{secrets.token_hex(4)}",
                    "deliveryContext": {"isRedelivery": False},
                }
            ],
        }
    ).encode()
    return webhook_request_receive(
        webhook_key=account.webhook_key,
        body=body,
        signature=webhook_signature(channel_secret=account.channel_secret, body=body),
        content_length=len(body),
    )
