"""Sending: every LINE call of a broadcast, exactly once per batch.

A batch row and its ``X-Line-Retry-Key`` are committed when the broadcast is planned, before
any call. Each batch is then sent inside a transaction that holds its row lock (``SKIP LOCKED``
lets several workers share one broadcast; pushes and multicasts are claimed and sent several at
a time): if the worker dies mid-call the transaction rolls back, the batch is still pending with
the same key, and the next attempt gets 409 from LINE if the first had been accepted. 5xx and
timeouts are retried later with the same key; 429 waits for the window LINE names; any other
4xx fails the batch with LINE's message. The worker only sleeps through a sub-second limiter
wait; otherwise the caller gets ``retry_in`` and re-enqueues itself with that countdown.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from broadcasts import simulated_line
from broadcasts.messages import is_personalised, personalise, rewrite_links
from broadcasts.models import Broadcast, BroadcastBatch, Delivery, HeldBack, RecipientChunk
from broadcasts.services import aggregation, quiet, variants
from broadcasts.services.plan_failures import broadcast_planning_failed
from broadcasts.services.planning import broadcast_plan
from broadcasts.services.recurrence import broadcast_repeat
from broadcasts.services.rules import quiet_hours_end
from broadcasts.services.send_audit import broadcast_send_recorded
from insights.services.sync import broadcast_request_register
from oa_console import line_api
from oa_console.json_input import json_loads_bounded
from oa_console.models import LineAccount
from segments.models import Friend

logger = logging.getLogger("broadcasts.sending")

Method = Broadcast.Method
MAX_ATTEMPTS = 8  # 5xx / timeouts before a batch is given up (with the same key each time)
MAX_RATE_LIMITED = 12  # 429s in a row before a batch fails (the monthly quota may be spent)
POLL_EVERY = 30  # seconds between narrowcast progress checks
STALLED_AFTER = timedelta(minutes=2)  # a sending broadcast nobody worked on this long resumes
SHORT_WAIT = 1.0  # seconds: a limiter wait this short is slept in the send loop
# Push batches (one friend each) claimed per transaction and sent at once on a few threads: one
# claim, one limiter call and one commit for many calls, and the HTTP round trips overlap.
# Claiming more than one is safe: every claimed row keeps its retry key until its outcome
# commits, so a worker killed mid-claim leaves them all pending and their resends answer 409.
PUSH_CLAIM = 32
PUSH_THREADS = 8  # below the SDK's urllib3 pool size (5 per core), so connections are reused
# Multicast batches (500 friends each) claimed and sent at once, on as many threads: the same
# saving per call, and a worker process keeps several of LINE's 200 calls a second in flight.
MULTICAST_CLAIM = 4
ENDPOINT = {
    Method.MULTICAST: "multicast",
    Method.PUSH: "push",
    Method.BROADCAST: "broadcast",
    Method.NARROWCAST: "narrowcast",
}


@dataclass(frozen=True)
class Outcome:
    """What LINE made of one call."""

    kind: str  # accepted | transient | rate_limited | rejected
    request_id: str = ""
    status: int | None = None
    message: str = ""
    retry_after: int | None = None
    duplicate: bool = False
    data: object = None


@dataclass(frozen=True)
class SendProgress:
    finished: bool
    retry_in: int | None = None  # seconds until this broadcast has more work


def _header(headers, name: str) -> str:
    for key, value in dict(headers or {}).items():
        if key.lower() == name:
            return value
    return ""


def _line_message(body) -> str:
    """LINE's error text with its details ("The request body has 1 error(s): …")."""
    try:
        data = json_loads_bounded(body) if body else {}
    except (TypeError, ValueError):
        return str(body or "")[:500]
    message = str(data.get("message", ""))
    details = [
        ": ".join(str(part) for part in (d.get("property"), d.get("message")) if part)
        for d in data.get("details") or []
        if isinstance(d, dict)
    ]
    return f"{message} ({'; '.join(details)})" if details else message


def line_call(send: Callable) -> Outcome:
    """Make one call and classify the answer; never raises for LINE's or the network's errors."""
    from linebot.v3.audience.exceptions import ApiException as AudienceApiException
    from linebot.v3.insight.exceptions import ApiException as InsightApiException
    from linebot.v3.messaging.exceptions import ApiException
    from urllib3.exceptions import HTTPError

    try:
        response = send()
    except (ApiException, AudienceApiException, InsightApiException) as exc:
        status, headers = exc.status or 0, exc.headers
        if status == 409:
            return Outcome(
                "accepted",
                request_id=_header(headers, "x-line-accepted-request-id"),
                status=409,
                duplicate=True,
            )
        if status == 429:
            return Outcome(
                "rate_limited",
                status=429,
                message=_line_message(exc.body),
                retry_after=line_api.retry_after_seconds(headers),
            )
        if status >= 500 or status == 0:
            return Outcome("transient", status=status, message=_line_message(exc.body))
        return Outcome("rejected", status=status, message=_line_message(exc.body))
    except (HTTPError, OSError) as exc:  # timeouts, refused connections, resets
        return Outcome("transient", message=_("No answer from LINE (%(error)s).") % {"error": exc})
    return Outcome(
        "accepted",
        request_id=_header(response.headers, "x-line-request-id"),
        status=response.status_code,
        data=response.data,
    )


def _redirect_url(token: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("broadcast_click", args=[token])


_TOKEN_MARK = "0token0"


def _redirect_urls() -> Callable[[str], str]:
    """``_redirect_url`` with the URL reversed once per sending round instead of once per link
    of every push. A click token (signed URL-safe base64, ``:`` and ``.``) is a path segment
    that ``reverse`` leaves as it is, so the result is the same."""
    prefix, _mark, suffix = _redirect_url(_TOKEN_MARK).rpartition(_TOKEN_MARK)
    return lambda token: prefix + token + suffix


def _messages_for(
    broadcast: Broadcast,
    *,
    friend_id: int | None,
    display_name: str | None,
    variant_id: int | None = None,
    redirect_url: Callable[[str], str] = _redirect_url,
):
    messages = variants.variant_messages(broadcast, variant_id)  # an A/B arm's, or its own
    if display_name is not None:
        messages = personalise(messages, display_name)
    if broadcast.track_clicks:
        messages = rewrite_links(
            messages,
            broadcast_id=broadcast.pk,
            friend_id=friend_id,
            redirect_url=redirect_url,
            variant_id=variant_id,
            # Signed at the send's start: a retry repeats its body byte for byte.
            signed_at=broadcast.started_at.timestamp() if broadcast.started_at else None,
        )
    return messages


def _narrowcast_body(broadcast: Broadcast, messages: list[dict]) -> dict:
    parts = []
    if broadcast.audience_group_id:
        parts.append({"type": "audience", "audienceGroupId": broadcast.audience_group_id})
    if broadcast.exclusion_group_id:
        parts.append(
            {
                "type": "operator",
                "not": {"type": "audience", "audienceGroupId": broadcast.exclusion_group_id},
            }
        )
    body: dict = {"messages": messages}
    if len(parts) == 1:
        body["recipient"] = parts[0]
    elif parts:
        body["recipient"] = {"type": "operator", "and": parts}
    if broadcast.demographic:
        body["filter"] = {"demographic": broadcast.demographic}
    return body


class _Requests:
    """Request bodies for one sending round. The messages (links tracked) are made once; a
    multicast's body is validated by the SDK for the first batch only and each later batch swaps
    in its own ``to`` (LINE user ids that planning wrote), instead of re-validating 500 ids and
    the same messages on every call. A push's messages are the friend's own (a click token
    naming the friend, maybe the friend's name)."""

    def __init__(self, broadcast: Broadcast) -> None:
        self.broadcast = broadcast
        self.redirect_url = _redirect_urls()
        self.messages = _messages_for(
            broadcast, friend_id=None, display_name=None, redirect_url=self.redirect_url
        )
        self._multicast: dict = {}  # per A/B arm (None: the broadcast's own messages)
        self._personalised: dict = {}  # per A/B arm: do its messages use {displayName}?

    def personalised(self, variant_id: int | None) -> bool:
        if variant_id not in self._personalised:
            messages = variants.variant_messages(self.broadcast, variant_id)
            self._personalised[variant_id] = is_personalised(messages)
        return self._personalised[variant_id]

    def display_names(self, batches: list[BroadcastBatch]) -> dict[int, str]:
        """The display names of the claimed pushes that address the friend by name, in one
        query (none when no message uses ``{displayName}``)."""
        ids = [
            batch.friend_ids[0]
            for batch in batches
            if batch.method == Method.PUSH and self.personalised(batch.variant_id)
        ]
        if not ids:
            return {}
        return dict(Friend.unscoped.filter(pk__in=ids).values_list("pk", "display_name"))

    def push(self, batch: BroadcastBatch, names: dict[int, str]):
        from linebot.v3 import messaging

        (friend_id,), (user_id,) = batch.friend_ids, batch.line_user_ids
        personalised = self.personalised(batch.variant_id)
        messages = _messages_for(
            self.broadcast,
            friend_id=friend_id,
            display_name=(names.get(friend_id) or "") if personalised else None,
            variant_id=batch.variant_id,
            redirect_url=self.redirect_url,
        )
        body: dict = {"to": user_id, "messages": messages}
        if batch.aggregation_unit:
            body["customAggregationUnits"] = [batch.aggregation_unit]
        return messaging.PushMessageRequest.from_dict(body)

    def multicast(self, to: list[str], variant_id: int | None = None):
        from linebot.v3 import messaging

        if variant_id not in self._multicast:
            messages = self.messages
            if variant_id is not None:
                messages = _messages_for(
                    self.broadcast, friend_id=None, display_name=None, variant_id=variant_id
                )
            self._multicast[variant_id] = messaging.MulticastRequest.from_dict(
                {"to": to, "messages": messages}
            )
            return self._multicast[variant_id]
        return self._multicast[variant_id].copy(update={"to": to})


def _prepare_call(
    broadcast: Broadcast,
    batch: BroadcastBatch,
    api,
    requests: _Requests,
    names: dict[int, str],
) -> Callable[[], Outcome]:
    """The LINE call for ``batch`` through ``api`` (one client per sending round, so its
    connection pool is reused across batches), its body built now, in the thread that holds
    the database connection; the call itself touches only the network, so it may run on a
    pool thread. ``names``: the display names ``_Requests.display_names`` read."""
    from linebot.v3 import messaging

    key, timeout = str(batch.retry_key), line_api.REQUEST_TIMEOUT
    messages = requests.messages
    # The batch's aggregation unit is part of its body (fixed before the first call, changed
    # only with a new retry key): a retry sends exactly what the first attempt sent.
    units = [batch.aggregation_unit] if batch.aggregation_unit else None
    if batch.method == Method.MULTICAST:
        request = requests.multicast(batch.line_user_ids, batch.variant_id)
        if units:
            request = request.copy(update={"custom_aggregation_units": units})
        send = api.multicast_with_http_info
    elif batch.method == Method.PUSH:
        request = requests.push(batch, names)
        send = api.push_message_with_http_info
    elif batch.method == Method.BROADCAST:
        request = messaging.BroadcastRequest.from_dict({"messages": messages})
        send = api.broadcast_with_http_info
    else:
        request = messaging.NarrowcastRequest.from_dict(_narrowcast_body(broadcast, messages))
        send = api.narrowcast_with_http_info
    return partial(
        line_call, partial(send, request, x_line_retry_key=key, _request_timeout=timeout)
    )


def _send_batches(
    broadcast: Broadcast,
    batches: list[BroadcastBatch],
    api,
    requests: _Requests,
    pool: ThreadPoolExecutor | None,
) -> list[Outcome]:
    """One call per batch, in order of the list; with a ``pool``, they run at once. The bodies
    are all built first: building them while calls run would make this thread and the pool's
    contend for the interpreter lock. Every call has ended when this returns."""
    names = requests.display_names(batches)
    calls = [_prepare_call(broadcast, batch, api, requests, names) for batch in batches]
    if pool is None or len(calls) == 1:
        return [call() for call in calls]
    return list(pool.map(lambda call: call(), calls))


def _backoff(attempt: int, base: int = 2, cap: int = 600) -> int:
    return min(cap, base * 2 ** max(0, attempt - 1)) + random.randint(0, base)


_OUTCOME_FIELDS = [
    "status",
    "attempts",
    "rate_limited",
    "next_attempt_at",
    "last_attempt_at",
    "request_id",
    "duplicate_of_accepted",
    "http_status",
    "error_message",
    "sent_at",
]


def _accept(batch: BroadcastBatch, outcome: Outcome, now: datetime) -> None:
    """Set an accepted call's outcome on the batch (not saved)."""
    batch.last_attempt_at = now
    batch.http_status = outcome.status
    batch.status = BroadcastBatch.Status.ACCEPTED
    batch.request_id = outcome.request_id[:64]
    batch.duplicate_of_accepted = outcome.duplicate
    batch.sent_at = now
    batch.error_message = ""
    batch.next_attempt_at = None


def _record(broadcast: Broadcast, batch: BroadcastBatch, outcome: Outcome, now: datetime) -> int:
    """Store the outcome on the batch (its recipients stay as planned); the seconds until a
    retry, or 0."""
    batch.last_attempt_at = now
    batch.http_status = outcome.status
    if outcome.kind == "accepted":
        refusal = batch.error_message if batch.refused_unit else ""
        _accept(batch, outcome, now)
        batch.save(update_fields=_OUTCOME_FIELDS)
        if batch.method in (Method.BROADCAST, Method.NARROWCAST) and batch.request_id:
            # LINE keeps Insight statistics per broadcast/narrowcast request id; the daily
            # Insight sync fetches them for every id registered here.
            broadcast_request_register(
                account=broadcast.account, request_id=batch.request_id, sent_at=now
            )
        if batch.method == Method.NARROWCAST:
            Broadcast.unscoped.filter(pk=broadcast.pk).update(narrowcast_phase="waiting")
        if refusal:  # this very batch was refused with its unit, and accepted without
            aggregation.unit_refusal_confirmed(broadcast=broadcast, batch=batch, message=refusal)
        return 0
    if outcome.kind == "rejected" and aggregation.unit_refused(batch, outcome.status):
        aggregation.batch_retry_without_unit(batch, outcome.message)
        return 0
    if outcome.kind == "rejected":
        batch.status = BroadcastBatch.Status.FAILED
        batch.error_message = outcome.message or _("LINE refused the request.")
        batch.save(update_fields=_OUTCOME_FIELDS)
        return 0
    if outcome.kind == "rate_limited":
        batch.rate_limited += 1
        if batch.rate_limited >= MAX_RATE_LIMITED:
            batch.status = BroadcastBatch.Status.FAILED
            batch.error_message = _(
                "LINE kept answering 429 (rate limit, or the monthly message quota is used up): "
                "%(message)s"
            ) % {"message": outcome.message}
            batch.save(update_fields=_OUTCOME_FIELDS)
            return 0
        delay = outcome.retry_after or _backoff(batch.rate_limited, base=1, cap=3600)
    else:
        batch.attempts += 1
        if batch.attempts >= MAX_ATTEMPTS:
            batch.status = BroadcastBatch.Status.FAILED
            batch.error_message = _(
                "LINE did not answer successfully after %(attempts)s attempts: %(message)s"
            ) % {"attempts": batch.attempts, "message": outcome.message}
            batch.save(update_fields=_OUTCOME_FIELDS)
            return 0
        delay = _backoff(batch.attempts)
    batch.error_message = outcome.message
    batch.next_attempt_at = now + timedelta(seconds=delay)
    batch.save(update_fields=_OUTCOME_FIELDS)
    return delay


def _record_claim(
    broadcast: Broadcast, batches: list[BroadcastBatch], outcomes: list[Outcome], now: datetime
) -> int | None:
    """Store the outcomes of one claim's calls; the seconds until the earliest retry, or None.

    Plain acceptances (the usual answer) are written with one statement for the whole claim.
    An acceptance that confirms a refused aggregation unit is recorded last: it gives the
    untried batches of that unit new retry keys, and "untried" is read from the database, so
    every other call of this claim must be stored as tried before that."""
    plain, others, confirming = [], [], []
    for batch, outcome in zip(batches, outcomes, strict=True):
        if outcome.kind != "accepted":
            logger.warning(
                "broadcast batch not accepted",
                extra={
                    "broadcast": broadcast.pk,
                    "batch": batch.sequence,
                    "outcome": outcome.kind,
                    "status": outcome.status,
                },
            )
            others.append((batch, outcome))
        elif batch.refused_unit:
            confirming.append((batch, outcome))
        elif len(batches) > 1 and batch.method in (Method.PUSH, Method.MULTICAST):
            _accept(batch, outcome, now)
            plain.append(batch)
        else:
            others.append((batch, outcome))
    if plain:
        _save_accepted(plain, now)
    delays = [_record(broadcast, batch, outcome, now) for batch, outcome in others + confirming]
    return min((delay for delay in delays if delay), default=None)


def _save_accepted(batches: list[BroadcastBatch], now: datetime) -> None:
    """Store the acceptances ``_accept`` set on these batches. PostgreSQL: one statement, the
    per-row values passed as arrays (Django's ``bulk_update`` costs more CPU to build than the
    pushes it records); elsewhere one update per row."""
    if connection.vendor != "postgresql":
        for batch in batches:
            batch.save(update_fields=_OUTCOME_FIELDS)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {BroadcastBatch._meta.db_table} AS batch SET status = %s,"
            "  last_attempt_at = %s, sent_at = %s, error_message = '', next_attempt_at = NULL,"
            "  request_id = row.request_id, duplicate_of_accepted = row.duplicate,"
            "  http_status = row.http_status"
            " FROM unnest(%s::bigint[], %s::varchar[], %s::boolean[], %s::integer[])"
            "  AS row (id, request_id, duplicate, http_status)"
            " WHERE batch.id = row.id",
            [
                BroadcastBatch.Status.ACCEPTED,
                now,
                now,
                [batch.pk for batch in batches],
                [batch.request_id for batch in batches],
                [batch.duplicate_of_accepted for batch in batches],
                [batch.http_status for batch in batches],
            ],
        )


def _due_batches(broadcast_id: int, now: datetime):
    return BroadcastBatch.unscoped.filter(
        broadcast_id=broadcast_id, status=BroadcastBatch.Status.PENDING
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def _upload(broadcast: Broadcast, *, exclusion: bool) -> int | None:
    """Upload the broadcast's audience (or its held-back friends) to LINE in chunks of 10,000;
    progress is committed per chunk, so a resumed worker continues where it stopped. Returns
    seconds to wait when the audience-call limit is spent, None when done."""
    from linebot.v3 import audience

    while True:
        with transaction.atomic():
            current = Broadcast.unscoped.select_for_update().get(pk=broadcast.pk)
            group_id = current.exclusion_group_id if exclusion else current.audience_group_id
            offset = current.exclusion_uploaded if exclusion else current.audience_uploaded
            ids = _held_back_ids(current, offset) if exclusion else _audience_ids(current, offset)
            if not ids and group_id:
                return None
            decision = line_api.rate_limit_acquire(current.account, "audience")
            if not decision.allowed:
                return decision.retry_in
            audiences = [{"id": user_id} for user_id in ids]
            with line_api.audience_api(current.account, host=simulated_line.host()) as api:
                if group_id is None:
                    request = audience.CreateAudienceGroupRequest.from_dict(
                        {
                            "description": (
                                f"{'exclude' if exclusion else 'audience'} broadcast {current.pk}"
                            )[:120],
                            "audiences": audiences,
                        }
                    )
                    outcome = line_call(
                        partial(
                            api.create_audience_group_with_http_info,
                            request,
                            _request_timeout=line_api.REQUEST_TIMEOUT,
                        )
                    )
                else:
                    request = audience.AddAudienceToAudienceGroupRequest.from_dict(
                        {"audienceGroupId": group_id, "audiences": audiences}
                    )
                    outcome = line_call(
                        partial(
                            api.add_audience_to_audience_group_with_http_info,
                            request,
                            _request_timeout=line_api.REQUEST_TIMEOUT,
                        )
                    )
            if outcome.kind in ("transient", "rate_limited"):
                return outcome.retry_after or 60
            if outcome.kind == "rejected":
                _fail(
                    current,
                    _("LINE refused the audience upload: %(message)s")
                    % {"message": outcome.message},
                )
                return None
            if group_id is None:
                group_id = outcome.data.audience_group_id
            if exclusion:
                current.exclusion_group_id = group_id
                current.exclusion_uploaded = offset + len(ids)
            else:
                current.audience_group_id = group_id
                current.audience_uploaded = offset + len(ids)
            current.save(
                update_fields=[
                    "exclusion_group_id",
                    "exclusion_uploaded",
                    "audience_group_id",
                    "audience_uploaded",
                ]
            )
            if len(ids) < RecipientChunk.SIZE:
                return None


def _held_back_ids(broadcast: Broadcast, offset: int) -> list[str]:
    """The next upload of the friends the frequency cap holds back (the exclusion audience)."""
    held_back = HeldBack.unscoped.filter(broadcast=broadcast, reason=HeldBack.Reason.CAP)
    return list(
        held_back.order_by("pk").values_list("line_user_id", flat=True)[
            offset : offset + RecipientChunk.SIZE
        ]
    )


def _audience_ids(broadcast: Broadcast, offset: int) -> list[str]:
    """The next upload of the narrowcast's audience: the recipient chunk at ``offset`` (chunks
    are as large as an upload), so each upload reads one row whatever the audience's size."""
    chunk = (
        RecipientChunk.unscoped.filter(broadcast=broadcast, sequence=offset // RecipientChunk.SIZE)
        .values_list("line_user_ids", flat=True)
        .first()
    )
    if chunk is not None:
        return chunk[offset % RecipientChunk.SIZE :]
    if RecipientChunk.unscoped.filter(broadcast=broadcast).exists():
        return []  # every chunk is uploaded
    # Planned before recipient chunks existed: the audience is on the batch row.
    return list(
        Delivery.unscoped.filter(broadcast=broadcast)
        .order_by("pk")
        .values_list("line_user_id", flat=True)[offset : offset + RecipientChunk.SIZE]
    )


@transaction.atomic
def _fail(broadcast: Broadcast, message: str) -> None:
    """Fail a broadcast before any message went out (its batches are dropped unsent)."""
    now = timezone.now()
    BroadcastBatch.unscoped.filter(
        broadcast=broadcast, status=BroadcastBatch.Status.PENDING
    ).update(status=BroadcastBatch.Status.FAILED, error_message=message, last_attempt_at=now)
    Broadcast.unscoped.filter(pk=broadcast.pk).update(
        status=Broadcast.Status.FAILED, error_message=message, finished_at=now
    )
    broadcast_send_recorded(broadcast_id=broadcast.pk)


def _needs_upload(broadcast: Broadcast) -> tuple[bool, bool]:
    if broadcast.method != Method.NARROWCAST:
        return False, False
    audience = broadcast.audience_kind == Broadcast.AudienceKind.SEGMENT_DEMOGRAPHIC
    from broadcasts.services.planning import MIN_AUDIENCE

    exclusion = broadcast.excluded_by_cap >= MIN_AUDIENCE
    return audience, exclusion


def broadcast_send(
    *, broadcast_id: int, budget_seconds: float = 25.0, now: Callable = timezone.now
) -> SendProgress:
    """Send the due batches of a sending broadcast for up to ``budget_seconds``.

    Safe to run in several workers at once and to run again after a crash: batches are claimed
    with ``SKIP LOCKED`` and each carries its own retry key.
    """
    broadcast = Broadcast.unscoped.select_related("account").get(pk=broadcast_id)
    if broadcast.status != Broadcast.Status.SENDING:
        return SendProgress(finished=True)
    audience, exclusion = _needs_upload(broadcast)
    for kind, needed in (("audience", audience), ("exclusion", exclusion)):
        if needed:
            wait = _upload(broadcast, exclusion=kind == "exclusion")
            broadcast.refresh_from_db()
            if broadcast.status != Broadcast.Status.SENDING:
                return SendProgress(finished=True)
            if wait is not None:
                return SendProgress(finished=False, retry_in=wait)
    broadcast = aggregation.aggregation_units_assign(broadcast=broadcast)
    held = quiet.hold_for_quiet_hours(broadcast=broadcast, now=now())
    if held is not None:  # quiet hours began mid-send: the rest waits until they end
        return SendProgress(finished=False, retry_in=held)
    stop = quiet.stop_at(broadcast=broadcast, now=now())
    endpoint = ENDPOINT[broadcast.method]
    deadline = time.monotonic() + budget_seconds
    with (
        _outcomes_committed_lazily(),
        line_api.messaging_api(broadcast.account, host=simulated_line.host()) as api,
    ):
        spent = _send_round(broadcast, endpoint, api, deadline, stop=stop, clock=now)
    if spent.budget_spent:
        return SendProgress(finished=False, retry_in=0)  # continue in a new task
    return _after_round(broadcast_id, spent.retry_in, now())


@contextmanager
def _outcomes_committed_lazily() -> Iterator[None]:
    """PostgreSQL: do not wait for the WAL flush when committing a batch's outcome (a disk
    sync per LINE call otherwise). Safe for exactly-once: the retry key was committed durably
    at planning, so an outcome lost in a database crash leaves the batch pending, and its
    resend under the same key gets 409 from LINE, never a second delivery."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _claim_and_threads(method: str) -> tuple[int, int]:
    """Batches claimed per transaction for ``method``, and the threads that send them at once
    (0: one call at a time in the worker's own thread; a LINE broadcast or narrowcast is one
    call)."""
    if method == Method.PUSH:
        return PUSH_CLAIM, PUSH_THREADS
    if method == Method.MULTICAST:
        return MULTICAST_CLAIM, MULTICAST_CLAIM
    return 1, 0


@dataclass
class _Round:
    retry_in: int | None = None
    budget_spent: bool = False


def _send_round(
    broadcast: Broadcast,
    endpoint: str,
    api,
    deadline: float,
    *,
    stop: datetime | None = None,
    clock: Callable = timezone.now,
) -> _Round:
    """Claim and send due batches until none is due, the limiter says wait, or the time budget
    is spent, or quiet hours begin at ``stop``. A claim is up to ``PUSH_CLAIM`` pushes or
    ``MULTICAST_CLAIM`` multicasts sent at once on a thread pool (``_claim_and_threads``), or
    the one call of a LINE broadcast or narrowcast; the claimed rows stay locked until every
    outcome is stored, and claimed batches the limiter has no room for are left pending,
    unsent. A wait of under a second (the window reopening) is slept here, outside the
    transaction: re-enqueueing costs a whole second each time, which would hold a channel well
    below its limit."""
    broadcast_id, now, retry_in = broadcast.pk, timezone.now, None
    requests = _Requests(broadcast)
    claim_size, threads = _claim_and_threads(broadcast.method)
    pause = 0.0
    with (
        ThreadPoolExecutor(max_workers=threads, thread_name_prefix="line-call")
        if threads
        else nullcontext()
    ) as pool:
        while time.monotonic() + pause < deadline and (
            stop is None or clock() + timedelta(seconds=pause) < stop
        ):
            if pause:
                time.sleep(pause)
                pause = 0.0
            with transaction.atomic():
                claim = list(
                    _due_batches(broadcast_id, now())
                    .select_for_update(skip_locked=True)
                    .order_by("sequence")[:claim_size]
                )
                if not claim:
                    break
                decision = line_api.rate_limit_acquire(
                    broadcast.account, endpoint, count=len(claim)
                )
                if not decision.granted:
                    if decision.reopens_in < SHORT_WAIT:
                        pause = decision.reopens_in
                        continue
                    retry_in = decision.retry_in
                    break
                sending = claim[: decision.granted]  # the rest stays pending, unsent
                outcomes = _send_batches(broadcast, sending, api, requests, pool)
                delay = _record_claim(broadcast, sending, outcomes, now())
                if delay:
                    retry_in = delay if retry_in is None else min(retry_in, delay)
                if len(sending) < len(claim):  # the window is full
                    if decision.reopens_in < SHORT_WAIT:
                        pause = decision.reopens_in
                        continue
                    retry_in = min(retry_in or decision.retry_in, decision.retry_in)
                    break
        else:
            return _Round(retry_in=retry_in, budget_spent=True)
    return _Round(retry_in=retry_in)


def _after_round(broadcast_id: int, retry_in: int | None, now: datetime) -> SendProgress:
    pending = BroadcastBatch.unscoped.filter(
        broadcast_id=broadcast_id, status=BroadcastBatch.Status.PENDING
    )
    if pending.exists():
        if retry_in is None:
            due = pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            first = pending.aggregate(at=Min("next_attempt_at"))["at"]
            if due.exists() or first is None:
                # Claimed by another worker right now, or settled by it since the check above
                # (parallel senders race here at the end): look again shortly.
                retry_in = 1
            else:
                retry_in = max(1, int(first.timestamp() - now.timestamp()))
        return SendProgress(finished=False, retry_in=retry_in)
    broadcast = Broadcast.unscoped.get(pk=broadcast_id)
    if broadcast.method == Method.NARROWCAST and broadcast.narrowcast_phase == "waiting":
        return SendProgress(finished=False, retry_in=0 if retry_in is None else retry_in)
    broadcast_finish(broadcast_id=broadcast_id, now=now)
    return SendProgress(finished=True)


@transaction.atomic
def broadcast_finish(*, broadcast_id: int, now: datetime | None = None) -> Broadcast | None:
    """Settle the final state from the batches (and LINE's narrowcast report)."""
    now = now or timezone.now()
    broadcast = (
        Broadcast.unscoped.select_for_update()
        .filter(pk=broadcast_id, status=Broadcast.Status.SENDING)
        .first()
    )
    if broadcast is None:
        return None
    batches = BroadcastBatch.unscoped.filter(broadcast=broadcast)
    if batches.filter(status=BroadcastBatch.Status.PENDING).exists():
        return None
    totals = batches.aggregate(
        accepted=Sum("size", filter=Q(status=BroadcastBatch.Status.ACCEPTED)),
        failed=Sum("size", filter=Q(status=BroadcastBatch.Status.FAILED)),
    )
    accepted, failed = totals["accepted"] or 0, totals["failed"] or 0
    failed_batches = batches.filter(status=BroadcastBatch.Status.FAILED)
    any_accepted = batches.filter(status=BroadcastBatch.Status.ACCEPTED).exists()
    if broadcast.method == Method.NARROWCAST and broadcast.narrowcast_phase in (
        "succeeded",
        "failed",
    ):
        accepted = broadcast.narrowcast_success or 0
        failed = broadcast.narrowcast_failure or 0
        any_accepted = broadcast.narrowcast_phase == "succeeded"
    broadcast.accepted_count, broadcast.failed_count = accepted, failed
    if not any_accepted:
        broadcast.status = Broadcast.Status.FAILED
    elif failed_batches.exists() or failed:
        broadcast.status = Broadcast.Status.PARTIALLY_FAILED
    else:
        broadcast.status = Broadcast.Status.SENT
    first_error = failed_batches.exclude(error_message="").values_list("error_message", flat=True)
    if first_error and not broadcast.error_message:
        broadcast.error_message = first_error[0]
    broadcast.finished_at = now
    broadcast.save()
    broadcast_send_recorded(broadcast_id=broadcast.pk)
    if any_accepted:
        _results_fetch_after_publication(broadcast, now)
    return broadcast


def _results_fetch_after_publication(broadcast: Broadcast, now: datetime) -> None:
    """Schedule the first fetch of LINE's statistics for when LINE publishes them."""
    from broadcasts import tasks  # tasks import this module
    from broadcasts.services.results import published_after

    after = published_after(broadcast) or now
    countdown = int((after - timezone.now()).total_seconds()) + 60
    transaction.on_commit(lambda: tasks.fetch_broadcast_results_later(broadcast.pk, countdown))


def broadcast_narrowcast_poll(*, broadcast_id: int) -> SendProgress:
    """Ask LINE how an accepted narrowcast is going; settle the broadcast when it is done."""
    broadcast = Broadcast.unscoped.select_related("account").get(pk=broadcast_id)
    batch = (
        BroadcastBatch.unscoped.filter(broadcast=broadcast, status=BroadcastBatch.Status.ACCEPTED)
        .exclude(request_id="")
        .first()
    )
    if broadcast.status != Broadcast.Status.SENDING or batch is None:
        return SendProgress(finished=True)
    decision = line_api.rate_limit_acquire(broadcast.account, "default")
    if not decision.allowed:
        return SendProgress(finished=False, retry_in=decision.retry_in)
    with line_api.messaging_api(broadcast.account, host=simulated_line.host()) as api:
        outcome = line_call(
            lambda: api.get_narrowcast_progress_with_http_info(
                batch.request_id, _request_timeout=line_api.REQUEST_TIMEOUT
            )
        )
    if outcome.kind != "accepted":
        if outcome.kind == "rejected":
            _fail_after_accept(broadcast, outcome.message)
            return SendProgress(finished=True)
        return SendProgress(finished=False, retry_in=outcome.retry_after or POLL_EVERY)
    progress = outcome.data
    fields = {"narrowcast_phase": progress.phase, "narrowcast_checked_at": timezone.now()}
    if progress.phase in ("succeeded", "failed"):
        fields.update(
            narrowcast_success=progress.success_count or 0,
            narrowcast_failure=progress.failure_count or 0,
            narrowcast_target=progress.target_count,
        )
        if progress.phase == "failed":
            fields["error_message"] = _(
                "LINE could not send the narrowcast (error %(code)s): %(reason)s"
            ) % {"code": progress.error_code, "reason": progress.failed_description or "—"}
    Broadcast.unscoped.filter(pk=broadcast.pk).update(**fields)
    if progress.phase in ("succeeded", "failed"):
        broadcast_finish(broadcast_id=broadcast.pk)
        return SendProgress(finished=True)
    return SendProgress(finished=False, retry_in=POLL_EVERY)


def _fail_after_accept(broadcast: Broadcast, message: str) -> None:
    Broadcast.unscoped.filter(pk=broadcast.pk).update(
        narrowcast_phase="failed", error_message=message
    )
    broadcast_finish(broadcast_id=broadcast.pk)


def broadcasts_due(*, now: datetime | None = None) -> list[int]:
    """Scheduled broadcasts whose time has come; those inside their OA's quiet hours are moved
    to the end of the quiet period instead (and say so)."""
    now = now or timezone.now()
    due: list[int] = []
    candidates = (
        Broadcast.unscoped.filter(status=Broadcast.Status.SCHEDULED, send_at__lte=now)
        .exclude(plan_retry_at__gt=now)  # planning failed transiently: its back-off runs
        .select_related("account")
    )
    for broadcast in candidates.order_by("send_at", "pk"):
        quiet_end = quiet_hours_end(account=broadcast.account, moment=now)
        if quiet_end is None:
            due.append(broadcast.pk)
            continue
        Broadcast.unscoped.filter(pk=broadcast.pk, status=Broadcast.Status.SCHEDULED).update(
            send_at=quiet_end, deferred_by_quiet_hours=True, updated_at=now
        )
    return due


def broadcast_start(*, broadcast_id: int, now: datetime | None = None) -> bool:
    """Plan a due scheduled broadcast unless quiet hours hold it; True when it is sending."""
    now = now or timezone.now()
    broadcast = Broadcast.unscoped.select_related("account").filter(pk=broadcast_id).first()
    if broadcast is None:
        return False
    if broadcast.status == Broadcast.Status.SENDING:
        return True
    if broadcast.status != Broadcast.Status.SCHEDULED or (
        broadcast.send_at and broadcast.send_at > now
    ):
        return False
    if broadcast.plan_retry_at and broadcast.plan_retry_at > now:
        return False  # a failed planning attempt's back-off has not run out
    quiet_end = quiet_hours_end(account=broadcast.account, moment=now)
    if quiet_end is not None:
        Broadcast.unscoped.filter(pk=broadcast.pk, status=Broadcast.Status.SCHEDULED).update(
            send_at=quiet_end, deferred_by_quiet_hours=True, updated_at=now
        )
        return False
    try:
        planned = broadcast_plan(broadcast_id=broadcast_id, now=now)
    except Exception as error:  # any: it must end visible on the row, never silently retried
        broadcast_planning_failed(broadcast_id=broadcast_id, error=error, now=now)
        return False
    if planned is None or planned.status != Broadcast.Status.SENDING:
        return False
    broadcast_repeat(broadcast=planned)  # the next weekly occurrence, if it repeats
    return True


def broadcasts_stalled(*, now: datetime | None = None) -> list[int]:
    """Sending broadcasts that no worker has touched lately (a killed worker, a lost task)."""
    now = now or timezone.now()
    recent = BroadcastBatch.unscoped.filter(last_attempt_at__gt=now - STALLED_AFTER)
    return list(
        Broadcast.unscoped.filter(
            status=Broadcast.Status.SENDING, started_at__lt=now - STALLED_AFTER
        )
        .exclude(pk__in=recent.values("broadcast_id"))
        # A narrowcast LINE is still processing is being polled, not stalled.
        .exclude(narrowcast_checked_at__gt=now - STALLED_AFTER)
        # A continuation is queued for later (an hourly limit, a back-off): wait for it.
        .exclude(continue_at__gt=now - STALLED_AFTER)
        .values_list("pk", flat=True)
    )


def broadcast_continue_at(*, broadcast_id: int, seconds: int) -> None:
    """Note when the queued continuation of a send is due (see ``broadcasts_stalled``)."""
    Broadcast.unscoped.filter(pk=broadcast_id).update(
        continue_at=timezone.now() + timedelta(seconds=seconds)
    )


def broadcast_send_test(
    *, account: LineAccount, broadcast: Broadcast, line_user_id: str, display_name: str = ""
) -> str:
    """Push the broadcast to one LINE user (the marketer's own account) to see it on a phone;
    an A/B broadcast sends each variant, in order. Links are not tracked and nothing is
    counted: a test is not part of the results."""
    request_id = ""
    arms = variants.variant_list(broadcast=broadcast)
    for messages in [arm.messages for arm in arms] or [broadcast.messages]:
        request_id = _push_test(account, messages, line_user_id, display_name)
    return request_id


def _push_test(account: LineAccount, messages: list[dict], line_user_id: str, name: str) -> str:
    from linebot.v3 import messaging

    decision = line_api.rate_limit_acquire(account, "push")
    if not decision.allowed:
        raise ValidationError(
            {"line_user_id": [_("Too many test messages; try again in a moment.")]}
        )
    if name or any("{displayName}" in m.get("text", "") for m in messages):
        messages = personalise(messages, name)
    request = messaging.PushMessageRequest.from_dict({"to": line_user_id, "messages": messages})
    with line_api.messaging_api(account, host=simulated_line.host()) as api:
        outcome = line_call(
            lambda: api.push_message_with_http_info(
                request,
                x_line_retry_key=str(uuid.uuid4()),
                _request_timeout=line_api.REQUEST_TIMEOUT,
            )
        )
    if outcome.kind != "accepted":
        raise ValidationError(
            {
                "line_user_id": [
                    _("LINE did not send the test (%(status)s): %(message)s")
                    % {"status": outcome.status or "—", "message": outcome.message}
                ]
            }
        )
    return outcome.request_id
