"""The ``inbox.auto_replies`` subscriber: answers follows, re-follows, messages and postbacks
with the OA's auto-reply rules, by LINE's free reply API only.

Two phases, so that no LINE call runs inside the drain's transaction (which holds the
subscribers' cursors, and the conversation's lock once the inbox writes it):

1. In the hub's transaction (``auto_replies_react``): decide each event's rule (the pure
   ``matching.rule_for``) and apply what a match means (``_on_match``): the rule's tags, its
   handover, and its answer written as an ``AutoReplySend`` (messages personalised, the
   event's reply token). These writes commit with the cursor, so a redelivered batch repeats
   nothing.
2. Right after that commit (``transaction.on_commit``, in the same process, so the answer
   leaves within milliseconds of the webhook; in a Celery pool process from its sender
   thread, ``inbox.autoreplies.sender``, so the webhook task goes on with its next batch):
   ``inbox.autoreplies.sending`` claims each send's reply token and calls ``chat_reply``. A
   worker killed between the phases leaves the sends queued and the beat's sweep sends them
   while their token is valid (then they end "expired": auto-replies never push); a send
   whose call may have reached LINE is never made twice.

What a match does does not wait for the answer's fate: tags say "the friend asked about X"
whether or not the reply reached them, and a handover is needed all the more when it did not
(nobody answered); the handover marker then says the rule's answer was not delivered.

The subscriber starts "now": deployed for the first time it never answers last month's
messages. It is drained ahead of the other subscribers (``register(ahead=True)``), in a
transaction of its own, so the answer leaves before the hub's other work on the batch. A
conversation a rule handed to a person stays quiet until a team member resolves it, and the
first message after that is answered again (resolving ends the handover).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import partial

from django.db import transaction

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
from inbox.autoreplies.sender import auto_replies_deliver_soon
from inbox.models import AutoReplyHandover, AutoReplyRule, AutoReplySend, Conversation
from inbox.services.assignment import conversations_auto_assign
from inbox.services.reply_tokens import reply_token_usable
from oa_console.activity.models import Activity
from oa_console.activity.registry import ActivityRow, per_account
from oa_console.line.messages import is_personalised, personalise
from oa_console.models import LineAccount
from segments.models import FriendTag
from segments.selectors.friends import friend_names
from segments.services.tagging import friend_tags_add

SUBSCRIBER = "inbox.auto_replies"
KINDS = (Activity.Kind.FOLLOW, Activity.Kind.UNBLOCK, Activity.Kind.MESSAGE, Activity.Kind.POSTBACK)


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
    matched: list[tuple[ActivityRow, AutoReplyRule]] = []
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
        matched.append((row, rule))
        if rule.hand_over:
            quiet.add(row.friend_id)
    if not matched:
        return
    names = friend_names(
        account=account,
        line_user_ids=[row.line_user_id for row, rule in matched if is_personalised(rule.messages)],
    )
    queued = [_on_match(account, row, rule, names) for row, rule in matched]
    send_ids = [send.pk for send in queued if send.status == AutoReplySend.Status.QUEUED]
    if send_ids:
        transaction.on_commit(
            partial(auto_replies_deliver_soon, account=account, send_ids=send_ids)
        )


def _on_match(
    account: LineAccount, row: ActivityRow, rule: AutoReplyRule, names: dict[str, str]
) -> AutoReplySend:
    """Everything a rule's match does, decided now and not undone by the answer's fate:
    its answer is written to be sent after the commit; its tags apply (the friend asked about
    this, answered or not); its handover applies (a person is needed all the more when the
    answer does not reach the friend, and the marker will say so)."""
    messages = rule.messages
    if is_personalised(messages):
        messages = personalise(messages, names.get(row.line_user_id, ""))
    token = str((row.payload or {}).get("reply_token") or "")
    in_time = reply_token_usable(token=token, received_at=row.occurred_at)
    send = AutoReplySend.objects.for_account(account).create(
        account=account,
        friend_id=row.friend_id,
        rule=rule,
        kind=rule.kind,
        messages=messages,
        reply_token=token,
        token_at=row.occurred_at,
        # No token, or one already too old (an event from long ago, a drain that ran late):
        # nothing will be sent, and the row says so.
        status=AutoReplySend.Status.QUEUED if in_time else AutoReplySend.Status.EXPIRED,
    )
    for tag in rule.tags.all():
        friend_tags_add(
            account=account,
            tag=tag,
            friend_ids=[row.friend_id],
            source=FriendTag.Source.RULE,
            at=row.occurred_at,
        )
    if rule.hand_over:
        _hand_over(account, row.friend_id, rule, row.occurred_at, send)
    return send


def _handed_over(account: LineAccount, friend_ids: set[int]) -> set[int]:
    """The friends whose conversation a rule handed to a person and nobody resolved since
    (resolving ends the handover: ``auto_reply_handover_end``)."""
    handovers = AutoReplyHandover.objects.for_account(account).filter(
        conversation__friend_id__in=friend_ids
    )
    return set(handovers.values_list("conversation__friend_id", flat=True))


def auto_reply_handover_end(*, account: LineAccount, conversation_id: int) -> None:
    """A team member resolved the conversation: auto-replies answer the friend's next message
    again. Ended in the resolving transaction rather than when the next message is answered,
    since auto-replies are drained ahead of the inbox's own subscriber and may read that
    message after the inbox has already reopened the conversation for it."""
    AutoReplyHandover.objects.for_account(account).filter(conversation_id=conversation_id).delete()


def _hand_over(
    account: LineAccount, friend_id: int, rule: AutoReplyRule, at: datetime, send: AutoReplySend
) -> None:
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
        defaults={
            "account": account,
            "rule": rule,
            "rule_name": rule.name,
            "handed_over_at": at,
            "send": send,
        },
    )
    if conversation.assignee_id is None:
        conversations_auto_assign(account=account, conversation_ids=[conversation.pk])
