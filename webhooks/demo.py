# ruff: noqa: RUF001  (the demo texts use CJK full-width punctuation on purpose)
"""``seed_webhook_activity``: the demo's friends and interactions, sent as signed LINE webhooks.

The events go through the real endpoint (Django's test client posting signed bodies to
``/webhooks/line/<key>/``), so the demo exercises exactly the production path: signature check,
raw store, de-duplication and processing. Event ids are deterministic, so a second run posts
the same events, which are acknowledged as duplicates and change nothing.

There is no LINE to ask for profiles in the demo, so display names are stored the way a fetched
profile would be (``friend_profile_store``).
"""

from __future__ import annotations

import hashlib
import json
import random
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from segments.models import Friend, Interaction
from segments.services.profiles import friend_profile_store
from webhooks.models import WebhookEvent
from webhooks.services import webhook_events_process_pending, webhook_signature

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy
    from oa_console.models import LineAccount

EVENTS_PER_REQUEST = 25
DAYS = 30

# Per demo OA: friends to create and what they say, in the OA's market language.
DEMO_SCRIPTS: dict[str, dict] = {
    "taipei-cafe": {
        "friends": 60,
        "names": ["陳怡君", "林志明", "張雅婷", "王建宏", "李佩珊", "黃冠宇", "吳欣怡", "劉家豪"],
        "language": "zh-TW",
        "texts": ["請問今天有營業嗎？", "我想預約週六下午", "拿鐵還有優惠嗎", "謝謝！"],
        "postbacks": [
            "action=menu&item=latte",
            "action=reserve&slot=sat-pm",
            "action=coupon&id=spring",
        ],
    },
    "tokyo-cosmetics": {
        "friends": 80,
        "names": [
            "佐藤 美咲",
            "鈴木 陽菜",
            "高橋 結衣",
            "田中 さくら",
            "伊藤 葵",
            "渡辺 凛",
            "山本 莉子",
        ],
        "language": "ja",
        "texts": [
            "新作のリップはいつ発売ですか？",
            "ポイントカードを確認したいです",
            "ありがとうございます",
        ],
        "postbacks": ["action=catalog&line=spring", "action=points", "action=store&city=shibuya"],
    },
    "bangkok-fitness": {
        "friends": 40,
        "names": ["Somchai P.", "Naree K.", "Anan S.", "Pim T.", "Kittisak W.", "Malee C."],
        "language": "th",
        "texts": ["คลาสโยคะพรุ่งนี้ยังว่างไหมครับ", "สมัครสมาชิกรายเดือนได้ไหม", "ขอบคุณค่ะ"],
        "postbacks": ["action=book&class=yoga", "action=membership&plan=monthly"],
    },
    "kumo-tea": {
        "friends": 50,
        "names": ["中村 翔", "小林 優奈", "加藤 大輝", "吉田 彩", "山田 蓮", "松本 芽衣"],
        "language": "ja",
        "texts": ["抹茶ラテの予約はできますか", "営業時間を教えてください", "美味しかったです！"],
        "postbacks": ["action=menu&item=matcha", "action=reserve&slot=sun-am"],
    },
}


def _user_id(slug: str, n: int) -> str:
    return "U" + hashlib.sha256(f"demo:{slug}:{n}".encode()).hexdigest()[:32]


def _script_events(slug: str, script: dict, now_ms: int) -> list[dict]:
    """A month of plausible activity, oldest first, with deterministic ids."""
    rng = random.Random(slug)
    events: list[dict] = []

    def add(kind: str, user: str, at_ms: int, **body) -> None:
        event_id = f"DEMO{hashlib.sha256(slug.encode()).hexdigest()[:6].upper()}{len(events):08d}"
        events.append(
            {
                "type": kind,
                "mode": "active",
                "timestamp": at_ms,
                "source": {"type": "user", "userId": user},
                "webhookEventId": event_id,
                "deliveryContext": {"isRedelivery": False},
                **body,
            }
        )

    day_ms = 86_400_000
    for n in range(script["friends"]):
        user = _user_id(slug, n)
        at = now_ms - rng.randint(1, DAYS) * day_ms + rng.randint(0, day_ms - 1)
        at = min(at, now_ms - 60_000)
        add("follow", user, at, replyToken="demo", follow={"isUnblocked": False})
        for _ in range(rng.choice([0, 1, 1, 2, 3, 5])):
            at = min(at + rng.randint(60_000, 3 * day_ms), now_ms - 1_000)
            if rng.random() < 0.7:
                add(
                    "message",
                    user,
                    at,
                    replyToken="demo",
                    message={
                        "id": str(rng.randint(10**17, 10**18)),
                        "type": "text",
                        "text": rng.choice(script["texts"]),
                        "quoteToken": "demo",
                    },
                )
            elif rng.random() < 0.5:
                add(
                    "message",
                    user,
                    at,
                    replyToken="demo",
                    message={
                        "id": str(rng.randint(10**17, 10**18)),
                        "type": "sticker",
                        "packageId": "446",
                        "stickerId": str(rng.randint(1988, 2027)),
                        "stickerResourceType": "STATIC",
                    },
                )
            else:
                add(
                    "postback",
                    user,
                    at,
                    replyToken="demo",
                    postback={"data": rng.choice(script["postbacks"])},
                )
        if rng.random() < 0.15:
            at = min(at + rng.randint(60_000, 5 * day_ms), now_ms - 500)
            add("unfollow", user, at)
            if rng.random() < 0.4:
                at = min(at + rng.randint(60_000, 5 * day_ms), now_ms - 100)
                add("follow", user, at, replyToken="demo", follow={"isUnblocked": True})
    events.sort(key=lambda e: e["timestamp"])
    return events


def _post(client: Client, account, events: list[dict]) -> int:
    body = json.dumps({"destination": account.bot_user_id, "events": events}).encode()
    response = client.post(
        reverse("line_webhook", kwargs={"webhook_key": account.webhook_key}),
        data=body,
        content_type="application/json",
        HTTP_X_LINE_SIGNATURE=webhook_signature(channel_secret=account.channel_secret, body=body),
    )
    if response.status_code != 200:
        raise RuntimeError(f"the demo webhook for {account} answered {response.status_code}")
    return len(events)


def _rows(account: LineAccount) -> int:
    """The OA's rows this step creates: stored events, the friends and interactions they made."""
    return (
        WebhookEvent.objects.for_account(account).count()
        + Friend.objects.for_account(account).count()
        + Interaction.objects.for_account(account).count()
    )


def seed_webhook_activity(demo: DemoTenancy) -> int:
    """Post each demo OA's month of events through the endpoint, process them, name the friends."""
    client = Client(HTTP_HOST=urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost")
    now_ms = int(timezone.now().timestamp() * 1000)
    created = 0
    for slug, script in DEMO_SCRIPTS.items():
        account = demo.accounts.get(slug)
        # An OA with events has had its month posted (seed_demo is one transaction): posting
        # it again only finds duplicates, and took seconds of every ``make run``.
        if account is None or WebhookEvent.objects.for_account(account).exists():
            continue
        before = _rows(account)
        events = _script_events(slug, script, now_ms)
        for start in range(0, len(events), EVENTS_PER_REQUEST):
            _post(client, account, events[start : start + EVENTS_PER_REQUEST])
        webhook_events_process_pending(account_id=account.pk)
        rng = random.Random(f"names:{slug}")
        for friend in Friend.objects.for_account(account).filter(
            profile_status=Friend.ProfileStatus.PENDING
        ):
            friend_profile_store(
                account=account,
                friend_id=friend.pk,
                display_name=rng.choice(script["names"]),
                language=script["language"],
            )
        created += _rows(account) - before
    return created


__all__ = ["seed_webhook_activity"]
