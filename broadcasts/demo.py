"""``seed_broadcasts``: a content plan per demo OA, in every state a marketer meets: two drafts,
one in review, two scheduled on the calendar, one sent last week with its results
(delivered, clicks per link, per-batch outcomes), and an A/B test of two subject lines sent to
30% of a segment, whose winner can be sent to the rest.

The sent one went through the real planning (segment -> batches -> deliveries); its LINE answers
are recorded as they would have come back, so the demo needs no network. OAs that already have
broadcasts are skipped, so a second run creates nothing.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from broadcasts.models import Broadcast, BroadcastBatch, Click, Delivery
from broadcasts.services import aggregation, planning, sending, workflow
from broadcasts.services.variants import variant_list
from coupons.selectors import coupons_sendable
from oa_console.tenancy import tenant_scope
from segments.models import Segment

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy
    from oa_console.models import LineAccount, User

SHOP = "https://shop.example.com"
FLEX_CARD = {
    "type": "bubble",
    "hero": {
        "type": "image",
        "url": "https://images.example.com/autumn.jpg",
        "size": "full",
        "aspectRatio": "20:13",
        "aspectMode": "cover",
    },
    "body": {
        "type": "box",
        "layout": "vertical",
        "contents": [
            {"type": "text", "text": "Autumn collection", "weight": "bold", "size": "xl"},
            {"type": "text", "text": "New colours, 15% off for friends", "wrap": True},
        ],
    },
    "footer": {
        "type": "box",
        "layout": "vertical",
        "contents": [
            {
                "type": "button",
                "style": "primary",
                "action": {"type": "uri", "label": "Shop now", "uri": f"{SHOP}/autumn"},
            }
        ],
    },
}


def _local(account: LineAccount, days: int, at: time) -> datetime:
    zone = ZoneInfo(account.time_zone)
    day = timezone.now().astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, at, zone)


def _coupon(account: LineAccount) -> list[dict]:
    """The OA's first running coupon as a bubble (the coupons demo's 10% off), if it has one."""
    coupon = coupons_sendable(account=account).first()
    return [{"type": "coupon", "couponId": coupon.line_coupon_id}] if coupon else []


def _text(text: str) -> list[dict]:
    return [{"type": "text", "text": text}]


def _seed_account(account: LineAccount, marketer: User | None, admin: User | None) -> int:
    if Broadcast.objects.for_account(account).exists():
        return 0
    segments = list(Segment.objects.for_account(account).order_by("pk"))
    everyone = Segment.objects.for_account(account).create(
        account=account, name="All following friends", rules={"all": []}
    )
    created = 1
    target = segments[0] if segments else everyone

    def draft(name: str, goal: str, messages: list[dict], **audience) -> Broadcast:
        return workflow.broadcast_create(
            account=account,
            created_by=marketer,
            name=name,
            goal=goal,
            messages=messages,
            **audience,
        )

    draft(
        "Weekend offer",
        "Bring lapsed friends back",
        [
            *_text(f"Hi {{displayName}}! This weekend only: 2 for 1. {SHOP}/weekend"),
            {"type": "sticker", "packageId": "446", "stickerId": "1988"},
        ],
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment_id=target.pk,
    )
    draft(
        "Autumn collection card",
        "Launch the autumn line",
        [{"type": "flex", "altText": "Autumn collection", "contents": FLEX_CARD}],
    )
    review = draft(
        "Loyalty points reminder",
        "Points expire at month end",
        _text(f"Your points expire soon — see your balance: {SHOP}/points"),
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment_id=everyone.pk,
    )
    workflow.broadcast_schedule(broadcast=review, send_at=_local(account, 4, time(12, 0)))
    workflow.broadcast_submit(broadcast=review, user=marketer)
    for days, at, name, goal in (
        (2, time(10, 0), "Rainy-day menu", "Fill quiet afternoons"),
        (9, time(18, 30), "Members' night", "Event sign-ups"),
    ):
        planned = draft(name, goal, _text(f"{name}: {SHOP}/{days}"))
        workflow.broadcast_schedule(broadcast=planned, send_at=_local(account, days, at))
        workflow.broadcast_submit(broadcast=planned, user=marketer)
        workflow.broadcast_approve(broadcast=planned, user=admin, comment="OK to send")
    created += 5
    created += _seed_sent(account, everyone, marketer, admin)
    created += _seed_ab_test(account, everyone, marketer, admin)
    return created


def _sent_as_line_would(broadcast: Broadcast, sent_at: datetime, marketer, admin) -> bool:
    """Plan for real, then record every batch accepted as LINE would have answered."""
    Broadcast.objects.for_account(broadcast.account).filter(pk=broadcast.pk).update(
        status=Broadcast.Status.SCHEDULED,
        send_at=sent_at,
        reviewed_by=admin,
        reviewed_at=sent_at - timedelta(days=1),
        submitted_by=marketer,
    )
    planned = planning.broadcast_plan(broadcast_id=broadcast.pk, now=sent_at)
    if planned is None or planned.status != Broadcast.Status.SENDING:
        return False
    _with_units(planned)
    # One UPDATE even for an A/B test's thousands of pushes; the request ids are made up.
    BroadcastBatch.objects.for_account(broadcast.account).filter(broadcast=broadcast).update(
        status=BroadcastBatch.Status.ACCEPTED,
        request_id=Concat(Value(f"demo{uuid.uuid4().hex[:12]}-"), Cast("pk", CharField())),
        http_status=200,
        attempts=0,
        sent_at=sent_at,
        last_attempt_at=sent_at,
    )
    sending.broadcast_finish(broadcast_id=broadcast.pk, now=sent_at + timedelta(seconds=3))
    return True


def _with_units(broadcast: Broadcast) -> None:
    """A multicast/push carries its aggregation unit (one per A/B arm), as sending would give
    it, so the simulated LINE reports its statistics once the console fetches them."""
    if broadcast.method not in aggregation.WITH_UNITS:
        return
    batches = BroadcastBatch.objects.for_account(broadcast.account).filter(broadcast=broadcast)
    arms = sorted(set(batches.values_list("variant_id", flat=True)), key=lambda arm: arm or 0)
    units = [{"unit": aggregation.unit_name(broadcast.pk, arm), "variant": arm} for arm in arms]
    for entry in units:
        batches.filter(variant_id=entry["variant"]).update(aggregation_unit=entry["unit"])
    Broadcast.objects.for_account(broadcast.account).filter(pk=broadcast.pk).update(
        aggregation_units=units
    )


def _seed_sent(account: LineAccount, segment: Segment, marketer, admin) -> int:
    """Last week's broadcast with its outcome, planned for real and answered as LINE would."""
    sent_at = _local(account, -6, time(11, 0))
    broadcast = workflow.broadcast_create(
        account=account,
        created_by=marketer,
        name="Summer thank-you",
        goal="Re-engage after the summer sale",
        messages=_text(f"Thank you for a great summer! Your gift: {SHOP}/gift") + _coupon(account),
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment_id=segment.pk,
        # Sent by multicast: its clicks below are counted per link, naming no friend.
        click_attribution=Broadcast.ClickAttribution.LINK,
    )
    if not _sent_as_line_would(broadcast, sent_at, marketer, admin):
        return 1
    rng = random.Random(account.pk)
    recipients = list(
        Delivery.objects.for_account(account)
        .filter(broadcast=broadcast)
        .values_list("friend_id", flat=True)
    )
    clicks = [
        Click(account=account, broadcast=broadcast, friend=None, url=f"{SHOP}/gift")
        for _friend in rng.sample(recipients, k=min(len(recipients), max(1, len(recipients) // 4)))
    ]
    Click.objects.for_account(account).bulk_create(clicks)
    return 1 + len(clicks)


def seed_broadcasts(demo: DemoTenancy) -> int:
    marketer = demo.users.get("marketer@demo.example")
    admin = demo.users.get("admin@demo.example") or demo.users.get("owner@demo.example")
    created = 0
    for account in demo.accounts.values():
        with tenant_scope(workspace=account.workspace, account=account):
            created += _seed_account(account, marketer, admin)
    return created


def _seed_ab_test(account: LineAccount, segment: Segment, marketer, admin) -> int:
    """Two subject lines tested on 30% of the segment; the emoji one drew more clicks, and
    the other 70% wait for "Send the winner to the rest"."""
    sent_at = _local(account, -3, time(12, 0))
    broadcast = workflow.broadcast_create(
        account=account,
        created_by=marketer,
        name="Gift-card subject test",
        goal="Find the better opening line",
        messages=[],
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment_id=segment.pk,
        variants=[
            {"name": "Plain", "messages": _text(f"Gift cards are here. {SHOP}/gift-cards")},
            {
                "name": "Playful",
                "messages": _text(f"Treat someone today with a gift card {SHOP}/gift-cards"),
            },
        ],
        variant_test_percent=30,
    )
    if not _sent_as_line_would(broadcast, sent_at, marketer, admin):
        return 1
    rng = random.Random(account.pk + 1)
    clicks = []
    for variant, rate in zip(variant_list(broadcast=broadcast), (0.06, 0.14), strict=True):
        friends = (
            Delivery.objects.for_account(account)
            .filter(broadcast=broadcast, variant=variant)
            .values_list("friend_id", flat=True)
        )
        clicks += [
            Click(
                account=account,
                broadcast=broadcast,
                friend_id=friend_id,
                variant=variant,
                url=f"{SHOP}/gift-cards",
            )
            for friend_id in friends
            if rng.random() < rate
        ]
    Click.objects.for_account(account).bulk_create(clicks)
    return 1 + len(clicks)
