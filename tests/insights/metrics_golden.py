"""The golden data set: CSV exports and webhook events for one Tokyo OA, with every expected
figure computed by hand (the comments show the arithmetic). Used by the API, page and rollup
tests so all three check the same numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.test import Client

from segments.models import TagCoverageSnapshot
from tests.insights.conftest import upload_file
from tests.webhooks.factories import event, post_events, user_id
from webhooks.services import webhook_events_process_pending

FROM, TO = date(2025, 3, 1), date(2025, 3, 5)

FRIENDS_CSV = """date,contacts,targetReaches,blocks
20250301,1000,800,100
20250302,1010,806,103
20250303,1030,-,104
20250305,1050,830,110
"""
BROADCASTS_CSV = """sent_at,title,delivered,unique_impressions,unique_clicks,video_views
2025-03-02 12:00,Spring sale,1000,400,100,50
2025-03-02 18:00,Evening tips,500,150,-,<20
2025-03-05 09:00,Flash sale,800,-,30,10
"""
CHATS_CSV = """date,active_chats,messages_received,messages_sent,manual_responses,auto_responses
20250301,5,12,10,4,6
20250302,3,7,-,2,-
"""
COUPONS_CSV = """date,coupon_id,coupon_name,views,claimed,used
20250301,C1,Ten off,100,40,10
20250301,C2,Free drink,30,-,5
20250302,C1,Ten off,50,20,8
"""
PROFILE_CSV = """date,views,unique_views
20250301,40,30
20250302,-,-
"""
POINTS_CSV = """Date Time,Customer ID,Point Type,Points
2025/03/01 10:00:00,C-1,visit,2
2025/03/01 11:00:00,C-2,visit,3
2025/03/02 09:00:00,C-1,cancel,-2
"""
REWARD_USAGE_CSV = """as of,name,validCards,issuedCards,storeVisitPoints,WelcomeBonusesAwarded,expiredPoints,vouchersAwarded,vouchersUsed,deleted
20250304,Stamp card,120,150,300,20,5,9,7,0
"""
VOOM_CSV = """post_id,posted_at,title,impressions,explore_views,timeline_views,follows,profile_visits,video_views_3s
P1,2025-03-01 10:00,Hello,500,200,300,4,6,40
P2,2025-03-03 10:00,Again,300,-,250,1,2,10
"""


def _ms(*args) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


# Tokyo is UTC+9: every event's local day is written beside it.
WEBHOOK_EVENTS = [
    event("follow", user=user_id(1), timestamp=_ms(2025, 3, 1, 15, 30)),  # 03-02 00:30
    event(
        "follow",
        user=user_id(2),
        timestamp=_ms(2025, 3, 2, 1, 0),  # 03-02 10:00
        follow={"isUnblocked": True},
    ),
    event("unfollow", user=user_id(3), timestamp=_ms(2025, 3, 2, 14, 59)),  # 03-02 23:59
    event("message", user=user_id(1), timestamp=_ms(2025, 3, 2, 2, 0)),  # 03-02
    event("message", user=user_id(1), timestamp=_ms(2025, 3, 2, 3, 0)),  # 03-02
    event("message", user=user_id(2), timestamp=_ms(2025, 3, 3, 4, 0)),  # 03-03
    event("unfollow", user=user_id(1), timestamp=_ms(2025, 3, 4, 15, 0)),  # 03-05 00:00
]


def load_golden(account) -> None:
    """Import every CSV through the real import path and post the events as LINE would."""
    for name, content in (
        ("friends.csv", FRIENDS_CSV),
        ("broadcasts.csv", BROADCASTS_CSV),
        ("chats.csv", CHATS_CSV),
        ("coupons.csv", COUPONS_CSV),
        ("profile.csv", PROFILE_CSV),
        ("points.csv", POINTS_CSV),
        ("voom.csv", VOOM_CSV),
        ("rewards.csv", REWARD_USAGE_CSV),
    ):
        report = {
            "friends.csv": "friends",
            "broadcasts.csv": "broadcasts",
            "chats.csv": "chats",
            "coupons.csv": "coupons",
            "profile.csv": "profile_views",
            "points.csv": "reward_card_history",
            "voom.csv": "voom_posts",
            "rewards.csv": "reward_card_usage",
        }[name]
        job = upload_file(account, content, name, report=report)
        assert job.status == "succeeded", (name, job.failure_code, job.errors)
    response = post_events(Client(), account, WEBHOOK_EVENTS)
    assert response.status_code == 200
    webhook_events_process_pending(account_id=account.pk)
    TagCoverageSnapshot.unscoped.create(
        account=account, date=date(2025, 3, 1), scope="all", following=100, tagged=30
    )
    TagCoverageSnapshot.unscoped.create(
        account=account, date=date(2025, 3, 5), scope="all", following=90, tagged=45
    )


H = "hidden"  # value None, hidden: shown as "fewer than 20"

# Per day 03-01 .. 03-05 (None: no data that day); the preferred source of each.
DAILY = {
    "friends.total": [1000, 1010, 1030, None, 1050],
    "friends.target_reach": [800, 806, H, None, 830],
    "friends.blocked": [100, 103, 104, None, 110],
    # Differences; 03-05 spans the missing 03-04: 1050 - 1030.
    "friends.adds": [None, 10, 20, None, 20],
    "friends.blocks": [None, 3, 1, None, 6],
    "friends.net": [None, 7, 19, None, 14],
    # Coverage starts 03-02 (first event): zeros after it, nothing before.
    "friends.follows_webhook": [None, 1, 0, 0, 0],
    "friends.unblocks_webhook": [None, 1, 0, 0, 0],
    "friends.unfollows_webhook": [None, 1, 0, 0, 1],
    "broadcasts.delivered": [None, 1500, None, None, 800],
    "broadcasts.unique_impressions": [None, 550, None, None, H],
    "broadcasts.unique_clicks": [None, 100, None, None, 30],  # 03-02 partly hidden
    "chats.active": [5, 3, 1, 0, 0],  # CSV 03-01/02, webhook after
    "chats.received": [12, 7, 1, 0, 0],
    "chats.sent": [10, H, None, None, None],
    "coupons.claimed": [40, 20, None, None, None],  # 03-01 partly hidden (C2)
    "coupons.used": [15, 8, None, None, None],
    "coupons.usage_rate": [25.0, 40.0, None, None, None],  # 10 / 40 (C1 alone), 8 / 20
    "rewards.points_awarded": [5, 0, None, None, None],
    "profile.views": [40, H, None, None, None],
    "tags.coverage": [30.0, None, None, None, 50.0],
}
# Days whose value is flagged hidden although a visible part is shown.
PARTLY_HIDDEN = {
    ("broadcasts.unique_clicks", 1),
    ("coupons.claimed", 0),
}

# The whole range 03-01 .. 03-05.
TOTALS = {
    "friends.total": 1050,  # last level
    "friends.target_reach": 830,
    "friends.blocked": 110,
    "friends.adds": 50,  # 1050 - 1000
    "friends.blocks": 10,  # 110 - 100
    "friends.net": 40,
    "friends.block_rate": 10.48,  # 110 / 1050
    "friends.reach_ratio": 79.05,  # 830 / 1050 (03-05, last day with both)
    "friends.follows_webhook": 1,
    "friends.unfollows_webhook": 2,
    "broadcasts.delivered": 2300,
    "broadcasts.unique_impressions": 550,  # Flash sale hidden
    "broadcasts.unique_clicks": 130,  # Evening tips hidden
    # Only broadcasts with both figures: (400 + 150) / (1000 + 500); 100 / 400.
    "broadcasts.open_rate": 36.67,
    "broadcasts.click_rate": 25.0,
    "chats.active": 9,  # 5 + 3 (CSV) + 1 (webhook, 03-03)
    "chats.received": 20,  # 12 + 7 + 1
    "chats.sent": 10,
    "coupons.claimed": 60,
    "coupons.used": 23,
    # Only C2 on 03-01 is left out (its claimed is hidden), not the whole day:
    # (10 + 8) / (40 + 20).
    "coupons.usage_rate": 30.0,
    "rewards.points_awarded": 5,  # 2 + 3; the -2 is not an award
    "rewards.active_cards": 120,
    "rewards.redeemed": 7,
    "rewards.uses": 2,
    "friends.unblocks_webhook": 1,
    "broadcasts.sent": 3,
    "broadcasts.video_plays": 60,  # 50 + 10; Evening tips hidden
    "chats.manual": 6,
    "chats.auto": 6,  # 03-02 hidden
    "coupons.views": 180,
    "profile.unique_views": 30,
    "voom.posts": 2,
    "voom.impressions": 800,
    "voom.explore_views": 200,  # P2 hidden
    "voom.timeline_views": 550,
    "voom.user_actions": 13,  # 4 + 6 + 1 + 2
    "voom.video_views": 50,
    "tags.tagged": 45,
    "tags.following": 90,
    "profile.views": 40,
    "tags.coverage": 50.0,  # 45 / 90 at the end
    "chats.manual_share": 40.0,  # 03-02 left out (auto hidden): 4 / (4 + 6)
}
