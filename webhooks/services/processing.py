"""Processing stored webhook events into friends and interactions (owned by ``segments``).

Events are taken in batches, oldest LINE timestamp first, each batch in one transaction that
also flips the events' status: a worker killed mid-batch rolls the whole batch back and the
retried task redoes it. On PostgreSQL, ``SKIP LOCKED`` lets two workers share an OA's backlog
without processing an event twice; the facts' unique keys make a second pass a no-op anyway.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from oa_console.activity.draining import activity_react_now
from oa_console.activity.models import Activity
from oa_console.activity.publishing import ActivityInput, publish_many
from oa_console.json_input import json_loads_bounded
from oa_console.models import LineAccount
from oa_console.selectors import account_get_for_job
from oa_console.tenancy import tenant_scope
from segments.models import Friend, FriendStatusChange, Interaction
from segments.services import friends as segment_services
from webhooks.models import WebhookEvent

logger = logging.getLogger("webhooks.processing")

BATCH_SIZE = 500
# One task drains at most this many batches, then hands over to a fresh task so a busy OA
# cannot pin a worker forever.
MAX_BATCHES_PER_TASK = 40
# Pending events younger than this are presumably still on their way through the broker.
SWEEP_GRACE = timedelta(seconds=30)

# Types that derive nothing but are understood (group membership, channel lifecycle): processed.
GROUP_ONLY_TYPES = {"join", "leave", "memberJoined", "memberLeft"}
LIFECYCLE_TYPES = {"activated", "deactivated", "botSuspended", "botResumed", "module", "delivery"}
INTERACTION_KINDS = {
    "postback": (Interaction.Kind.POSTBACK, "postback"),
    "beacon": (Interaction.Kind.BEACON, "beacon"),
    "videoPlayComplete": (Interaction.Kind.VIDEO_PLAY_COMPLETE, "videoPlayComplete"),
    "accountLink": (Interaction.Kind.ACCOUNT_LINK, "link"),
    "membership": (Interaction.Kind.MEMBERSHIP, "membership"),
}


class EventNotUnderstood(ValueError):
    """A known event type whose body lacks what that type must carry."""


@dataclass
class _Derived:
    status_changes: list = field(default_factory=list)
    interactions: list = field(default_factory=list)
    statuses: dict[int, str] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    # The reply token of each replyable event, by webhook event id: the inbox's auto-replies
    # and agents answer with it for free while it is valid (LINE_PLATFORM.md, reply vs push).
    reply_tokens: dict[str, str] = field(default_factory=dict)


def _detail(body: dict, key: str) -> dict:
    value = body.get(key)
    if not isinstance(value, dict):
        raise EventNotUnderstood(f"a {body.get('type')} event without a '{key}' object")
    return value


def _interpret(event: WebhookEvent, derived: _Derived) -> None:
    """Turn one stored event into facts; sets its status in ``derived.statuses``."""
    # Bounded: an event stored before the receiver refused deep bodies fails here with its
    # reason (a ValueError) instead of a RecursionError that aborts the batch.
    body = json_loads_bounded(event.payload)
    kind = event.event_type
    user_id = event.source_user_id
    one_to_one = event.source_type == "user" and bool(user_id)
    reply_token = body.get("replyToken")
    if one_to_one and isinstance(reply_token, str) and reply_token:
        derived.reply_tokens[event.webhook_event_id] = reply_token[:255]
    common = {
        "event_key": event.webhook_event_id,
        "occurred_at": event.occurred_at,
        "mode": event.mode or "active",
        "friend_user_id": user_id if one_to_one else "",
        "line_user_id": user_id,
        "group_id": event.source_group_id,
        "room_id": event.source_room_id,
    }
    if kind in ("follow", "unfollow"):
        if not one_to_one:
            raise EventNotUnderstood(f"a {kind} event without a user source")
        follow = body.get("follow") if isinstance(body.get("follow"), dict) else {}
        derived.status_changes.append(
            segment_services.StatusChangeInput(
                line_user_id=user_id,
                event_key=event.webhook_event_id,
                kind=FriendStatusChange.Kind.FOLLOW
                if kind == "follow"
                else FriendStatusChange.Kind.UNFOLLOW,
                is_unblock=kind == "follow" and follow.get("isUnblocked") is True,
                occurred_at=event.occurred_at,
                sequence=event.pk,
                mode=common["mode"],
            )
        )
    elif kind in ("message", "messageEdited"):
        message = _detail(body, "message")
        message_type = message.get("type") if isinstance(message.get("type"), str) else ""
        text = (
            message.get("text")
            if message_type == "text" and isinstance(message.get("text"), str)
            else ""
        )
        derived.interactions.append(
            segment_services.InteractionInput(
                **common,
                kind=Interaction.Kind.MESSAGE
                if kind == "message"
                else Interaction.Kind.MESSAGE_EDITED,
                message_type=message_type[:24],
                message_id=str(message.get("id", ""))[:64],
                text=text,
                data={k: v for k, v in message.items() if k not in ("id", "type", "text")},
            )
        )
    elif kind == "unsend":
        unsend = _detail(body, "unsend")
        derived.interactions.append(
            segment_services.InteractionInput(
                **common,
                kind=Interaction.Kind.UNSEND,
                message_id=str(unsend.get("messageId", ""))[:64],
            )
        )
    elif kind in INTERACTION_KINDS:
        interaction_kind, key = INTERACTION_KINDS[kind]
        derived.interactions.append(
            segment_services.InteractionInput(
                **common, kind=interaction_kind, data=_detail(body, key)
            )
        )
    elif kind in GROUP_ONLY_TYPES or kind in LIFECYCLE_TYPES:
        pass  # kept in the raw store with their group/room id; nothing to derive
    else:
        derived.statuses[event.pk] = WebhookEvent.Status.SKIPPED
        return
    derived.statuses[event.pk] = WebhookEvent.Status.PROCESSED


def _derive_and_record(account: LineAccount, events: list[WebhookEvent]) -> _Derived:
    derived = _Derived()
    for event in events:
        try:
            _interpret(event, derived)
        except (EventNotUnderstood, ValueError) as exc:
            derived.statuses[event.pk] = WebhookEvent.Status.FAILED
            derived.errors[event.pk] = str(exc)[:1000]
    activity = segment_services.friend_activity_record(
        account=account, status_changes=derived.status_changes, interactions=derived.interactions
    )
    # Auto-tag rules, one-time link codes and the dashboards' refreshes react through the
    # activity hub: published here, in the transaction of the facts they react to.
    publish_many(account=account, activities=_activities(derived, activity.friend_ids))
    return derived


_STATUS_KINDS = {
    FriendStatusChange.Kind.FOLLOW: Activity.Kind.FOLLOW,
    FriendStatusChange.Kind.UNFOLLOW: Activity.Kind.UNFOLLOW,
}
_INTERACTION_ACTIVITY_KINDS = {
    Interaction.Kind.MESSAGE: Activity.Kind.MESSAGE,
    Interaction.Kind.POSTBACK: Activity.Kind.POSTBACK,
}


def _activities(derived: _Derived, friend_ids: dict[str, int]) -> list[ActivityInput]:
    """One activity per follow, unfollow, unblock and interaction of the batch."""
    activities = [
        ActivityInput(
            kind=Activity.Kind.UNBLOCK if change.is_unblock else _STATUS_KINDS[change.kind],
            occurred_at=change.occurred_at,
            friend_id=friend_ids.get(change.line_user_id),
            line_user_id=change.line_user_id,
            payload=_with_reply_token(
                {"event_key": change.event_key, "mode": change.mode}, derived
            ),
        )
        for change in derived.status_changes
    ]
    for item in derived.interactions:
        kind = _INTERACTION_ACTIVITY_KINDS.get(item.kind, Activity.Kind.INTERACTION)
        payload = {"event_key": item.event_key, "mode": item.mode, "interaction": item.kind}
        if kind == Activity.Kind.MESSAGE:
            # The message's id and the rest of LINE's message object (sticker ids, emojis, a
            # file's name and size, a location) for the inbox's conversation history.
            payload.update(
                message_type=item.message_type,
                text=item.text,
                message_id=item.message_id,
                message=item.data,
            )
        elif kind == Activity.Kind.POSTBACK:
            payload["data"] = item.data
        activities.append(
            ActivityInput(
                kind=kind,
                occurred_at=item.occurred_at,
                friend_id=friend_ids.get(item.friend_user_id) if item.friend_user_id else None,
                line_user_id=item.line_user_id or "",
                payload=_with_reply_token(payload, derived),
            )
        )
    return activities


def _with_reply_token(payload: dict, derived: _Derived) -> dict:
    """``payload`` plus its event's reply token (a 1:1 event LINE gave one), else as it is."""
    token = derived.reply_tokens.get(payload["event_key"])
    if token:
        payload["reply_token"] = token
    return payload


def _pending_batch(
    *, batch_size: int, status: str = WebhookEvent.Status.PENDING
) -> list[WebhookEvent]:
    queryset = WebhookEvent.objects.filter(status=status).order_by("timestamp_ms", "pk")
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True)
    return list(queryset[:batch_size])


def _save_outcome(account: LineAccount, events: list[WebhookEvent], derived: _Derived) -> None:
    """One UPDATE per outcome (nearly always a single "processed"), one per failed event."""
    account_events = WebhookEvent.objects.for_account(account)
    now = timezone.now()
    by_status: dict[str, list[int]] = defaultdict(list)
    for event in events:
        if event.pk in derived.errors:
            account_events.filter(pk=event.pk).update(
                status=derived.statuses[event.pk],
                error=derived.errors[event.pk],
                attempts=F("attempts") + 1,
                processed_at=now,
            )
        else:
            by_status[derived.statuses[event.pk]].append(event.pk)
    for status, ids in by_status.items():
        account_events.filter(pk__in=ids).update(
            status=status, error="", attempts=F("attempts") + 1, processed_at=now
        )


@transaction.atomic
def _process_batch(*, account: LineAccount, batch_size: int) -> int:
    events = _pending_batch(batch_size=batch_size)
    if not events:
        return 0
    try:
        with transaction.atomic():
            derived = _derive_and_record(account, events)
    except Exception:
        # One event the database refuses must not hold back the rest: redo them one by one
        # so only the culprit is marked failed (with its error, visible on the health page).
        logger.exception(
            "webhook batch failed; retrying event by event", extra={"account_id": account.pk}
        )
        derived = _Derived()
        for event in events:
            try:
                with transaction.atomic():
                    single = _derive_and_record(account, [event])
                derived.statuses.update(single.statuses)
                derived.errors.update(single.errors)
            except Exception as exc:
                logger.exception("webhook event failed", extra={"event_id": event.webhook_event_id})
                derived.statuses[event.pk] = WebhookEvent.Status.FAILED
                derived.errors[event.pk] = f"{type(exc).__name__}: {exc}"[:1000]
    _save_outcome(account, events, derived)
    return len(events)


def webhook_events_process_pending(
    *, account_id: int, batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES_PER_TASK
) -> int:
    """Process an OA's pending events; returns how many. Safe to run concurrently and again."""
    account = account_get_for_job(account_id=account_id)
    if account is None:
        return 0
    from webhooks.services.receiving import webhook_processing_claim

    webhook_processing_claim(account_id=account.pk)
    total = 0
    with tenant_scope(workspace=account.workspace, account=account):
        for _batch in range(max_batches):
            count = _process_batch(account=account, batch_size=batch_size)
            activity_react_now()  # the batch is committed: its reactions follow at once
            total += count
            if count < batch_size:
                return total
    # The backlog is larger than one task should take: continue in a fresh task.
    from webhooks.services.receiving import _enqueue_processing

    _enqueue_processing(account.pk, coalesce=False)
    return total


def webhook_events_sweep(*, grace: timedelta = SWEEP_GRACE) -> list[int]:
    """Enqueue processing for every OA with events left pending (broker outage, lost task)."""
    from webhooks.services.receiving import _enqueue_processing

    cutoff = timezone.now() - grace
    account_ids = sorted(
        set(
            WebhookEvent.unscoped.filter(status=WebhookEvent.Status.PENDING, received_at__lt=cutoff)
            .values_list("account_id", flat=True)
            .distinct()
        )
    )
    for account_id in account_ids:
        _enqueue_processing(account_id, coalesce=False)
    if account_ids:
        logger.info("webhook sweep found pending events", extra={"account_ids": account_ids})
    return account_ids


@transaction.atomic
def webhook_events_reprocess_failed(*, account: LineAccount) -> int:
    """Put an OA's failed events back in the queue (the health page's admin button)."""
    count = (
        WebhookEvent.objects.for_account(account)
        .filter(status=WebhookEvent.Status.FAILED)
        .update(status=WebhookEvent.Status.PENDING, error="")
    )
    if count:
        from webhooks.services.receiving import _enqueue_processing

        account_id = account.pk
        transaction.on_commit(lambda: _enqueue_processing(account_id, coalesce=False))
    return count


def webhook_events_replay(
    *, account: LineAccount, since: date | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Rebuild friends and interactions from the raw store (all events, or since a local date).

    The derived facts of the chosen events are deleted and the events processed again in this
    process, then every touched friend is recomputed; running it twice gives the same data.
    """
    events = WebhookEvent.objects.for_account(account)
    if since is not None:
        start = datetime.combine(since, time.min, tzinfo=ZoneInfo(account.time_zone))
        events = events.filter(occurred_at__gte=start)
    with transaction.atomic():
        keys = list(events.values_list("webhook_event_id", flat=True))
        touched = segment_services.friend_activity_forget(account=account, event_keys=keys)
        events.update(status=WebhookEvent.Status.PENDING, error="")
    total = 0
    with tenant_scope(workspace=account.workspace, account=account):
        while count := _process_batch(account=account, batch_size=batch_size):
            activity_react_now()
            total += count
    if since is None:
        touched |= set(Friend.objects.for_account(account).values_list("pk", flat=True))
    segment_services.friends_recompute(account=account, friend_ids=touched)
    return total
