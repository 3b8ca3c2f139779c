"""``seed_insight_imports``: 400 days of OA Manager exports per demo OA, uploaded through the real
import path (job row, detection, chunked parsing, one transaction per file).

Each OA's files are written the way its manager would export them: Japanese headers in Shift_JIS
for the Tokyo OA, Traditional Chinese in Big5 for Taipei, Thai in UTF-8 with BOM for Bangkok and
English in UTF-16 for the brand, so the demo exercises detection and decoding too. The numbers
agree with the demo webhook activity: for the days the webhook demo covers, friends added and
blocks per day are the follow and unfollow events it stored, on top of a longer organic history.
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

from insights.models import ImportJob
from insights.services.imports import import_job_create, import_job_run
from oa_console.tenancy import tenant_scope

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy
    from oa_console.models import LineAccount

DAYS = 400
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
            "coupons": ["クーポン名", "閲覧数", "獲得数", "使用数"],
            "reward_usage": [
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
            "coupons": ["優惠券名稱", "瀏覽次數", "領取次數", "使用次數"],
            "reward_usage": [
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
            "coupons": ["ชื่อคูปอง", "การดู", "การรับ", "การใช้"],
            "reward_usage": [
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
            "coupons": ["Coupon name", "Views", "Claimed", "Used"],
            "reward_usage": [
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
                "Timeline views",
                "Follows",
                "Profile visits",
                "Video views 3s",
                "Video views completed",
            ],
        },
    ),
}

# Per demo OA: export language, friends a year and a half ago, typical organic adds a day.
PROFILES: dict[str, tuple[str, int, int]] = {
    "tokyo-cosmetics": ("ja", 8200, 14),
    "taipei-cafe": ("zh", 2300, 6),
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


def _webhook_days(account: LineAccount, first: date) -> dict[date, tuple[int, int]]:
    """(follows, unfollows) per day from the demo webhook activity, through its selector."""
    from webhooks.selectors import webhook_event_daily_counts

    days = (date.today() - first).days + 2
    counts: dict[date, list[int]] = {}
    for day, event_type, n in webhook_event_daily_counts(account=account, days=days):
        slot = counts.setdefault(day, [0, 0])
        if event_type == "follow":
            slot[0] += n
        elif event_type == "unfollow":
            slot[1] += n
    return {day: (adds, blocks) for day, (adds, blocks) in counts.items()}


def _files(account: LineAccount, slug: str, yesterday: date) -> list[tuple[str, bytes]]:
    language, base, organic = PROFILES[slug]
    style = STYLES[language]
    h = style.headers
    rng = random.Random(f"insights:{slug}")
    first = yesterday - timedelta(days=DAYS - 1)
    webhook = _webhook_days(account, first)
    friends_rows, totals = [], {}
    contacts, blocks = base, int(base * 0.08)
    for n in range(DAYS):
        day = first + timedelta(days=n)
        if day in webhook:
            adds, new_blocks = webhook[day]
        else:
            weekend = 1.5 if day.weekday() >= 5 else 1.0
            adds = max(0, int(rng.gauss(organic * weekend, organic / 3)))
            new_blocks = rng.choice([0, 0, 1, 1, 2])
        contacts += adds
        blocks += new_blocks
        reach = int((contacts - blocks) * 0.86)
        totals[day] = reach
        friends_rows.append([day.strftime("%Y%m%d"), contacts, reach, blocks])
    files = [("friends", _csv(h["friends"], friends_rows, style.encoding))]
    files.append(("gender", _csv(h["gender"], [[g, f"{p}%"] for g, p in GENDERS], style.encoding)))
    files.append(("age", _csv(h["age"], [[a, f"{p}%"] for a, p in AGES], style.encoding)))

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
    files.append(("broadcasts", _csv(h["broadcasts"], broadcast_rows, style.encoding)))

    coupon_rows = []
    for name in (_campaign(language, rng) + " 10%OFF", "Welcome", "Birthday", "Spring", "VIP"):
        views = rng.randint(300, 3000)
        claimed = int(views * rng.uniform(0.2, 0.5))
        coupon_rows.append([name, views, claimed, int(claimed * rng.uniform(0.2, 0.6))])
    files.append(("coupons", _csv(h["coupons"], coupon_rows, style.encoding)))

    history, balances = [], {}
    customers = [f"C{rng.randrange(16**8):08X}" for _ in range(max(40, base // 60))]
    point_types = POINT_TYPES[language]
    for n in range(DAYS):
        day = first + timedelta(days=n)
        seen = set()
        for _visit in range(rng.randint(0, 6)):
            customer = rng.choice(customers)
            at = datetime(
                day.year,
                day.month,
                day.day,
                rng.randint(9, 20),
                rng.randint(0, 59),
                rng.randint(0, 59),
            )
            kind = point_types[0]
            points = 1
            if balances.get(customer, 0) >= 10 and rng.random() < 0.5:
                kind, points = point_types[1], -10
            if (at, customer, kind) in seen:
                continue
            seen.add((at, customer, kind))
            balances[customer] = balances.get(customer, 0) + points
            history.append([at.strftime("%Y/%m/%d %H:%M:%S"), customer, kind, points])
    files.append(("reward_history", _csv(h["reward_history"], history, style.encoding)))
    distribution: dict[int, int] = {}
    for points in balances.values():
        distribution[points] = distribution.get(points, 0) + 1
    files.append(
        ("reward_points", _csv(h["reward_points"], sorted(distribution.items()), style.encoding))
    )
    visits = sum(1 for row in history if row[3] > 0)
    vouchers = sum(1 for row in history if row[3] < 0)
    files.append(
        (
            "reward_usage",
            _csv(
                h["reward_usage"],
                [
                    [
                        _card(language),
                        len(balances),
                        len(balances) + 3,
                        visits,
                        len(balances),
                        rng.randint(0, 30),
                        vouchers,
                        vouchers,
                        3,
                    ]
                ],
                style.encoding,
            ),
        )
    )
    profile_rows = []
    for n in range(DAYS):
        day = first + timedelta(days=n)
        views = max(0, int(rng.gauss(organic * 6, organic)))
        unique = int(views * 0.7)
        profile_rows.append([day.isoformat(), views, unique if unique >= 20 else "-"])
    files.append(("profile", _csv(h["profile"], profile_rows, style.encoding)))
    voom_rows = []
    for index in range(50):
        day = first + timedelta(days=int((index + 0.3) * DAYS / 50))
        impressions = rng.randint(500, 6000)
        voom_rows.append(
            [
                f"{day:%Y/%m/%d} 10:00",
                f"{_campaign(language, rng)} #{index + 1}",
                impressions,
                int(impressions * 0.6),
                rng.randint(0, 25),
                rng.randint(10, 120),
                int(impressions * 0.3),
                int(impressions * 0.1),
            ]
        )
    files.append(("voom", _csv(h["voom"], voom_rows, style.encoding)))
    return files


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
            for name, content in _files(account, slug, yesterday):
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
    return inserted
