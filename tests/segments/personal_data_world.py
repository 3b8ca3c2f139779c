"""A friend with data in every table that can reference them, and a bystander beside them.

Rows are written as the apps write them (recipient lists, raw payloads as text, files in the
media storage), so export and erasure meet what production holds.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from broadcasts.models import (
    Broadcast,
    BroadcastBatch,
    BroadcastVariant,
    Click,
    HeldBack,
    RecipientChunk,
)
from insights.models import ImportJob
from oa_console.models import AuditEntry
from segments.models import (
    AttributeDefinition,
    CampaignLink,
    CampaignVisit,
    CustomEvent,
    Friend,
    FriendAttribute,
    FriendLink,
    FriendStatusChange,
    FriendTag,
    Interaction,
    RfmScore,
    Segment,
    Tag,
    TagRule,
)
from tests.factories import UserFactory
from tests.segments.factories import FriendFactory
from webhooks.models import WebhookEvent

UID = "U" + "5e" * 16  # the person asking
NAME = "Zelda Quixotic 山田"
MEMBER_ID = "MEM-778899"
BYSTANDER_UID = "U" + "7a" * 16
GROUP_ID = "C" + "1" * 32


@dataclass
class World:
    friend: Friend
    bystander: Friend
    sent: Broadcast
    pending: Broadcast
    variant: BroadcastVariant
    job: ImportJob


def _event(account, key: str, kind: str, source: dict, when, **body) -> WebhookEvent:
    payload = {
        "type": kind,
        "mode": "active",
        "timestamp": int(when.timestamp() * 1000),
        "webhookEventId": key,
        "deliveryContext": {"isRedelivery": False},
        "source": source,
        "replyToken": "r" * 32,
        **body,
    }
    return WebhookEvent.unscoped.create(
        account=account,
        webhook_event_id=key,
        event_type=kind,
        mode="active",
        timestamp_ms=payload["timestamp"],
        occurred_at=when,
        source_type=source["type"],
        source_user_id=source.get("userId", ""),
        source_group_id=source.get("groupId", ""),
        payload=json.dumps(payload),
        received_at=when,
        status=WebhookEvent.Status.PROCESSED,
        processed_at=when,
    )


def _text_message(
    account, key: str, when, uid: str, message_id: str, text: str, friend=None, **extra
) -> Interaction:
    """A text the OA received (from a friend, or in a group: ``group_id``), as logged."""
    return Interaction.unscoped.create(
        account=account,
        friend=friend,
        event_key=key,
        kind="message",
        occurred_at=when,
        line_user_id=uid,
        message_type="text",
        message_id=message_id,
        text=text,
        **extra,
    )


def build_world(account, workspace) -> World:
    now = timezone.now()
    day = now - timedelta(days=3)
    friend = FriendFactory(
        account=account,
        line_user_id=UID,
        display_name=NAME,
        picture_url="https://profile.line-scdn.net/zelda-picture",
        status_message="Zelda's status words",
        language="ja",
        member_id=MEMBER_ID,
        gender=Friend.Gender.FEMALE,
        birthday=date(1990, 4, 1),
        region="JP-13",
        member_tier="gold",
        add_source="poster",
        first_followed_at=day,
        last_followed_at=day,
        last_interaction_at=day + timedelta(hours=1),
        message_count=1,
    )
    bystander = FriendFactory(
        account=account,
        line_user_id=BYSTANDER_UID,
        display_name="Bystander",
        add_source="poster",
        first_followed_at=day,
        last_followed_at=day,
    )
    for person, key in (
        (friend, "01FOLLOWZELDA0000000000000"),
        (bystander, "01FOLLOWBYST00000000000000"),
    ):
        FriendStatusChange.unscoped.create(
            account=account, friend=person, event_key=key, kind="follow", occurred_at=day
        )
        _event(
            account,
            key,
            "follow",
            {"type": "user", "userId": person.line_user_id},
            day,
            follow={"isUnblocked": False},
        )
    _event(
        account,
        "01MSGZELDA0000000000000000",
        "message",
        {"type": "user", "userId": UID},
        day + timedelta(hours=1),
        message={"id": "5001", "type": "text", "text": "call me 090-1111"},
    )
    _event(
        account,
        "01GROUPJOIN000000000000000",
        "memberJoined",
        {"type": "group", "groupId": GROUP_ID},
        day + timedelta(hours=2),
        joined={
            "members": [{"type": "user", "userId": UID}, {"type": "user", "userId": BYSTANDER_UID}]
        },
    )
    _text_message(
        account, "01MSGZELDA0000000000000000", day + timedelta(hours=1), UID, "5001",
        "call me 090-1111", friend=friend,
    )  # fmt: skip
    _text_message(
        account, "01GROUPMSGZELDA00000000000", day + timedelta(hours=2), UID, "5002",
        "group words of zelda", group_id=GROUP_ID,
    )  # fmt: skip
    _text_message(
        account, "01GROUPMSGBYST000000000000", day + timedelta(hours=2), BYSTANDER_UID, "5003",
        "@someone hi", group_id=GROUP_ID,
        data={"mention": {"mentionees": [{"index": 0, "length": 8, "userId": UID}]}},
    )  # fmt: skip
    Segment.unscoped.create(
        account=account,
        name="Followers",
        rules={"all": [{"field": "status", "op": "eq", "value": "following"}]},
    )
    tag = Tag.unscoped.create(account=account, name="VIP")
    rule = TagRule.unscoped.create(account=account, tag=tag, kind="keyword", pattern="call")
    FriendTag.unscoped.create(
        account=account, friend=friend, tag=tag, source="rule", rule=rule, tagged_at=day
    )
    definition = AttributeDefinition.unscoped.create(
        account=account, key="shoe", label="Shoe", type="text"
    )
    FriendAttribute.unscoped.create(
        account=account, friend=friend, definition=definition, value_text="size-zelda-24"
    )
    CustomEvent.unscoped.create(
        account=account,
        friend=friend,
        name="purchase",
        occurred_at=day,
        amount=Decimal("1200"),
        currency="JPY",
        properties={"sku": "zelda-boots", "buyer": UID},
        idempotency_key="order-1",
    )
    RfmScore.unscoped.create(
        account=account,
        friend=friend,
        recency_days=3,
        frequency=1,
        monetary=Decimal("1200"),
        r=5,
        f=1,
        m=3,
        cell="new",
        computed_at=now,
    )
    link = CampaignLink.unscoped.create(
        account=account, name="Poster", source="poster", token="tok" + uuid.uuid4().hex[:12]
    )
    CampaignVisit.unscoped.create(
        account=account,
        link=link,
        visited_at=day - timedelta(minutes=5),
        friend=friend,
        follow_event_key="01FOLLOWZELDA0000000000000",
        followed_at=day,
    )
    FriendLink.unscoped.create(account=account, user=UserFactory(), friend=friend, linked_at=day)
    AuditEntry.unscoped.create(
        workspace=workspace,
        account=account,
        action="data.exported",
        target_label=f"Friends of {NAME}",
        details={"who": UID},
    )

    sent = Broadcast.unscoped.create(
        account=account,
        name="Spring sale",
        status=Broadcast.Status.SENT,
        method="multicast",
        started_at=day + timedelta(hours=5),
        finished_at=day + timedelta(hours=5),
        recipients=2,
        accepted_count=2,
        messages=[{"type": "text", "text": "Sale"}],
    )
    variant = BroadcastVariant.unscoped.create(
        account=account, broadcast=sent, position=0, name="Short", share=100, messages=sent.messages
    )
    BroadcastBatch.unscoped.create(
        account=account,
        broadcast=sent,
        sequence=0,
        method="multicast",
        status="accepted",
        size=2,
        sent_at=day + timedelta(hours=5),
        request_id="req-1",
        variant=variant,
        friend_ids=[friend.pk, bystander.pk],
        line_user_ids=[UID, BYSTANDER_UID],
    )
    narrow = BroadcastBatch.unscoped.create(
        account=account,
        broadcast=sent,
        sequence=1,
        method="narrowcast",
        status="accepted",
        size=0,
        sent_at=day + timedelta(hours=5),
    )
    RecipientChunk.unscoped.create(
        account=account,
        broadcast=sent,
        batch=narrow,
        sequence=0,
        size=2,
        friend_ids=[friend.pk, bystander.pk],
        line_user_ids=[UID, BYSTANDER_UID],
    )
    Click.unscoped.create(
        account=account,
        broadcast=sent,
        friend=friend,
        variant=variant,
        url="https://shop.example/sale",
    )
    pending = Broadcast.unscoped.create(
        account=account,
        name="Later",
        status=Broadcast.Status.SENDING,
        method="multicast",
        started_at=now,
        holdout_percent=10,
    )
    BroadcastBatch.unscoped.create(
        account=account,
        broadcast=pending,
        sequence=0,
        method="multicast",
        status="pending",
        size=2,
        friend_ids=[friend.pk, bystander.pk],
        line_user_ids=[UID, BYSTANDER_UID],
    )
    HeldBack.unscoped.create(
        account=account, broadcast=pending, friend=friend, line_user_id=UID, reason="holdout"
    )
    failed = Broadcast.unscoped.create(
        account=account,
        name="Refused push",
        status=Broadcast.Status.FAILED,
        error_message=f"LINE refused {UID}",
        failure={"kind": "planning", "detail": f"to: {UID}"},
    )
    BroadcastBatch.unscoped.create(
        account=account,
        broadcast=failed,
        sequence=0,
        method="push",
        status="failed",
        size=1,
        error_message=f"Invalid user {UID}",
        friend_ids=[friend.pk],
        line_user_ids=[UID],
    )

    job = ImportJob.unscoped.create(
        account=account,
        original_name="members.csv",
        status=ImportJob.Status.SUCCEEDED,
        failure_params={"value": UID},
        requested_report="members",
        report="members",
        errors=[
            {"row": 3, "column": "birthday", "code": "bad_date", "value": UID},
            {"row": 4, "column": "member_id", "code": "repeated", "value": "OTHER-1"},
        ],
    )
    job.skipped_file.save(
        f"{job.pk}-skipped-rows.csv",
        ContentFile(
            f"row,line_user_id,birthday\n3,{UID},1990-99-01\n4,{BYSTANDER_UID},x\n".encode(
                "utf-8-sig"
            )
        ),
    )
    return World(friend, bystander, sent, pending, variant, job)
