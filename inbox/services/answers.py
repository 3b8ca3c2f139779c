"""An agent's answer to a friend: written once, sent exactly once, by reply or by push.

``answer_create`` writes the answer (its messages and retry key) before any LINE call and kicks
a worker after the commit; ``answer_deliver`` (the worker) sends it:

- **reply** while the conversation's reply token is valid and unclaimed (free). The token is
  claimed (``reply_token_claim``) in the transaction that marks the answer "sending by reply",
  so a repeated task never uses it again. If the token expired or another answer (an
  auto-reply) claimed it in the meantime, the answer is not pushed silently: it waits for the
  agent to confirm the push, unless they already had.
- **push** only once the agent confirmed its cost (it counts against the monthly quota). It
  carries the answer's retry key: a repeat after a worker died mid-call is answered 409 by LINE
  (accepted, delivered once), never delivered twice.

A worker owns an answer for ``LEASE`` (``next_attempt_at`` moved ahead by a conditional update),
so two workers never send one answer at once; a worker that dies leaves the lease to end, and
the beat's sweep (``answers_due``) sends it again under the same key. On acceptance the messages
are recorded in the conversation and the answer marked sent in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coupons.selectors import coupon_message_refusals
from inbox.models import Conversation, ConversationMessage, OutboundAnswer, ReplyTokenUse
from inbox.services.answer_images import PlannedImage, answer_images_save
from inbox.services.outbound import outbound_messages_record
from inbox.services.reply_tokens import (
    reply_token_claim,
    reply_token_is_claimed,
    reply_token_usable,
)
from oa_console.line.chat import chat_push, chat_reply
from oa_console.line.messages import messages_errors
from oa_console.line.outcomes import REJECTED, Outcome, backoff
from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope
from segments.models import Friend

Method = OutboundAnswer.Method
Status = OutboundAnswer.Status
# Longer than a LINE call can take (connect + read timeouts): a live worker never loses it.
LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 6
# A reply whose worker died mid-call: after this long it may or may not have arrived.
REPLY_STALE_AFTER = timedelta(minutes=2)
SWEEP_BATCH = 100

FRIEND_BLOCKED = "friend_blocked"
PUSH_NOT_CONFIRMED = "push_not_confirmed"
NOT_WAITING = "not_waiting_for_push"


class AnswerRefused(Exception):
    """The answer cannot be sent as asked; ``code`` says why to a program, the text to people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def answer_method(*, account: LineAccount, conversation: Conversation, now=None) -> str:
    """How an answer written now would go: reply while the token is valid and unclaimed."""
    token = conversation.reply_token
    if reply_token_usable(
        token=token, received_at=conversation.reply_token_at, now=now
    ) and not reply_token_is_claimed(account=account, token=token):
        return Method.REPLY
    return Method.PUSH


def blocked_refusal() -> AnswerRefused:
    return AnswerRefused(
        FRIEND_BLOCKED,
        _("This friend has blocked the OA: LINE delivers nothing to them until they unblock it."),
    )


def push_refusal() -> AnswerRefused:
    return AnswerRefused(
        PUSH_NOT_CONFIRMED,
        _(
            "The friend's reply token has expired or was already used, so this answer can only "
            "go by push, which counts against the OA's monthly message quota. Confirm the push "
            "to send it."
        ),
    )


def _kick(answer_id: int, countdown: int | None = None) -> None:
    def send() -> None:
        from inbox import tasks  # tasks import this module: imported when first needed

        tasks.send_answer_soon(answer_id, countdown=countdown)

    transaction.on_commit(send)


@transaction.atomic
def answer_create(
    *,
    account: LineAccount,
    conversation: Conversation,
    messages: Sequence[dict],
    user=None,
    confirm_push: bool = False,
    images: Sequence[PlannedImage] = (),
) -> OutboundAnswer:
    """Write the answer to send ``messages`` (LINE message objects) to the conversation's
    friend; refused (``AnswerRefused``) for a friend who blocked the OA and for a push the agent
    has not confirmed, invalid messages raise ``ValidationError`` on ``messages``.

    ``images`` are the uploads the messages link to (checked, not stored yet): stored only once
    the answer is written, so a refused answer leaves no file behind, and before the worker is
    kicked (after the commit), so LINE finds them."""
    friend = Friend.objects.for_account(account).get(pk=conversation.friend_id)
    if friend.status == Friend.Status.BLOCKED:
        raise blocked_refusal()
    messages = list(messages)
    errors = messages_errors(messages)
    if errors:
        raise ValidationError({"messages": [str(error) for error in errors]})
    refusals = coupon_message_refusals(account=account, messages=messages)
    if refusals:
        raise ValidationError({"messages": [why for _index, why in refusals]})
    now = timezone.now()
    method = answer_method(account=account, conversation=conversation, now=now)
    if method == Method.PUSH and not confirm_push:
        raise push_refusal()
    answer = OutboundAnswer.objects.for_account(account).create(
        account=account,
        conversation=conversation,
        sent_by_user=user,
        messages=messages,
        method=method,
        push_confirmed=confirm_push,
        next_attempt_at=now,
    )
    answer_images_save(images)
    _kick(answer.pk)
    return answer


@transaction.atomic
def answer_confirm_push(*, account: LineAccount, answer: OutboundAnswer) -> None:
    """The agent accepts the push's cost of an answer waiting for it: it is sent by push."""
    answer = OutboundAnswer.objects.for_account(account).select_for_update().get(pk=answer.pk)
    if answer.status != Status.CONFIRM_PUSH:
        raise AnswerRefused(NOT_WAITING, _("This answer is not waiting for a push confirmation."))
    friend = Friend.objects.for_account(account).get(pk=answer.conversation.friend_id)
    if friend.status == Friend.Status.BLOCKED:
        raise blocked_refusal()
    answer.method, answer.push_confirmed, answer.status = Method.PUSH, True, Status.QUEUED
    answer.next_attempt_at, answer.error = timezone.now(), ""
    answer.save(update_fields=["method", "push_confirmed", "status", "next_attempt_at", "error"])
    _kick(answer.pk)


@transaction.atomic
def answer_discard(*, account: LineAccount, answer: OutboundAnswer) -> None:
    """Drop an answer that waits for a push confirmation or failed: nothing was sent."""
    deleted, _rows = (
        OutboundAnswer.objects.for_account(account)
        .filter(pk=answer.pk, status__in=[Status.CONFIRM_PUSH, Status.FAILED])
        .delete()
    )
    if not deleted:
        raise AnswerRefused(NOT_WAITING, _("Only an answer not sent can be dropped."))


def _lease(account: LineAccount, answer_id: int, now: datetime) -> bool:
    """Take the answer for ``LEASE`` if it is queued and due: one worker at a time."""
    return bool(
        OutboundAnswer.objects.for_account(account)
        .filter(pk=answer_id, status=Status.QUEUED, next_attempt_at__lte=now)
        .update(next_attempt_at=now + LEASE)
    )


def _sent_ids(outcome: Outcome) -> list[str]:
    sent = getattr(outcome.data, "sent_messages", None) or []
    return [str(getattr(message, "id", "") or "") for message in sent]


@transaction.atomic
def _record_sent(account: LineAccount, answer_id: int, expected: str, outcome: Outcome) -> None:
    """LINE accepted the answer: its messages into the conversation and the answer sent, once."""
    answer = (
        OutboundAnswer.objects.for_account(account)
        .select_for_update(of=("self",))
        .select_related("conversation", "sent_by_user")
        .filter(pk=answer_id, status=expected)
        .first()
    )
    if answer is None:  # another worker recorded it (its 409 repeat and ours both accepted)
        return
    now = timezone.now()
    outbound_messages_record(
        account=account,
        friend_id=answer.conversation.friend_id,
        messages=answer.messages,
        sent_by=ConversationMessage.SentBy.MANUAL,
        sent_by_user=answer.sent_by_user,
        line_message_ids=_sent_ids(outcome),
        occurred_at=now,
    )
    answer.status, answer.sent_at, answer.error = Status.SENT, now, ""
    answer.save(update_fields=["status", "sent_at", "error"])


def _set(account: LineAccount, answer_id: int, expected: str, **fields) -> None:
    OutboundAnswer.objects.for_account(account).filter(pk=answer_id, status=expected).update(
        **fields
    )


def _line_reason(outcome: Outcome) -> str:
    return outcome.message or outcome.reason or outcome.error


def _deliver_reply(account: LineAccount, answer_id: int) -> int | None:
    now = timezone.now()
    with transaction.atomic():
        answer = (
            OutboundAnswer.objects.for_account(account)
            .select_for_update()
            .select_related("conversation")
            .filter(pk=answer_id, status=Status.QUEUED, method=Method.REPLY)
            .first()
        )
        if answer is None or answer.next_attempt_at > now:
            return None
        conversation = answer.conversation
        token = conversation.reply_token
        if reply_token_claim(
            account=account,
            token=token,
            received_at=conversation.reply_token_at,
            used_for=ReplyTokenUse.UsedFor.MANUAL,
            now=now,
        ):
            answer.status, answer.reply_token = Status.SENDING_REPLY, token
            answer.attempts += 1
            answer.next_attempt_at = now + REPLY_STALE_AFTER
            answer.save(update_fields=["status", "reply_token", "attempts", "next_attempt_at"])
        elif answer.push_confirmed:
            answer.method = Method.PUSH
            answer.save(update_fields=["method"])
        else:
            answer.status = Status.CONFIRM_PUSH
            answer.save(update_fields=["status"])
            return None
    if answer.method == Method.PUSH:  # the token was gone; the agent had accepted a push
        return _deliver_push(account, answer_id)
    outcome = chat_reply(account=account, reply_token=token, messages=answer.messages)
    if outcome.accepted:
        _record_sent(account, answer_id, Status.SENDING_REPLY, outcome)
    elif outcome.kind == REJECTED and "reply token" in outcome.message.lower():
        # LINE no longer takes the token (expired on its side; nobody here used it): push,
        # at once if the agent already accepted its cost, else once they do.
        if not answer.push_confirmed:
            _set(account, answer_id, Status.SENDING_REPLY, status=Status.CONFIRM_PUSH)
            return None
        _set(
            account,
            answer_id,
            Status.SENDING_REPLY,
            status=Status.QUEUED,
            method=Method.PUSH,
            next_attempt_at=timezone.now(),
        )
        return _deliver_push(account, answer_id)
    elif outcome.retry_later:
        # No answer from LINE: the reply may have arrived, and the token cannot be used again.
        _set(
            account,
            answer_id,
            Status.SENDING_REPLY,
            status=Status.CONFIRM_PUSH,
            error=_line_reason(outcome),
        )
    else:
        _set(
            account,
            answer_id,
            Status.SENDING_REPLY,
            status=Status.FAILED,
            error=_line_reason(outcome),
        )
    return None


def _deliver_push(account: LineAccount, answer_id: int) -> int | None:
    now = timezone.now()
    if not _lease(account, answer_id, now):
        return None
    answer = (
        OutboundAnswer.objects.for_account(account)
        .select_related("conversation__friend")
        .get(pk=answer_id)
    )
    friend = answer.conversation.friend
    if friend.status == Friend.Status.BLOCKED:  # blocked since the answer was written
        _set(account, answer_id, Status.QUEUED, status=Status.FAILED, error="")
        return None
    attempts = answer.attempts + 1
    _set(account, answer_id, Status.QUEUED, attempts=attempts)
    outcome = chat_push(
        account=account,
        to=friend.line_user_id,
        messages=answer.messages,
        retry_key=str(answer.retry_key),
    )
    if outcome.accepted:
        _record_sent(account, answer_id, Status.QUEUED, outcome)
        return None
    if outcome.retry_later and attempts < MAX_ATTEMPTS:
        wait = max(outcome.retry_after or 0, backoff(attempts))
        _set(
            account,
            answer_id,
            Status.QUEUED,
            next_attempt_at=timezone.now() + timedelta(seconds=wait),
            error=_line_reason(outcome),
        )
        return wait
    _set(account, answer_id, Status.QUEUED, status=Status.FAILED, error=_line_reason(outcome))
    return None


def answer_deliver(*, answer_id: int) -> int | None:
    """Send the answer if it is due (the worker's entry point); the seconds to wait before
    trying again after a transient failure, else None."""
    answer = (
        OutboundAnswer.unscoped.select_related("account__workspace").filter(pk=answer_id).first()
    )
    if answer is None or answer.status != Status.QUEUED:
        return None
    account = answer.account
    with tenant_scope(workspace=account.workspace, account=account):
        if answer.method == Method.REPLY:
            return _deliver_reply(account, answer_id)
        return _deliver_push(account, answer_id)


def answers_due(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Answers a worker should send now (a lost kick, a retry whose wait ended, a dead
    worker's lease); across tenants, as the beat's sweep runs for every OA. A reply whose
    worker died mid-call is handed to the agent: it may have arrived, so only they decide on a
    push."""
    now = now or timezone.now()
    OutboundAnswer.unscoped.filter(status=Status.SENDING_REPLY, next_attempt_at__lte=now).update(
        status=Status.CONFIRM_PUSH
    )
    return list(
        OutboundAnswer.unscoped.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
