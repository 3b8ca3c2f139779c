"""How each demo OA's manager exports: the language, encoding and localised headers of its
files, its size, and the names its campaigns and reward card carry."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    pass


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


def campaign_name(language: str, rng: random.Random) -> str:
    names = {
        "ja": ["新春セール", "母の日ギフト", "夏の新作", "秋のキャンペーン", "冬限定"],
        "zh": ["新春優惠", "母親節", "夏日新品", "秋季活動", "冬季限定"],
        "th": ["โปรปีใหม่", "วันแม่", "สินค้าใหม่หน้าร้อน", "แคมเปญฤดูฝน", "ลดท้ายปี"],
        "en": ["New year sale", "Mother's day", "Summer blend", "Autumn harvest", "Winter special"],
    }[language]
    return rng.choice(names)


def card_name(language: str) -> str:
    return {"ja": "ショップカード", "zh": "集點卡", "th": "บัตรสะสมแต้ม", "en": "Tea card"}[language]
