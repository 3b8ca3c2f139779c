"""A small hand-built OA for segment tests: four friends whose every field is known, so each
field x operator expectation can be worked out by hand (see the comments per friend).

The clock is pinned: ``NOW`` is 2025-06-15 12:00 UTC, 21:00 in the OA's time zone (Asia/Tokyo).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from segments.models import (
    AttributeDefinition,
    CustomEvent,
    Friend,
    FriendAttribute,
    FriendTag,
    RfmScore,
    Tag,
    TagFamily,
)

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@dataclass
class CrmWorld:
    account: object
    friends: dict[str, Friend]
    tags: dict[str, Tag]
    attributes: dict[str, AttributeDefinition]
    broadcasts: dict[str, object]

    def letters(self, friends) -> set[str]:
        by_pk = {friend.pk: letter for letter, friend in self.friends.items()}
        return {by_pk[friend.pk] for friend in friends}


def _friend(account, letter: str, **fields) -> Friend:
    return Friend.unscoped.create(
        account=account, line_user_id=f"U{letter * 32}", display_name=f"Friend {letter}", **fields
    )


def build_crm_world(account) -> CrmWorld:
    family = TagFamily.unscoped.create(account=account, name="interest", coverage_goal=60)
    vip = Tag.unscoped.create(account=account, name="vip", family=family)
    news = Tag.unscoped.create(account=account, name="news", family=family)
    attributes = {
        key: AttributeDefinition.unscoped.create(account=account, key=key, label=key, type=kind)
        for key, kind in [
            ("points", "number"),
            ("city", "text"),
            ("signup", "date"),
            ("newsletter", "boolean"),
        ]
    }
    friends = {
        # A: following 100 days, followed again 3 days ago, active yesterday, 35 today.
        "A": _friend(
            account,
            "A",
            status="following",
            first_followed_at=NOW - 100 * DAY,
            last_followed_at=NOW - 3 * DAY,
            last_interaction_at=NOW - DAY - timedelta(hours=1),
            message_count=10,
            gender="female",
            birthday=date(1990, 6, 15),
            region="jp_13",
            language="ja",
            member_tier="gold",
            add_source="qr_spring",
            member_id="M1",
        ),
        # B: blocked; followed 30 days (and 2 hours) ago; silent 45 days; 25 tomorrow.
        "B": _friend(
            account,
            "B",
            status="blocked",
            first_followed_at=NOW - 30 * DAY - timedelta(hours=2),
            last_followed_at=NOW - 30 * DAY - timedelta(hours=2),
            blocked_at=NOW - 20 * DAY,
            last_interaction_at=NOW - 45 * DAY,
            message_count=2,
            gender="male",
            birthday=date(2000, 6, 16),
            region="jp_27",
            language="en",
            member_tier="silver",
        ),
        # C: followed exactly 7 days ago, never interacted, nothing known about them.
        "C": _friend(
            account,
            "C",
            status="following",
            first_followed_at=NOW - 7 * DAY,
            last_followed_at=NOW - 7 * DAY,
            message_count=0,
            language="ja",
        ),
        # D: seen only through messages (follow time unknown), born 29 February 2008.
        "D": _friend(
            account,
            "D",
            status="following",
            last_interaction_at=NOW - 10 * DAY + timedelta(hours=1),
            message_count=5,
            gender="other",
            birthday=date(2008, 2, 29),
        ),
    }
    A, B, C, D = (friends[k] for k in "ABCD")
    for friend, tag in [(A, vip), (A, news), (B, news), (D, vip)]:
        FriendTag.unscoped.create(
            account=account, friend=friend, tag=tag, source="manual", tagged_at=NOW - DAY
        )

    def attribute(friend, key, **value):
        FriendAttribute.unscoped.create(
            account=account, friend=friend, definition=attributes[key], **value
        )

    attribute(A, "points", value_number=Decimal("1500"))
    attribute(B, "points", value_number=Decimal("200"))
    attribute(A, "city", value_text="Tokyo")
    attribute(B, "city", value_text="Osaka")
    attribute(D, "city", value_text="")
    attribute(A, "signup", value_date=date(2024, 1, 10))
    attribute(D, "signup", value_date=date(2025, 6, 1))
    attribute(A, "newsletter", value_bool=True)
    attribute(B, "newsletter", value_bool=False)

    for key, (friend, name, when, properties) in enumerate(
        [
            (A, "purchase", NOW - 10 * DAY, {"category": "shoes"}),
            (A, "purchase", NOW - 40 * DAY, {"category": "bags"}),
            (A, "purchase", NOW - 400 * DAY, {"category": "shoes"}),
            (B, "cart_abandoned", NOW - 5 * DAY, {}),
            (C, "purchase", NOW - 2 * DAY, {"category": "shoes", "gift": True, "in": "x"}),
        ]
    ):
        CustomEvent.unscoped.create(
            account=account,
            friend=friend,
            name=name,
            occurred_at=when,
            properties=properties,
            amount=Decimal("1000") if name == "purchase" else None,
            currency="JPY" if name == "purchase" else "",
            idempotency_key=f"world-{key}",
        )
    for friend, (r, f, m, cell) in [
        (A, (5, 5, 5, "champions")),
        (B, (2, 3, 4, "at_risk")),
        (D, (5, 1, 1, "new")),
    ]:
        RfmScore.unscoped.create(
            account=account, friend=friend, r=r, f=f, m=m, cell=cell, computed_at=NOW
        )
    return CrmWorld(
        account, friends, {"vip": vip, "news": news}, attributes, _broadcasts(account, friends)
    )


def _broadcasts(account, friends) -> dict:
    """Spring went to A and B (its batch accepted by LINE); A clicked 4 days ago, B 39 days ago.
    Summer is still being sent to D (batch pending), so D has not received it."""
    from broadcasts.models import Broadcast, BroadcastBatch, Click

    made = {}
    for name, status, sent_at in [
        ("spring", "accepted", NOW - 5 * DAY),
        ("summer", "pending", None),
    ]:
        broadcast = Broadcast.unscoped.create(account=account, name=name, messages=[])
        batch = BroadcastBatch.unscoped.create(
            account=account,
            broadcast=broadcast,
            sequence=1,
            method="multicast",
            status=status,
            sent_at=sent_at,
        )
        made[name] = (broadcast, batch)
    for name, letter in [("spring", "A"), ("spring", "B"), ("summer", "D")]:
        batch = made[name][1]  # recipients are stored on their batch
        batch.friend_ids.append(friends[letter].pk)
        batch.line_user_ids.append(friends[letter].line_user_id)
        batch.save()
    for letter, when in [("A", NOW - 4 * DAY), ("B", NOW - 39 * DAY)]:
        click = Click.unscoped.create(
            account=account,
            broadcast=made["spring"][0],
            friend=friends[letter],
            url="https://example.com/sale",
        )
        Click.unscoped.filter(pk=click.pk).update(clicked_at=when)
    return {name: pair[0] for name, pair in made.items()}
