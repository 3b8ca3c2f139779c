"""The ``inbox.auto_replies`` subscriber: answers follows, re-follows, messages and postbacks
with the OA's auto-reply rules, by LINE's free reply API only.

Two phases, so that no LINE call runs inside the drain's transaction (which holds the
subscribers' cursors, and the conversation's lock once the inbox writes it):

1. In the hub's transaction (``auto_replies_react``): decide each event's rule (the pure
   ``matching.rule_for``), add the rule's tags and hand the conversation over when the rule
   says so. These writes commit with the cursor, so a redelivered batch repeats nothing.
2. Right after that commit (``transaction.on_commit``, in the same process, so the answer
   leaves within milliseconds of the webhook): claim the event's reply token, call
   ``chat_reply`` and record what was sent. A token that is missing, expired (an event from
   long ago, a drain that ran late) or claimed first by an agent means no auto-reply, logged:
   auto-replies never push. A worker killed between the phases loses that one reply, never
   sends it twice (the token is single-use anyway).

The subscriber starts "now": deployed for the first time it never answers last month's
messages. It is registered before the inbox's own subscriber, so it sees a conversation's
status before the friend's new message reopens it: a conversation a rule handed to a person
stays quiet until a team member resolves it, and the first message after that is answered
again (the handover ends).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from inbox.autoreplies.hours import hours_open, windows_from
from inbox.autoreplies.matching import (
    FOLLOW,
    MESSAGE,
    POSTBACK,
    REFOLLOW,
    AutoReplyEvent,
    rule_for,
)
from inbox.autoreplies.selectors import auto_reply_rules_enabled, business_hours_get
from inbox.models import AutoReplyHandover, AutoReplyRule, Conversation, ConversationMessage
from inbox.services.assignment import conversations_auto_assign
from inbox.services.outbound import outbound_messages_record
from inbox.services.reply_tokens import reply_token_claim
from oa_console.activity.models import Activity
from oa_console.activity.registry import ActivityRow, per_account
from oa_console.line.chat import chat_reply
from oa_console.line.messages import is_personalised, personalise
from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope
from segments.models import FriendTag
from segments.selectors.friends import friend_names
from segments.services.tagging import friend_tags_add

logger = logging.getLogger("inbox.auto_replies")

SUBSCRIBER = "inbox.auto_replies"
KINDS = (Activity.Kind.FOLLOW, Activity.Kind.UNBLOCK, Activity.Kind.MESSAGE, Activity.Kind.POSTBACK)
USED_FOR = "auto_reply"


@dataclass(frozen=True)
class Answer:
    """An answer decided in the hub's transaction, sent after its commit."""

    rule_id: int
    kind: str
    messages: list
    friend_id: int
    line_user_id: str
    reply_token: str
    received_at: datetime


def event_from_activity(row: ActivityRow) -> AutoReplyEvent | None:
    """The event a rule may answer, or None: not a friend's 1:1 event, or the OA's channel was
    in standby (another channel is in control: LINE says not to reply)."""
    payload = row.payload or {}
    if row.friend_id is None or payload.get("mode") == "standby":
        return None
    if row.kind == Activity.Kind.FOLLOW:
        return AutoReplyEvent(FOLLOW)
    if row.kind == Activity.Kind.UNBLOCK:
        return AutoReplyEvent(REFOLLOW)
    if row.kind == Activity.Kind.POSTBACK:
        data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
        return AutoReplyEvent(POSTBACK, data=str(data.get("data") or ""))
    if row.kind == Activity.Kind.MESSAGE and payload.get("message_type"):
        return AutoReplyEvent(MESSAGE, text=str(payload.get("text") or ""))
    return None


def auto_replies_react(activities: Sequence[ActivityRow]) -> None:
    """The hub's handler: every OA's part of the batch, in that OA's scope."""
    per_account(list(activities), _react)


def _react(account: LineAccount, rows: list[ActivityRow]) -> None:
    rules = auto_reply_rules_enabled(account=account)
    if not rules:
        return
    hours = business_hours_get(account=account)
    windows = windows_from(hours.windows) if hours else []
    closed = [date.fromisoformat(day) for day in hours.closed_dates] if hours else []
    quiet = _handed_over(account, {row.friend_id for row in rows if row.friend_id})
    answers: list[Answer] = []
    for row in sorted(rows, key=lambda row: (row.occurred_at, row.id)):
        event = event_from_activity(row)
        if event is None or row.friend_id in quiet:
            continue
        open_now = hours_open(
            windows=windows,
            closed_dates=closed,
            time_zone=account.time_zone,
            moment=row.occurred_at,
        )
        rule = rule_for(rules, event, open_now=open_now)
        if rule is None:
            continue
        for tag in rule.tags.all():
            friend_tags_add(
                account=account,
                tag=tag,
                friend_ids=[row.friend_id],
                source=FriendTag.Source.RULE,
                at=row.occurred_at,
            )
        if rule.hand_over:
            _hand_over(account, row.friend_id, rule, row.occurred_at)
            quiet.add(row.friend_id)
        answers.append(
            Answer(
                rule_id=rule.pk,
                kind=rule.kind,
                messages=rule.messages,
                friend_id=row.friend_id,
                line_user_id=row.line_user_id,
                reply_token=str((row.payload or {}).get("reply_token") or ""),
                received_at=row.occurred_at,
            )
        )
    if answers:
        transaction.on_commit(partial(answers_send, account=account, answers=answers))


def _handed_over(account: LineAccount, friend_ids: set[int]) -> set[int]:
    """The friends whose conversation a rule handed to a person and nobody resolved since.
    A handover of a conversation resolved since then ends here: auto-replies answer again."""
    handovers = AutoReplyHandover.objects.for_account(account).filter(
        conversation__friend_id__in=friend_ids
    )
    ended = handovers.filter(conversation__status=Conversation.Status.RESOLVED)
    ended.delete()
    return set(handovers.values_list("conversation__friend_id", flat=True))


def _hand_over(account: LineAccount, friend_id: int, rule: AutoReplyRule, at: datetime) -> None:
    """Mark the conversation as needing a person: open, with the rule's handover marker, and
    given to the next available member in turn when the OA assigns automatically (the same
    round-robin as a new conversation's; one already assigned keeps its member). A handover
    from a conversation whose session was already open, or from a follow, which writes no
    message, would otherwise wait for someone to pick it up."""
    conversations = Conversation.objects.for_account(account)
    conversations.bulk_create(
        [Conversation(account=account, friend_id=friend_id)], ignore_conflicts=True
    )
    conversation = conversations.select_for_update().get(friend_id=friend_id)
    if conversation.status != Conversation.Status.OPEN:
        conversation.status = Conversation.Status.OPEN
        conversation.save(update_fields=["status", "updated_at"])
    AutoReplyHandover.objects.for_account(account).update_or_create(
        conversation=conversation,
        defaults={"account": account, "rule": rule, "rule_name": rule.name, "handed_over_at": at},
    )
    if conversation.assignee_id is None:
        conversations_auto_assign(account=account, conversation_ids=[conversation.pk])


def answers_send(*, account: LineAccount, answers: Sequence[Answer]) -> int:
    """Send the decided answers by the reply API (after the hub's commit); returns how many
    LINE accepted. Never raises: each answer's failure is logged and the next one goes."""
    sent = 0
    with tenant_scope(workspace=account.workspace, account=account):
        names = friend_names(
            account=account,
            line_user_ids=[a.line_user_id for a in answers if is_personalised(a.messages)],
        )
        for answer in answers:
            try:
                sent += _send(account, answer, names)
            except Exception:
                logger.exception(
                    "auto-reply failed", extra={"account": account.pk, "rule": answer.rule_id}
                )
    return sent


def _send(account: LineAccount, answer: Answer, names: dict[str, str]) -> int:
    if not reply_token_claim(
        account=account,
        token=answer.reply_token,
        received_at=answer.received_at,
        used_for=USED_FOR,
    ):
        logger.info(
            "auto-reply skipped: no reply token, or it expired or was used",
            extra={"account": account.pk, "rule": answer.rule_id},
        )
        return 0
    messages = answer.messages
    if is_personalised(messages):
        messages = personalise(messages, names.get(answer.line_user_id, ""))
    outcome = chat_reply(account=account, reply_token=answer.reply_token, messages=messages)
    if not outcome.accepted:
        logger.warning(
            "auto-reply refused by LINE: %s",
            outcome.message or outcome.error,
            extra={"account": account.pk, "rule": answer.rule_id},
        )
        return 0
    sent_ids = [str(m.id) for m in getattr(outcome.data, "sent_messages", None) or []]
    # The rule may have been deleted since it was decided: the messages still count as automatic.
    rule_id = (
        answer.rule_id
        if AutoReplyRule.objects.for_account(account).filter(pk=answer.rule_id).exists()
        else None
    )
    with transaction.atomic():
        rows = outbound_messages_record(
            account=account,
            friend_id=answer.friend_id,
            messages=messages,
            sent_by=ConversationMessage.SentBy.AUTO_REPLY,
            occurred_at=timezone.now(),
            line_message_ids=sent_ids,
        )
        ConversationMessage.objects.for_account(account).filter(
            pk__in=[row.pk for row in rows]
        ).update(auto_reply_rule_id=rule_id, auto_reply_kind=answer.kind)
    return 1
