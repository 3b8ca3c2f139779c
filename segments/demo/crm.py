"""``seed_crm``: the demo's CRM data on top of the webhook friends: tag families with goals,
tags on about 60% of following friends (from every source, each tagged on a day between their
follow and today), first-party data and attributes, purchases for part of the friends sent
through the custom events service, auto-tag rules, saved segments, add-friend links with their
visits, an RFM run, and the daily coverage snapshots since the first follow
(``segments.demo.coverage``) ending with today's, taken by the product's own snapshot.

Everything is derived from seeded random generators, and an OA that already has tags is left
alone, so a second run creates nothing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

from oa_console.tenancy import tenant_scope
from segments.demo.coverage import coverage_history_seed
from segments.models import (
    AttributeDefinition,
    CampaignVisit,
    Friend,
    FriendAttribute,
    FriendStatusChange,
    FriendTag,
    Tag,
    TagRule,
)
from segments.services import campaigns, rfm, tagging
from segments.services import segments as segment_services
from segments.services.events import custom_events_record

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

FAMILIES = {"interest": 60, "lifecycle": 80, "source": 40}
TAGS = {
    "interest": ["new arrivals", "coupons", "events", "limited editions"],
    "lifecycle": ["first purchase", "repeat buyer", "lapsed"],
    "source": ["QR in store", "website", "flyer"],
}
SOURCES = [FriendTag.Source.MANUAL, FriendTag.Source.IMPORT, FriendTag.Source.API]
REGIONS = ["jp_13", "jp_27", "jp_14", "tw_01", "th_10"]
TIERS = ["bronze", "silver", "gold"]
CURRENCY = {"Asia/Tokyo": "JPY", "Asia/Taipei": "TWD", "Asia/Bangkok": "THB"}
TAGGED_SHARE = 0.6
# Friends were tagged over the last month (nobody is tagged before they follow).
TAG_HISTORY = timedelta(days=30)
# Demo add-friend links, by the add-friend source the seeded friends carry.
CAMPAIGNS = {"qr_store": "QR code at the register", "flyer": "Spring flyer"}


def _seed_campaigns(account, friends: list[Friend], rng: random.Random) -> int:
    """Links for two sources; a visit shortly before the first follow of each friend who has
    that source (attributed, as the live attribution would have done) and as many visits that
    brought no one."""
    if not account.basic_id:
        return 0
    created = 0
    links = {}
    for source, name in CAMPAIGNS.items():
        links[source] = campaigns.campaign_link_create(account=account, name=name, source=source)
        created += 1
    first_follows: dict[int, tuple[str, object]] = {}
    for friend_id, event_key, at in (
        FriendStatusChange.objects.for_account(account)
        .filter(kind=FriendStatusChange.Kind.FOLLOW, is_unblock=False)
        .order_by("occurred_at")
        .values_list("friend_id", "event_key", "occurred_at")
    ):
        first_follows.setdefault(friend_id, (event_key, at))
    now = timezone.now()
    visits = []
    for friend in friends:
        link = links.get(friend.add_source)
        if link is None or friend.pk not in first_follows:
            continue
        event_key, followed_at = first_follows[friend.pk]
        visits.append(
            CampaignVisit(
                account=account,
                link=link,
                visited_at=followed_at - timedelta(seconds=rng.randint(10, 300)),
                friend=friend,
                follow_event_key=event_key,
                followed_at=followed_at,
            )
        )
        visits.append(
            CampaignVisit(
                account=account,
                link=link,
                visited_at=now - timedelta(minutes=rng.randint(60, 30 * 24 * 60)),
            )
        )
    CampaignVisit.objects.for_account(account).bulk_create(visits)
    return created + len(visits)


def _tag_friends(account, friends: list[Friend], tags: dict[str, Tag], rng, now) -> int:
    """Tag about 60% of the following friends with one to three tags each, at a time between
    their follow (or the start of the tag history) and now, so coverage grows day by day.
    One ``friend_tags_add`` per tag, source and day, as a day of manual and rule tagging."""
    batches: dict[tuple[str, str, datetime], list[int]] = defaultdict(list)
    for friend in friends:
        if friend.status != Friend.Status.FOLLOWING or rng.random() >= TAGGED_SHARE:
            continue
        since = max(friend.first_followed_at or now - TAG_HISTORY, now - TAG_HISTORY)
        for name in rng.sample(sorted(tags), k=rng.randint(1, 3)):
            at = since + (now - since) * rng.random()
            day = max(at.replace(minute=0, second=0, microsecond=0), since)
            batches[(name, rng.choice(SOURCES), day)].append(friend.pk)
    created = 0
    for (name, source, at), friend_ids in sorted(batches.items()):
        created += tagging.friend_tags_add(
            account=account, tag=tags[name], friend_ids=friend_ids, source=source, at=at
        )
    return created


def _seed_account(account) -> int:
    if Tag.objects.for_account(account).exists():
        return 0
    rng = random.Random(f"crm:{account.slug}")
    now = timezone.now()
    created = 0
    tags: dict[str, Tag] = {}
    for family_name, goal in FAMILIES.items():
        family = tagging.tag_family_create(account=account, name=family_name, coverage_goal=goal)
        created += 1
        for name in TAGS[family_name]:
            tags[name] = tagging.tag_create(account=account, name=name, family=family)
            created += 1
    friends = list(Friend.objects.for_account(account).order_by("pk"))
    created += _tag_friends(account, friends, tags, rng, now)

    points = AttributeDefinition.objects.for_account(account).create(
        account=account, key="points", label="Points", type=AttributeDefinition.Type.NUMBER
    )
    newsletter = AttributeDefinition.objects.for_account(account).create(
        account=account, key="newsletter", label="Newsletter", type=AttributeDefinition.Type.BOOLEAN
    )
    created += 2
    for index, friend in enumerate(friends):
        if rng.random() < 0.5:
            friend.member_id = f"{account.slug[:3].upper()}-{10000 + index}"
            friend.gender = rng.choice(["female", "female", "male", "other"])
            friend.birthday = date(rng.randint(1960, 2007), rng.randint(1, 12), rng.randint(1, 28))
            friend.region = rng.choice(REGIONS)
            friend.member_tier = rng.choice(TIERS)
            friend.add_source = rng.choice(["qr_store", "website", "flyer", ""])
            friend.save(
                update_fields=[
                    "member_id",
                    "gender",
                    "birthday",
                    "region",
                    "member_tier",
                    "add_source",
                ]
            )
            FriendAttribute.objects.for_account(account).create(
                account=account,
                friend=friend,
                definition=points,
                value_number=rng.randint(0, 5000),
            )
            FriendAttribute.objects.for_account(account).create(
                account=account,
                friend=friend,
                definition=newsletter,
                value_bool=rng.random() < 0.7,
            )
            created += 3

    TagRule.objects.for_account(account).create(
        account=account,
        tag=tags["coupons"],
        kind=TagRule.Kind.KEYWORD,
        match=TagRule.Match.CONTAINS,
        pattern="coupon",
    )
    TagRule.objects.for_account(account).create(
        account=account,
        tag=tags["repeat buyer"],
        kind=TagRule.Kind.CUSTOM_EVENT,
        pattern="purchase",
        property_key="repeat",
        property_value="true",
    )
    TagRule.objects.for_account(account).create(
        account=account,
        tag=tags["QR in store"],
        kind=TagRule.Kind.ADD_SOURCE,
        pattern="qr_store",
    )
    TagRule.objects.for_account(
        account
    ).create(  # the demo's autumn broadcast links there (broadcasts.demo)
        account=account,
        tag=tags["new arrivals"],
        kind=TagRule.Kind.LINK_CLICK,
        match=TagRule.Match.CONTAINS,
        pattern="shop.example.com/autumn",
    )
    created += 4

    currency = CURRENCY.get(account.time_zone, "JPY")
    events = []
    for friend in friends:
        if rng.random() >= 0.4:
            continue
        for number in range(rng.choice([1, 1, 2, 3, 5])):
            events.append(
                {
                    "friend": {"line_user_id": friend.line_user_id},
                    "name": "purchase",
                    "occurred_at": (now - timedelta(days=rng.randint(0, 300))).isoformat(),
                    "properties": {"repeat": number > 0, "channel": rng.choice(["store", "web"])},
                    "amount": rng.randint(5, 300) * (100 if currency == "JPY" else 10),
                    "currency": currency,
                    "idempotency_key": f"demo-{friend.line_user_id}-{number}",
                }
            )
    for start in range(0, len(events), 1000):
        created += custom_events_record(
            account=account, events=events[start : start + 1000]
        ).accepted

    for name, rules in [
        (
            "Repeat buyers (90 days)",
            {
                "field": "event",
                "op": "did",
                "value": {"name": "purchase", "within_days": 90, "min_count": 2},
            },
        ),
        (
            "Quiet for two weeks",
            {
                "all": [
                    {"field": "status", "op": "eq", "value": "following"},
                    {"not": {"field": "last_interaction_days", "op": "lt", "value": 14}},
                ]
            },
        ),
        ("New this week", {"field": "followed_at", "op": "within_days", "value": 7}),
        (
            "Coupon fans, not lapsed",
            {
                "all": [
                    {"field": "tag", "op": "has", "value": tags["coupons"].pk},
                    {"field": "tag", "op": "has_none", "value": [tags["lapsed"].pk]},
                ]
            },
        ),
        ("Champions", {"field": "rfm", "op": "in_cells", "value": ["champions", "loyal"]}),
    ]:
        segment_services.segment_create(account=account, name=name, rules=rules)
        created += 1
    created += _seed_campaigns(account, friends, rng)
    created += rfm.rfm_compute(account=account, now=now)
    created += coverage_history_seed(
        account=account, today=now.astimezone(ZoneInfo(account.time_zone)).date()
    )
    return created


def seed_crm(demo: DemoTenancy) -> int:
    created = 0
    for account in demo.accounts.values():
        with tenant_scope(workspace=account.workspace, account=account):
            created += _seed_account(account)
    return created
