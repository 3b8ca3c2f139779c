"""``seed_insight_imports``: 400 days of OA Manager exports per demo OA, uploaded through the real
import path (job row, detection, chunked parsing, one transaction per file), and the last month
of the Insight API's followers figures as the daily sync stores them.

Each OA's files are written the way its manager would export them: Japanese headers in Shift_JIS
for the Tokyo OA, Traditional Chinese in Big5 for Taipei, Thai in UTF-8 with BOM for Bangkok and
English in UTF-16 for the brand, so the demo exercises detection and decoding too. The numbers
tell one story: for the days the webhook demo covers, friends added and blocks per day are the
follow and unfollow events it stored and messages received are its message events, on top of a
longer organic history; broadcasts reach the day's target reach, coupons launched with a
campaign draw views from it, and the reward card's usage report is the running total of its own
point history (``insights.demo_engagement``). Every export that LINE gives per day covers every
day, so each chart has a history at every range (365 days and its comparison included).
Generated with a per-OA seed, so a second run produces the same files, and the step skips OAs
that already have demo imports.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from insights import demo_engagement as engagement
from insights.imports.jobs import import_job_create, import_job_run
from insights.models import ImportJob, InsightSyncState
from insights.services import sync
from oa_console.tenancy import tenant_scope

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy
    from oa_console.models import LineAccount

DAYS = 400
# The Insight API sync has run daily since the console was connected (as the webhook demo).
API_DAYS = 30
BROADCASTS = 60
DEMO_PREFIX = "demo-"
JST = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class Style:
    encoding: str
    headers: dict[str, list[str]]


STYLES: dict[str, Style] = {
    "ja": Style(
        "cp932",
        {
            "friends": ["日付", "友だち追加数", "ターゲットリーチ", "ブロック数"],
            "gender": ["性別", "割合"],
            "age": ["年齢", "割合"],
            "broadcasts": [
                "配信日時",
                "タイトル",
                "配信数",
                "開封数",
                "ユニークインプレッション",
                "クリック数",
                "クリックユーザー数",
                "クリック率",
            ],
            "coupons": ["日付", "クーポン名", "閲覧数", "獲得数", "使用数"],
            "chats": [
                "日付",
                "アクティブチャット数",
                "受信メッセージ数",
                "送信メッセージ数",
                "手動応答数",
                "自動応答数",
            ],
            "reward_usage": [
                "集計日",
                "ショップカード名",
                "有効カード数",
                "発行カード数",
                "来店ポイント",
                "ウェルカムボーナス",
                "失効ポイント",
                "特典チケット付与数",
                "特典チケット使用数",
                "削除数",
            ],
            "reward_points": ["ポイント", "ユーザー数"],
            "reward_history": ["日時", "顧客ID", "ポイント種別", "ポイント"],
            "profile": ["日付", "プロフィール表示回数", "ユニークユーザー数"],
            "voom": [
                "投稿日時",
                "投稿内容",
                "インプレッション",
                "おすすめ表示",
                "タイムライン表示",
                "フォロー数",
                "プロフィール訪問数",
                "動画再生数(3秒)",
                "動画完全再生数",
            ],
        },
    ),
    "zh": Style(
        "big5",
        {
            "friends": ["日期", "好友人數", "目標好友數", "封鎖人數"],
            "gender": ["性別", "百分比"],
            "age": ["年齡", "百分比"],
            "broadcasts": [
                "傳送時間",
                "標題",
                "傳送數",
                "開啟次數",
                "不重複開啟人數",
                "點擊次數",
                "點擊人數",
                "點擊率",
            ],
            "coupons": ["日期", "優惠券名稱", "瀏覽次數", "領取次數", "使用次數"],
            "chats": ["日期", "聊天數", "收到的訊息", "傳送的訊息", "手動回覆", "自動回覆"],
            "reward_usage": [
                "統計日期",
                "集點卡名稱",
                "有效集點卡",
                "已發行集點卡",
                "來店點數",
                "歡迎紅利",
                "過期點數",
                "已發放兌換券",
                "已使用兌換券",
                "已刪除",
            ],
            "reward_points": ["點數", "用戶數"],
            "reward_history": ["日期時間", "客戶ID", "點數類型", "點數"],
            "profile": ["日期", "個人檔案瀏覽次數", "不重複瀏覽人數"],
            "voom": [
                "發文時間",
                "貼文內容",
                "曝光次數",
                "探索瀏覽次數",
                "動態消息瀏覽次數",
                "追蹤數",
                "個人檔案造訪次數",
                "影片觀看次數(3秒)",
                "影片完整觀看次數",
            ],
        },
    ),
    "th": Style(
        "utf-8-sig",
        {
            "friends": ["วันที่", "เพื่อน", "กลุ่มเป้าหมาย", "บล็อก"],
            "gender": ["เพศ", "เปอร์เซ็นต์"],
            "age": ["อายุ", "เปอร์เซ็นต์"],
            "broadcasts": [
                "วันที่ส่ง",
                "ชื่อข้อความ",
                "จำนวนที่ส่ง",
                "การเปิด",
                "อิมเพรสชันที่ไม่ซ้ำ",
                "คลิก",
                "ผู้ใช้ที่คลิก",
                "อัตราการคลิก",
            ],
            "coupons": ["วันที่", "ชื่อคูปอง", "การดู", "การรับ", "การใช้"],
            "chats": [
                "วันที่",
                "แชทที่ใช้งาน",
                "ข้อความที่ได้รับ",
                "ข้อความที่ส่ง",
                "ตอบกลับด้วยตนเอง",
                "ตอบกลับอัตโนมัติ",
            ],
            "reward_usage": [
                "ณ วันที่",
                "ชื่อบัตร",
                "บัตรที่ใช้ได้",
                "บัตรที่ออก",
                "คะแนนการเยี่ยมชมร้าน",
                "โบนัสต้อนรับ",
                "คะแนนที่หมดอายุ",
                "บัตรกำนัลที่มอบ",
                "บัตรกำนัลที่ใช้",
                "ลบแล้ว",
            ],
            "reward_points": ["คะแนน", "จำนวนผู้ใช้"],
            "reward_history": ["วันที่และเวลา", "รหัสลูกค้า", "ประเภทคะแนน", "คะแนน"],
            "profile": ["วันที่", "การดูโปรไฟล์", "ผู้ชมที่ไม่ซ้ำ"],
            "voom": [
                "วันที่โพสต์",
                "เนื้อหาโพสต์",
                "อิมเพรสชัน",
                "การดูจากสำรวจ",
                "การดูจากไทม์ไลน์",
                "การติดตาม",
                "การเยี่ยมชมโปรไฟล์",
                "การดูวิดีโอ 3 วินาที",
                "การดูวิดีโอจนจบ",
            ],
        },
    ),
    "en": Style(
        "utf-16",
        {
            "friends": ["date", "contacts", "targetReaches", "blocks"],
            "gender": ["gender", "percentage"],
            "age": ["age", "percentage"],
            "broadcasts": [
                "Sent at",
                "Title",
                "Delivered",
                "Impressions",
                "Unique impressions",
                "Clicks",
                "Unique clicks",
                "Click rate",
            ],
            "coupons": ["Date", "Coupon name", "Views", "Claimed", "Used"],
            "chats": [
                "Date",
                "Active chats",
                "Messages received",
                "Messages sent",
                "Manual responses",
                "Auto responses",
            ],
            "reward_usage": [
                "as of",
                "name",
                "validCards",
                "issuedCards",
                "storeVisitPoints",
                "WelcomeBonusesAwarded",
                "expiredPoints",
                "vouchersAwarded",
                "vouchersUsed",
                "deleted",
            ],
            "reward_points": ["point", "users"],
            "reward_history": ["Date Time", "Customer ID", "Point Type", "Points"],
            "profile": ["date", "profile views", "unique viewers"],
            "voom": [
                "Posted at",
                "Post",
                "Impressions",
                "Explore views",
                "Timeline views",
                "Follows",
                "Profile visits",
                "Video views 3s",
                "Video views completed",
            ],
        },
    ),
}

# Per demo OA: export language, friends 400 days ago, and its daily activity scale (profile
# views / 6, reward card visits). Adds, blocks and chats a day follow the webhook demo's pace.
PROFILES: dict[str, tuple[str, int, int]] = {
    "tokyo-cosmetics": ("ja", 8200, 14),
    "taipei-cafe": ("zh", 4000, 6),
    "bangkok-fitness": ("th", 3100, 8),
    "kumo-tea": ("en", 1500, 4),
}

POINT_TYPES = {
    "ja": ["来店", "特典交換"],
    "zh": ["來店", "兌換"],
    "th": ["เยี่ยมชมร้าน", "แลกรางวัล"],
    "en": ["Store visit", "Reward"],
}
GENDERS = [("female", 58.2), ("male", 33.9), ("unknown", 7.9)]
AGES = [
    ("from15to19", 6.1),
    ("from20to24", 18.4),
    ("from25to29", 21.0),
    ("from30to34", 17.5),
    ("from35to39", 12.2),
    ("from40to44", 9.8),
    ("from50", 8.3),
    ("unknown", 6.7),
]


def _csv(header: list[str], rows: list[list], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@dataclass(frozen=True)
class WebhookDay:
    follows: int = 0
    unfollows: int = 0
    messages: int = 0


def _webhook_days(account: LineAccount, first: date) -> dict[date, WebhookDay]:
    """Follows, unfollows and messages per day from the demo webhook activity (its selector)."""
    from webhooks.selectors import webhook_event_daily_counts

    days = (date.today() - first).days + 2
    counts: dict[date, dict[str, int]] = {}
    for day, event_type, n in webhook_event_daily_counts(account=account, days=days):
        counts.setdefault(day, {})[event_type] = n
    return {
        day: WebhookDay(by.get("follow", 0), by.get("unfollow", 0), by.get("message", 0))
        for day, by in counts.items()
    }


@dataclass
class FriendsStory:
    """The friends export and what the other exports derive from it, per day."""

    rows: list[list]
    adds: dict[date, int]
    reach: dict[date, int]


def _webhook_start(webhook: dict[date, WebhookDay], first: date, yesterday: date) -> date:
    """The first export day the webhook demo covers (after ``yesterday`` when none)."""
    days = [day for day in webhook if first <= day <= yesterday]
    return min(days) if days else yesterday + timedelta(days=1)


def _webhook_means(
    webhook: dict[date, WebhookDay], start: date, yesterday: date
) -> tuple[float, float, float]:
    """Follows, unfollows and messages a day over the webhook's days: the organic history
    before them runs at the same pace, so no chart jumps where the webhook starts."""
    days = [webhook.get(start + timedelta(days=n)) for n in range((yesterday - start).days + 1)]
    if not days:
        return 1.0, 0.3, 1.0
    known = [day or WebhookDay() for day in days]
    return (
        sum(d.follows for d in known) / len(known),
        sum(d.unfollows for d in known) / len(known),
        sum(d.messages for d in known) / len(known),
    )


def _friends_story(
    webhook: dict[date, WebhookDay], first: date, yesterday: date, base: int, rng: random.Random
) -> FriendsStory:
    """Running totals as LINE reports them; on the webhook demo's days, adds and blocks are
    its follow and unfollow events, before them an organic history at the same pace."""
    start = _webhook_start(webhook, first, yesterday)
    adds_mean, blocks_mean, _messages = _webhook_means(webhook, start, yesterday)
    rows, adds_by_day, reach_by_day = [], {}, {}
    contacts, blocks = base, int(base * 0.08)
    for n in range(DAYS):
        day = first + timedelta(days=n)
        if day >= start:
            known = webhook.get(day) or WebhookDay()
            adds, new_blocks = known.follows, known.unfollows
        else:
            adds = engagement.poisson(rng, adds_mean)
            new_blocks = engagement.poisson(rng, blocks_mean)
        contacts += adds
        blocks += new_blocks
        reach = int((contacts - blocks) * 0.86)
        adds_by_day[day], reach_by_day[day] = adds, reach
        rows.append([day.strftime("%Y%m%d"), contacts, reach, blocks])
    return FriendsStory(rows, adds_by_day, reach_by_day)


def _files(
    account: LineAccount, slug: str, yesterday: date
) -> tuple[list[tuple[str, bytes]], FriendsStory]:
    language, base, organic = PROFILES[slug]
    style = STYLES[language]
    h = style.headers

    def export(name: str, rows: list[list]) -> tuple[str, bytes]:
        return name, _csv(h[name], rows, style.encoding)

    rng = random.Random(f"insights:{slug}")
    first = yesterday - timedelta(days=DAYS - 1)
    webhook = _webhook_days(account, first)
    story = _friends_story(webhook, first, yesterday, base, rng)
    totals = story.reach
    files = [export("friends", story.rows)]
    files.append(export("gender", [[g, f"{p}%"] for g, p in GENDERS]))
    files.append(export("age", [[a, f"{p}%"] for a, p in AGES]))

    broadcast_rows = []
    for index in range(BROADCASTS):
        day = first + timedelta(days=int((index + 0.5) * DAYS / BROADCASTS))
        delivered = totals[day]
        opened = int(delivered * rng.uniform(0.35, 0.6))
        unique_opened = int(opened * 0.8)
        clicks = int(opened * rng.uniform(0.05, 0.2))
        unique_clicks = int(clicks * 0.85)
        broadcast_rows.append(
            [
                f"{day:%Y/%m/%d} {rng.choice([11, 12, 18, 19]):02d}:00",
                f"#{index + 1} {_campaign(language, rng)}",
                f"{delivered:,}",
                f"{opened:,}",
                unique_opened if unique_opened >= 20 else "-",
                clicks,
                unique_clicks if unique_clicks >= 20 else "-",
                f"{round(100 * clicks / max(1, delivered), 1)}%",
            ]
        )
    files.append(export("broadcasts", broadcast_rows))
    start = _webhook_start(webhook, first, yesterday)
    messages = {
        start + timedelta(days=n): (webhook.get(start + timedelta(days=n)) or WebhookDay()).messages
        for n in range((yesterday - start).days + 1)
    }
    files.append(
        export(
            "chats",
            engagement.chat_rows(
                first=first,
                days=DAYS,
                per_day=_webhook_means(webhook, start, yesterday)[2],
                webhook_messages=messages,
                rng=rng,
            ),
        )
    )
    plans = engagement.coupon_plans(_campaign(language, rng), DAYS)
    files.append(
        export(
            "coupons",
            engagement.coupon_rows(
                first=first, plans=plans, adds=story.adds, reach=story.reach, rng=rng
            ),
        )
    )
    card = engagement.reward_card(
        first=first,
        days=DAYS,
        organic=organic,
        card=_card(language),
        point_types=POINT_TYPES[language],
        rng=rng,
    )
    files.append(export("reward_history", card.history))
    distribution: dict[int, int] = {}
    for points in card.balances.values():
        distribution[points] = distribution.get(points, 0) + 1
    files.append(export("reward_points", sorted(distribution.items())))
    files.append(export("reward_usage", card.usage))
    profile_rows = []
    for n in range(DAYS):
        day = first + timedelta(days=n)
        views = max(0, int(rng.gauss(organic * 6, organic)))
        unique = int(views * 0.7)
        profile_rows.append([day.isoformat(), views, unique if unique >= 20 else "-"])
    files.append(export("profile", profile_rows))
    voom_rows = []
    for index in range(50):
        day = first + timedelta(days=int((index + 0.3) * DAYS / 50))
        impressions = rng.randint(500, 6000)
        voom_rows.append(
            [
                f"{day:%Y/%m/%d} 10:00",
                f"{_campaign(language, rng)} #{index + 1}",
                impressions,
                int(impressions * 0.3),
                int(impressions * 0.6),
                rng.randint(0, 25),
                rng.randint(10, 120),
                int(impressions * 0.3),
                int(impressions * 0.1),
            ]
        )
    files.append(export("voom", voom_rows))
    return files, story


def _seed_insight_api(account: LineAccount, story: FriendsStory) -> int:
    """The followers figures of the days since the console was connected, stored as the daily
    Insight API sync stores them (source ``api``, beside the CSV rows; the sync's own storing
    and state functions): LINE's API and its CSV export report the same running totals, which
    the Friends page's reconciliation chart shows side by side."""
    rows = story.rows[-API_DAYS:]
    for raw_day, contacts, reach, blocks in rows:
        day = datetime.strptime(raw_day, "%Y%m%d").date()
        values = {
            "date": day.isoformat(),
            "contacts": contacts,
            "target_reaches": reach,
            "blocks": blocks,
        }
        sync._store(account=account, report="friends", key=day.isoformat(), day=day, values=values)
    state = sync._state(account, InsightSyncState.Endpoint.FOLLOWERS)
    sync._record(state, InsightSyncState.Outcome.OK, fetched=len(rows), through=day)
    return len(rows)


def _campaign(language: str, rng: random.Random) -> str:
    names = {
        "ja": ["新春セール", "母の日ギフト", "夏の新作", "秋のキャンペーン", "冬限定"],
        "zh": ["新春優惠", "母親節", "夏日新品", "秋季活動", "冬季限定"],
        "th": ["โปรปีใหม่", "วันแม่", "สินค้าใหม่หน้าร้อน", "แคมเปญฤดูฝน", "ลดท้ายปี"],
        "en": ["New year sale", "Mother's day", "Summer blend", "Autumn harvest", "Winter special"],
    }[language]
    return rng.choice(names)


def _card(language: str) -> str:
    return {"ja": "ショップカード", "zh": "集點卡", "th": "บัตรสะสมแต้ม", "en": "Tea card"}[language]


def seed_insight_imports(demo: DemoTenancy) -> int:
    """Upload and import each demo OA's exports; returns the rows inserted."""
    yesterday = timezone.now().astimezone(JST).date() - timedelta(days=1)
    inserted = 0
    for slug in PROFILES:
        account = demo.accounts.get(slug)
        if account is None:
            continue
        with tenant_scope(workspace=account.workspace, account=account):
            if ImportJob.objects.filter(original_name__startswith=DEMO_PREFIX).exists():
                continue
            files, story = _files(account, slug, yesterday)
            for name, content in files:
                job = import_job_create(
                    account=account,
                    uploaded_file=SimpleUploadedFile(f"{DEMO_PREFIX}{name}.csv", content),
                    language="en",
                )
                import_job_run(job_id=job.pk)
                job.refresh_from_db()
                if job.status != ImportJob.Status.SUCCEEDED:
                    raise RuntimeError(
                        f"demo import {name} for {slug} failed: {job.failure_code} {job.errors}"
                    )
                inserted += job.inserted
            inserted += _seed_insight_api(account, story)
    return inserted
