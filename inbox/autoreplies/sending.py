"""Sending the auto-replies the rules decided: by LINE's reply API, exactly once, never lost
to a worker that dies before the call.

``inbox.autoreplies.answering`` writes an ``AutoReplySend`` per decided answer in the activity
hub's transaction and, right after its commit, hands their ids to ``auto_replies_deliver`` in
the same process (``inbox.autoreplies.sender``: a pool process's sender thread), so the answer
leaves within milliseconds. If that process dies first, the
beat's sweep (``auto_replies_due``, every 10 s) finds the row still queued and sends it while
the event's reply token is valid; once the token expired, the row ends "expired": auto-replies
never push.

Exactly once, by the rule manual answers follow (``inbox.services.answers``): LINE's reply API
takes no retry key, so the token is claimed (``reply_tokens_claim``, a batch's tokens at once)
in the transaction that moves the rows from queued to sending, and a call is made only by the
one transaction whose conditional update won. A row left "sending" (the worker killed mid-call, or LINE's answer
lost to a timeout) may have reached LINE: it is never called again and ends "unknown".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from inbox.models import AutoReplySend, ReplyTokenUse
from inbox.services.outbound import AutoReplyAnswer, outbound_auto_replies_record
from inbox.services.reply_tokens import (
    REPLY_TOKEN_LIFETIME,
    reply_token_usable,
    reply_tokens_claim,
)
from oa_console.line.chat import chat_reply
from oa_console.line.outcomes import REJECTED, Outcome
from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope

logger = logging.getLogger("inbox.auto_replies")

Status = AutoReplySend.Status
# A claimed send whose worker said nothing for this long died mid-call (a LINE call's connect
# and read timeouts are far shorter); as for manual replies, it may or may not have arrived.
SENDING_STALE_AFTER = timedelta(minutes=2)
# Finished sends are kept this long (the conversation page's handover marker reads them).
KEEP_FINISHED_FOR = timedelta(days=7)
SWEEP_BATCH = 100


def _finish(
    account: LineAccount, send_id: int, expected: str, status: str, error: str = ""
) -> bool:
    return bool(
        AutoReplySend.objects.for_account(account)
        .filter(pk=send_id, status=expected)
        .update(status=status, error=error)
    )


def _move(account: LineAccount, send_ids: Sequence[int], expected: str, **values) -> set[int]:
    """Move the sends still in ``expected`` in one conditional UPDATE; the ids it moved
    (``RETURNING``, PostgreSQL and SQLite alike). Of two workers moving a row (the
    after-commit call and the sweep), exactly one gets its id back."""
    if not send_ids:
        return set()
    quote = connection.ops.quote_name
    fields = [AutoReplySend._meta.get_field(name) for name in values]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    placeholders = ", ".join(["%s"] * len(send_ids))
    sql = (
        f"UPDATE {quote(AutoReplySend._meta.db_table)} SET {assignments}"
        f" WHERE {quote('account_id')} = %s AND {quote('status')} = %s"
        f" AND {quote('id')} IN ({placeholders}) RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, account.pk, expected, *send_ids])
        return {row[0] for row in cursor.fetchall()}


def _claim_many(account: LineAccount, send_ids: Sequence[int], now: datetime) -> dict:
    """Move the queued sends to sending and claim their reply tokens, in one transaction: the
    sends to call LINE with, and the status each other send ended in here (expired,
    skipped); sends another worker has (or had) are in neither."""
    ended: dict[int, str] = {}
    with transaction.atomic():
        won = _move(account, send_ids, Status.QUEUED, status=Status.SENDING, claimed_at=now)
        sends = list(AutoReplySend.objects.for_account(account).filter(pk__in=won).order_by("pk"))
        usable = []
        for send in sends:
            if reply_token_usable(token=send.reply_token, received_at=send.token_at, now=now):
                usable.append(send)
            else:
                ended[send.pk] = Status.EXPIRED
        claimed = reply_tokens_claim(
            account=account,
            tokens=[send.reply_token for send in usable],
            used_for=ReplyTokenUse.UsedFor.AUTO_REPLY,
            now=now,
        )
        calls = []
        for send in usable:
            if send.reply_token in claimed:
                claimed.discard(send.reply_token)  # a token repeated in the batch goes once
                calls.append(send)
            else:
                ended[send.pk] = Status.SKIPPED
        for status in (Status.EXPIRED, Status.SKIPPED):
            _move(account, [pk for pk, end in ended.items() if end == status], Status.SENDING,
                  status=status)  # fmt: skip
    return {"calls": calls, "ended": ended}


def _reason(outcome: Outcome) -> str:
    return outcome.message or outcome.reason or outcome.error


def _call(account: LineAccount, send: AutoReplySend) -> Outcome | None:
    """LINE's answer to one reply, or None when the call raised (the row stays "sending":
    it may have reached LINE, and the sweep ends it "unknown")."""
    try:
        return chat_reply(account=account, reply_token=send.reply_token, messages=send.messages)
    except Exception:
        logger.exception("auto-reply failed", extra={"account": account.pk, "send": send.pk})
        return None


def _call_all(account: LineAccount, sends: list[AutoReplySend]) -> list[Outcome | None]:
    """The LINE calls of a batch, side by side in up to ``INBOX_AUTO_REPLY_CONCURRENCY``
    threads (a call is mostly waiting for LINE). The threads touch no database: the claims
    before and the outcomes after are one transaction each, in the calling thread."""
    threads = min(settings.INBOX_AUTO_REPLY_CONCURRENCY, len(sends))
    if threads <= 1:
        return [_call(account, send) for send in sends]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="auto-reply") as pool:
        return list(pool.map(partial(_call, account), sends))


@transaction.atomic
def _settle(
    account: LineAccount, sends: list[AutoReplySend], outcomes: list[Outcome | None]
) -> dict[int, str]:
    """Each answered send's status, in one transaction; the accepted ones' messages into
    their conversations, marked automatic (one write for the batch)."""
    now = timezone.now()
    statuses: dict[int, str] = {}
    accepted: dict[int, tuple[AutoReplySend, Outcome]] = {}
    for send, outcome in zip(sends, outcomes, strict=True):
        if outcome is None:
            continue
        if outcome.accepted:
            accepted[send.pk] = (send, outcome)
        elif (
            outcome.kind == REJECTED
        ):  # LINE said no (the token expired on its side, a bad message)
            _finish(account, send.pk, Status.SENDING, Status.FAILED, _reason(outcome))
            statuses[send.pk] = Status.FAILED
        else:  # no answer from LINE (timeout, 5xx, 429): the reply may have arrived; token spent
            _finish(account, send.pk, Status.SENDING, Status.UNKNOWN, _reason(outcome))
            statuses[send.pk] = Status.UNKNOWN
    # The sweep may have given up on a call slower than minutes: recorded once, by the sweep.
    sent = _move(account, list(accepted), Status.SENDING, status=Status.SENT, sent_at=now, error="")
    answers = [
        AutoReplyAnswer(
            friend_id=send.friend_id,
            messages=send.messages,
            line_message_ids=[
                str(m.id) for m in getattr(outcome.data, "sent_messages", None) or []
            ],
            rule_id=send.rule_id,
            kind=send.kind,
        )
        for pk, (send, outcome) in accepted.items()
        if pk in sent
    ]
    outbound_auto_replies_record(account=account, answers=answers, occurred_at=now)
    statuses.update(dict.fromkeys(sent, Status.SENT))
    return statuses


def auto_replies_send(
    *, account: LineAccount, send_ids: Sequence[int], now: datetime | None = None
) -> dict[int, str]:
    """Send the queued auto-replies whose token is still valid; the status each send ended in
    here (sends another worker has or had are left out, as are calls that raised). Idempotent:
    a repeat finds the rows no longer queued and does nothing.

    Three steps, whatever the batch's size: one transaction claims every send and its token,
    the LINE calls go side by side, one transaction records every outcome (one send per call
    and transaction cost about 15 statements and two commits a reply, most of a worker's time
    at 30 auto-replies a second, bench/inbox.py)."""
    claim = _claim_many(account, list(dict.fromkeys(send_ids)), now or timezone.now())
    statuses = dict(claim["ended"])
    if claim["calls"]:
        statuses.update(_settle(account, claim["calls"], _call_all(account, claim["calls"])))
    return statuses


def auto_reply_deliver(
    *, account: LineAccount, send_id: int, now: datetime | None = None
) -> str | None:
    """Send one queued auto-reply if its token is still valid; the status this call ended it
    in, or None when another worker has (or had) it."""
    return auto_replies_send(account=account, send_ids=[send_id], now=now).get(send_id)


def auto_replies_deliver(*, account: LineAccount, send_ids: Sequence[int]) -> int:
    """Send the sends just decided (after the hub's commit, in its process); how many LINE
    accepted. Never raises: a failure is logged, its rows stay queued or sending and the sweep
    settles them. Each row is claimed by one transaction, so exactly once holds whatever
    else sends."""
    try:
        with tenant_scope(workspace=account.workspace, account=account):
            statuses = auto_replies_send(account=account, send_ids=send_ids)
    except Exception:
        logger.exception("auto-replies failed", extra={"account": account.pk})
        return 0
    return sum(status == Status.SENT for status in statuses.values())


def auto_replies_due(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """The beat's sweep, across tenants (it runs before any OA is known): sends left sending
    end "unknown", queued sends whose token expired end "expired", and the ids of the queued
    sends still in time are returned to be sent."""
    now = now or timezone.now()
    rows = AutoReplySend.unscoped
    rows.filter(status=Status.SENDING, claimed_at__lte=now - SENDING_STALE_AFTER).update(
        status=Status.UNKNOWN
    )
    rows.filter(status=Status.QUEUED, token_at__lte=now - REPLY_TOKEN_LIFETIME).update(
        status=Status.EXPIRED
    )
    return list(
        rows.filter(status=Status.QUEUED).order_by("token_at").values_list("pk", flat=True)[:limit]
    )


def auto_reply_sweep_deliver(*, send_id: int) -> str | None:
    """Send one due send found by the sweep, in its own OA's scope."""
    send = AutoReplySend.unscoped.select_related("account__workspace").filter(pk=send_id).first()
    if send is None:
        return None
    account = send.account
    with tenant_scope(workspace=account.workspace, account=account):
        return auto_reply_deliver(account=account, send_id=send_id)


def auto_reply_sends_prune(*, now: datetime | None = None) -> int:
    """Delete finished sends kept long enough (hourly), except those a handover still shows."""
    cutoff = (now or timezone.now()) - KEEP_FINISHED_FOR
    deleted, _ = (
        AutoReplySend.unscoped.filter(created_at__lt=cutoff, status__in=AutoReplySend.FINISHED)
        .exclude(handovers__isnull=False)
        .delete()
    )
    return deleted
