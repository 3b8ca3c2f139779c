"""Sending the auto-replies the rules decided: by LINE's reply API, exactly once, never lost
to a worker that dies before the call.

``inbox.autoreplies.answering`` writes an ``AutoReplySend`` per decided answer in the activity
hub's transaction and, right after its commit, hands their ids to ``auto_replies_deliver`` in
the same process (the answer leaves within milliseconds). If that process dies first, the
beat's sweep (``auto_replies_due``, every 10 s) finds the row still queued and sends it while
the event's reply token is valid; once the token expired, the row ends "expired": auto-replies
never push.

Exactly once, by the rule manual answers follow (``inbox.services.answers``): LINE's reply API
takes no retry key, so the token is claimed (``reply_token_claim``) in the transaction that
moves the row from queued to sending, and a call is made only by the one transaction whose
conditional update won. A row left "sending" (the worker killed mid-call, or LINE's answer
lost to a timeout) may have reached LINE: it is never called again and ends "unknown".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from inbox.models import AutoReplySend, ConversationMessage, ReplyTokenUse
from inbox.services.outbound import outbound_messages_record
from inbox.services.reply_tokens import (
    REPLY_TOKEN_LIFETIME,
    reply_token_claim,
    reply_token_usable,
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


def _claim(account: LineAccount, send_id: int, now: datetime) -> AutoReplySend | str | None:
    """Move the send from queued to sending and claim its reply token, in one transaction:
    the send to call LINE with, the status it ended in here (expired, skipped), or None when
    another worker has (or had) it."""
    with transaction.atomic():
        sends = AutoReplySend.objects.for_account(account)
        # The conditional update is the lock: of two workers (the after-commit call and the
        # sweep) exactly one moves the row, on PostgreSQL and SQLite alike.
        if not sends.filter(pk=send_id, status=Status.QUEUED).update(
            status=Status.SENDING, claimed_at=now
        ):
            return None
        send = sends.get(pk=send_id)
        if not reply_token_usable(token=send.reply_token, received_at=send.token_at, now=now):
            _finish(account, send_id, Status.SENDING, Status.EXPIRED)
            return Status.EXPIRED
        if not reply_token_claim(
            account=account,
            token=send.reply_token,
            received_at=send.token_at,
            used_for=ReplyTokenUse.UsedFor.AUTO_REPLY,
            now=now,
        ):
            _finish(account, send_id, Status.SENDING, Status.SKIPPED)
            return Status.SKIPPED
    return send


def _reason(outcome: Outcome) -> str:
    return outcome.message or outcome.reason or outcome.error


def auto_reply_deliver(
    *, account: LineAccount, send_id: int, now: datetime | None = None
) -> str | None:
    """Send one queued auto-reply if its token is still valid; the status this call ended it
    in, or None when another worker has (or had) it. Idempotent: a repeat finds the row no
    longer queued and does nothing."""
    send = _claim(account, send_id, now or timezone.now())
    if not isinstance(send, AutoReplySend):
        return send
    outcome = chat_reply(account=account, reply_token=send.reply_token, messages=send.messages)
    if outcome.accepted:
        _record_sent(account, send, outcome)
        return Status.SENT
    if outcome.kind == REJECTED:  # LINE said no (the token expired on its side, a bad message)
        _finish(account, send_id, Status.SENDING, Status.FAILED, _reason(outcome))
        return Status.FAILED
    # No answer from LINE (timeout, 5xx, 429): the reply may have arrived; the token is spent.
    _finish(account, send_id, Status.SENDING, Status.UNKNOWN, _reason(outcome))
    return Status.UNKNOWN


@transaction.atomic
def _record_sent(account: LineAccount, send: AutoReplySend, outcome: Outcome) -> None:
    """The messages into the conversation, marked automatic, and the send marked sent."""
    now = timezone.now()
    if not (
        AutoReplySend.objects.for_account(account)
        .filter(pk=send.pk, status=Status.SENDING)
        .update(status=Status.SENT, sent_at=now, error="")
    ):
        return  # the sweep gave up on it meanwhile (a call slower than minutes): recorded once
    sent_ids = [str(m.id) for m in getattr(outcome.data, "sent_messages", None) or []]
    rows = outbound_messages_record(
        account=account,
        friend_id=send.friend_id,
        messages=send.messages,
        sent_by=ConversationMessage.SentBy.AUTO_REPLY,
        occurred_at=now,
        line_message_ids=sent_ids,
    )
    ConversationMessage.objects.for_account(account).filter(pk__in=[row.pk for row in rows]).update(
        auto_reply_rule_id=send.rule_id, auto_reply_kind=send.kind
    )


def auto_replies_deliver(*, account: LineAccount, send_ids: Sequence[int]) -> int:
    """Send the sends just decided (after the hub's commit, in its process); how many LINE
    accepted. Never raises: a failure is on its row, and the next one goes.

    A send is mostly waiting (LINE's answer, then the recording's commit), and a busy OA
    decides dozens a second: up to ``INBOX_AUTO_REPLY_CONCURRENCY`` threads send a batch's
    rows side by side, each on its own database connection, closed when its share is done
    (sequentially one by one, about 6 a second on bench/inbox.py's machine: answers came
    later than LINE's reply token lives). Each row is still claimed by one transaction, so
    concurrency changes nothing of exactly once."""
    send_ids = list(send_ids)
    threads = min(settings.INBOX_AUTO_REPLY_CONCURRENCY, len(send_ids))
    if threads <= 1:
        return _deliver_share(account, send_ids)
    shares = [send_ids[index::threads] for index in range(threads)]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="auto-reply") as pool:
        return sum(pool.map(partial(_deliver_share_in_thread, account), shares))


def _deliver_share(account: LineAccount, send_ids: Sequence[int]) -> int:
    sent = 0
    with tenant_scope(workspace=account.workspace, account=account):
        for send_id in send_ids:
            try:
                sent += auto_reply_deliver(account=account, send_id=send_id) == Status.SENT
            except Exception:  # the row stays queued or sending: the sweep settles it
                logger.exception(
                    "auto-reply failed", extra={"account": account.pk, "send": send_id}
                )
    return sent


def _deliver_share_in_thread(account: LineAccount, send_ids: Sequence[int]) -> int:
    try:
        return _deliver_share(account, send_ids)
    finally:
        connections.close_all()  # this thread's connections only (they are per thread)


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
