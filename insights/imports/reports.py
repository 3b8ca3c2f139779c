"""The catalogue of OA Manager Insight reports: canonical columns, their kinds and header aliases.

LINE publishes no column reference for these exports and localises the headers to the manager's
language, so every canonical field lists the labels seen (or shown on OA Manager's screens) in
English, Japanese, Traditional Chinese and Thai. docs/imports.md is generated from the same
catalogue's content; keep both in step (tests/insights/test_docs.py checks it).

Headers are compared after ``normalise_header``: Unicode NFKC, lower case, and spaces,
underscores, hyphens, dots, slashes and brackets removed, so ``Target reaches``,
``targetReaches`` and ``TARGET_REACHES`` are the same label.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    DATE = "date"  # YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD
    DATETIME = "datetime"  # a date, optionally followed by HH:MM[:SS]
    TIME = "time"  # HH:MM[:SS], combined with a DATE field of the same row
    COUNT = "count"  # a non-negative whole number; thousands separators allowed; may be hidden
    SIGNED = "signed"  # a whole number that may be negative (points taken back)
    PERCENT = "percent"  # 0-100, with or without "%"; may be hidden
    DECIMAL = "decimal"  # any number, e.g. a rate given without "%"
    TEXT = "text"


NUMERIC_KINDS = {Kind.COUNT, Kind.SIGNED, Kind.PERCENT, Kind.DECIMAL}

KIND_HELP = {
    Kind.DATE: _("a date: YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD"),
    Kind.DATETIME: _("a date, optionally with a time HH:MM[:SS] (JST for LINE data)"),
    Kind.TIME: _("a time HH:MM[:SS], combined with the date of the same row"),
    Kind.COUNT: _("a whole number, not negative; thousands separators allowed; may be hidden"),
    Kind.SIGNED: _("a whole number that may be negative (points taken back)"),
    Kind.PERCENT: _("a percentage between 0 and 100, with or without %; may be hidden"),
    Kind.DECIMAL: _("any number"),
    Kind.TEXT: _("text, stored as written (surrounding spaces removed)"),
}


class ReportType(StrEnum):
    FRIENDS = "friends"
    DEMOGRAPHICS = "demographics"
    BROADCASTS = "broadcasts"
    CHATS = "chats"
    COUPONS = "coupons"
    REWARD_CARD_USAGE = "reward_card_usage"
    REWARD_CARD_POINTS = "reward_card_points"
    REWARD_CARD_HISTORY = "reward_card_history"
    PROFILE_VIEWS = "profile_views"
    VOOM_POSTS = "voom_posts"
    CHAT_HISTORY = "chat_history"
    MESSAGE_DELIVERIES = "message_deliveries"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    label: object  # lazy translated label for the mapping step and the docs
    aliases: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class ReportSpec:
    type: ReportType
    label: object
    description: object
    fields: tuple[FieldSpec, ...]
    # Alternative keys, first whose fields are all mapped wins; each names the fields that make
    # a row unique. An "as_of" prefix means: a snapshot, keyed by the date it describes.
    keys: tuple[tuple[str, ...], ...]
    # The field whose date places the row in time (filters of the read API), if any.
    date_field: str | None = None
    snapshot: bool = False
    # Key fields missing from the file count as blank (demographics: one file per dimension).
    partial_key: bool = False
    # Groups of fields of which at least one must be present (a coupon by id or by name).
    required_any: tuple[tuple[str, ...], ...] = ()
    field_index: dict[str, FieldSpec] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        self.field_index.update({f.name: f for f in self.fields})

    def get(self, name: str) -> FieldSpec:
        return self.field_index[name]

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]

    def missing(self, mapped: set[str]) -> list[str]:
        """Required fields not mapped; an unmet "one of" group is reported as "a|b"."""
        missing = [name for name in self.required if name not in mapped]
        missing += ["|".join(group) for group in self.required_any if not mapped & set(group)]
        return missing

    def missing_labels(self, missing: list[str]) -> str:
        from django.utils.translation import gettext as _

        labels = []
        for entry in missing:
            names = [str(self.get(name).label) for name in entry.split("|")]
            labels.append(_(" or ").join(names))
        return ", ".join(labels)


# After NFKC full-width brackets and colons are ASCII already.
_HEADER_STRIP = re.compile(r"[\s_\-./()\[\]:\u3010\u3011\u300c\u300d\u30fb]+")


def normalise_header(label: str) -> str:
    return _HEADER_STRIP.sub("", unicodedata.normalize("NFKC", str(label)).strip().lower())


def F(name, kind, label, aliases, required=False) -> FieldSpec:
    return FieldSpec(name, kind, label, tuple(aliases), required)


# Fields any report may carry; the OA guard refuses a file whose ids name another OA.
GUARD_FIELDS = (
    F(
        "basic_id",
        Kind.TEXT,
        _("Basic ID"),
        [
            "basic id",
            "basicid",
            "line id",
            "ベーシックID",
            "LINE ID",
            "基本ID",
            "官方帳號ID",
            "ไอดีพื้นฐาน",
        ],
    ),
    F(
        "bot_user_id",
        Kind.TEXT,
        _("Bot user ID"),
        ["bot id", "bot user id", "botid", "destination", "ボットID", "機器人ID", "ไอดีบอท"],
    ),
    F(
        "channel_id",
        Kind.TEXT,
        _("Channel ID"),
        ["channel id", "チャネルID", "チャンネルID", "頻道ID", "ไอดีช่อง"],
    ),
)

AS_OF = F(
    "as_of",
    Kind.DATE,
    _("As of (date)"),
    ["as of", "asof", "snapshot date", "集計日", "基準日", "統計日期", "ณ วันที่"],
)

DATE_ALIASES = ["date", "day", "日付", "日", "日期", "วันที่"]

REPORTS: dict[ReportType, ReportSpec] = {}


def _register(spec: ReportSpec) -> None:
    REPORTS[spec.type] = replace(spec, fields=(*spec.fields, *GUARD_FIELDS))


_register(
    ReportSpec(
        ReportType.FRIENDS,
        _("Friends (daily)"),
        _("Running totals per day: friends, target reach and blocked users."),
        (
            F("date", Kind.DATE, _("Date"), DATE_ALIASES, required=True),
            F(
                "contacts",
                Kind.COUNT,
                _("Friends (running total)"),
                [
                    "contacts",
                    "friends",
                    "followers",
                    "友だち数",
                    "友だち追加数",
                    "友だち",
                    "好友人數",
                    "好友數",
                    "好友",
                    "เพื่อน",
                    "จำนวนเพื่อน",
                ],
                required=True,
            ),
            F(
                "target_reaches",
                Kind.COUNT,
                _("Target reach"),
                [
                    "targetReaches",
                    "target reach",
                    "targeted reaches",
                    "ターゲットリーチ",
                    "ターゲットリーチ数",
                    "目標好友數",
                    "目標好友人數",
                    "กลุ่มเป้าหมาย",
                    "จำนวนกลุ่มเป้าหมาย",
                ],
            ),
            F(
                "blocks",
                Kind.COUNT,
                _("Blocked users (running total)"),
                [
                    "blocks",
                    "blocked",
                    "ブロック数",
                    "ブロック",
                    "封鎖人數",
                    "封鎖",
                    "บล็อก",
                    "จำนวนบล็อก",
                ],
            ),
        ),
        keys=(("date",),),
        date_field="date",
    )
)

_register(
    ReportSpec(
        ReportType.DEMOGRAPHICS,
        _("Demographics"),
        _("Share of friends by gender, age, area, OS or friendship period, as percentages."),
        (
            AS_OF,
            F("gender", Kind.TEXT, _("Gender"), ["gender", "性別", "เพศ"]),
            F("age", Kind.TEXT, _("Age"), ["age", "age group", "年齢", "年代", "年齡", "อายุ"]),
            F(
                "area",
                Kind.TEXT,
                _("Area"),
                [
                    "area",
                    "region",
                    "prefecture",
                    "地域",
                    "都道府県",
                    "地區",
                    "地區別",
                    "พื้นที่",
                    "ภูมิภาค",
                ],
            ),
            F("os", Kind.TEXT, _("OS"), ["os", "app type", "platform", "作業系統", "ระบบปฏิบัติการ"]),
            F(
                "friendship_period",
                Kind.TEXT,
                _("Friendship period"),
                [
                    "friendship period",
                    "subscription period",
                    "友だち期間",
                    "好友期間",
                    "加入好友期間",
                    "ระยะเวลาการเป็นเพื่อน",
                ],
            ),
            F(
                "percentage",
                Kind.PERCENT,
                _("Percentage"),
                [
                    "percentage",
                    "percent",
                    "ratio",
                    "share",
                    "割合",
                    "比率",
                    "百分比",
                    "比例",
                    "เปอร์เซ็นต์",
                    "ร้อยละ",
                ],
                required=True,
            ),
        ),
        keys=(("as_of", "gender", "age", "area", "os", "friendship_period"),),
        date_field="as_of",
        snapshot=True,
        partial_key=True,
    )
)

_register(
    ReportSpec(
        ReportType.BROADCASTS,
        _("Broadcast messages"),
        _("One row per broadcast: deliveries, impressions, clicks and video views."),
        (
            F(
                "sent_at",
                Kind.DATETIME,
                _("Sent at"),
                [
                    "sent at",
                    "sent date",
                    "delivery date",
                    "delivered at",
                    "date",
                    "配信日時",
                    "送信日時",
                    "配信日",
                    "傳送時間",
                    "發送時間",
                    "傳送日期",
                    "วันที่ส่ง",
                    "เวลาที่ส่ง",
                ],
                required=True,
            ),
            F(
                "request_id",
                Kind.TEXT,
                _("Request ID"),
                [
                    "request id",
                    "broadcast id",
                    "message id",
                    "リクエストID",
                    "配信ID",
                    "請求ID",
                    "訊息ID",
                    "รหัสคำขอ",
                ],
            ),
            F(
                "title",
                Kind.TEXT,
                _("Title"),
                [
                    "title",
                    "message title",
                    "broadcast name",
                    "name",
                    "タイトル",
                    "メッセージ名",
                    "配信名",
                    "標題",
                    "訊息名稱",
                    "ชื่อข้อความ",
                    "หัวข้อ",
                ],
            ),
            F(
                "delivered",
                Kind.COUNT,
                _("Delivered"),
                [
                    "delivered",
                    "deliveries",
                    "配信数",
                    "送信数",
                    "傳送數",
                    "發送數",
                    "傳送人數",
                    "ส่งแล้ว",
                    "จำนวนที่ส่ง",
                ],
                required=True,
            ),
            F(
                "impressions",
                Kind.COUNT,
                _("Impressions (opened)"),
                [
                    "impressions",
                    "opened",
                    "opens",
                    "開封数",
                    "インプレッション",
                    "インプレッション数",
                    "開啟次數",
                    "曝光次數",
                    "การเปิด",
                    "อิมเพรสชัน",
                ],
            ),
            F(
                "unique_impressions",
                Kind.COUNT,
                _("Unique impressions"),
                [
                    "unique impressions",
                    "unique opens",
                    "開封者数",
                    "ユニークインプレッション",
                    "不重複曝光",
                    "不重複開啟人數",
                    "อิมเพรสชันที่ไม่ซ้ำ",
                ],
            ),
            F(
                "clicks",
                Kind.COUNT,
                _("Clicks"),
                ["clicks", "クリック数", "クリック", "點擊次數", "คลิก", "การคลิก"],
            ),
            F(
                "unique_clicks",
                Kind.COUNT,
                _("Unique clicks (users who clicked)"),
                [
                    "unique clicks",
                    "user clicks",
                    "ユニーククリック",
                    "クリックユーザー数",
                    "不重複點擊",
                    "點擊人數",
                    "คลิกที่ไม่ซ้ำ",
                    "ผู้ใช้ที่คลิก",
                ],
            ),
            F(
                "click_rate",
                Kind.PERCENT,
                _("Click rate"),
                ["click rate", "ctr", "クリック率", "點擊率", "อัตราการคลิก"],
            ),
            F(
                "video_views",
                Kind.COUNT,
                _("Video views"),
                ["video views", "動画再生数", "動画再生回数", "影片觀看次數", "การดูวิดีโอ"],
            ),
        ),
        keys=(("request_id",), ("sent_at", "title"), ("sent_at",)),
        date_field="sent_at",
    )
)

_register(
    ReportSpec(
        ReportType.CHATS,
        _("Chat statistics"),
        _(
            "Chats per day: active chats, messages received and sent, manual and automatic responses."
        ),
        (
            F("date", Kind.DATE, _("Date"), DATE_ALIASES, required=True),
            F(
                "active_chats",
                Kind.COUNT,
                _("Active chats"),
                [
                    "active chats",
                    "chats",
                    "チャット数",
                    "アクティブチャット",
                    "アクティブチャット数",
                    "聊天數",
                    "進行中的聊天",
                    "แชทที่ใช้งาน",
                ],
            ),
            F(
                "messages_received",
                Kind.COUNT,
                _("Messages received"),
                [
                    "messages received",
                    "received messages",
                    "受信メッセージ数",
                    "受信数",
                    "收到的訊息",
                    "接收訊息數",
                    "ข้อความที่ได้รับ",
                ],
                required=True,
            ),
            F(
                "messages_sent",
                Kind.COUNT,
                _("Messages sent"),
                [
                    "messages sent",
                    "sent messages",
                    "送信メッセージ数",
                    "傳送的訊息",
                    "傳送訊息數",
                    "ข้อความที่ส่ง",
                ],
            ),
            F(
                "manual_responses",
                Kind.COUNT,
                _("Manual responses"),
                [
                    "manual responses",
                    "manual",
                    "手動応答",
                    "手動応答数",
                    "手動回覆",
                    "ตอบกลับด้วยตนเอง",
                ],
            ),
            F(
                "auto_responses",
                Kind.COUNT,
                _("Automatic responses"),
                [
                    "automatic responses",
                    "auto responses",
                    "auto response",
                    "自動応答",
                    "自動応答数",
                    "自動回覆",
                    "ตอบกลับอัตโนมัติ",
                ],
            ),
        ),
        keys=(("date",),),
        date_field="date",
    )
)

_register(
    ReportSpec(
        ReportType.COUPONS,
        _("Coupons"),
        _("Per coupon (and per day when the file has dates): views, claimed and used."),
        (
            F("date", Kind.DATE, _("Date"), DATE_ALIASES),
            AS_OF,
            F(
                "coupon_id",
                Kind.TEXT,
                _("Coupon ID"),
                ["coupon id", "クーポンID", "優惠券ID", "รหัสคูปอง"],
            ),
            F(
                "coupon_name",
                Kind.TEXT,
                _("Coupon name"),
                [
                    "coupon",
                    "coupon name",
                    "name",
                    "クーポン名",
                    "クーポン",
                    "優惠券名稱",
                    "優惠券",
                    "ชื่อคูปอง",
                    "คูปอง",
                ],
            ),
            F(
                "views",
                Kind.COUNT,
                _("Views"),
                ["views", "page views", "閲覧数", "表示回数", "瀏覽次數", "การดู"],
            ),
            F(
                "claimed",
                Kind.COUNT,
                _("Claimed"),
                [
                    "claimed",
                    "acquired",
                    "obtained",
                    "獲得数",
                    "取得数",
                    "獲得者数",
                    "領取次數",
                    "已領取",
                    "การรับ",
                    "รับแล้ว",
                ],
            ),
            F(
                "used",
                Kind.COUNT,
                _("Used"),
                ["used", "redeemed", "使用数", "使用回数", "使用次數", "已使用", "การใช้", "ใช้แล้ว"],
                required=True,
            ),
        ),
        keys=(
            ("date", "coupon_id"),
            ("date", "coupon_name"),
            ("as_of", "coupon_id"),
            ("as_of", "coupon_name"),
        ),
        date_field="date",
        required_any=(("coupon_id", "coupon_name"),),
    )
)

_register(
    ReportSpec(
        ReportType.REWARD_CARD_USAGE,
        _("Reward card usage"),
        _("Per reward card: valid and issued cards, points awarded and expired, vouchers."),
        (
            AS_OF,
            F(
                "name",
                Kind.TEXT,
                _("Card name"),
                [
                    "name",
                    "card name",
                    "reward card",
                    "名前",
                    "ショップカード名",
                    "カード名",
                    "名稱",
                    "集點卡名稱",
                    "ชื่อ",
                    "ชื่อบัตร",
                ],
            ),
            F(
                "valid_cards",
                Kind.COUNT,
                _("Valid cards"),
                [
                    "validCards",
                    "有効カード数",
                    "有効カード",
                    "有效集點卡",
                    "有效卡片數",
                    "บัตรที่ใช้ได้",
                ],
                required=True,
            ),
            F(
                "issued_cards",
                Kind.COUNT,
                _("Issued cards"),
                ["issuedCards", "発行カード数", "発行枚数", "已發行集點卡", "發卡數", "บัตรที่ออก"],
                required=True,
            ),
            F(
                "store_visit_points",
                Kind.COUNT,
                _("Store visit points"),
                [
                    "storeVisitPoints",
                    "来店ポイント",
                    "来店ポイント数",
                    "來店點數",
                    "คะแนนการเยี่ยมชมร้าน",
                ],
            ),
            F(
                "welcome_bonuses_awarded",
                Kind.COUNT,
                _("Welcome bonuses awarded"),
                [
                    "WelcomeBonusesAwarded",
                    "welcome bonuses",
                    "ウェルカムボーナス",
                    "ウェルカムボーナス付与数",
                    "歡迎紅利",
                    "已發放歡迎點數",
                    "โบนัสต้อนรับ",
                ],
            ),
            F(
                "expired_points",
                Kind.COUNT,
                _("Expired points"),
                ["expiredPoints", "失効ポイント", "失効ポイント数", "過期點數", "คะแนนที่หมดอายุ"],
            ),
            F(
                "vouchers_awarded",
                Kind.COUNT,
                _("Vouchers awarded"),
                [
                    "vouchersAwarded",
                    "特典チケット付与数",
                    "特典付与数",
                    "已發放兌換券",
                    "บัตรกำนัลที่มอบ",
                ],
            ),
            F(
                "vouchers_used",
                Kind.COUNT,
                _("Vouchers used"),
                ["vouchersUsed", "特典チケット使用数", "特典使用数", "已使用兌換券", "บัตรกำนัลที่ใช้"],
            ),
            F(
                "deleted",
                Kind.COUNT,
                _("Deleted cards"),
                ["deleted", "削除数", "削除", "已刪除", "ลบแล้ว"],
            ),
        ),
        keys=(("as_of", "name"), ("as_of",)),
        date_field="as_of",
        snapshot=True,
    )
)

_register(
    ReportSpec(
        ReportType.REWARD_CARD_POINTS,
        _("Reward card point distribution"),
        _("How many users hold each point balance."),
        (
            AS_OF,
            F(
                "point",
                Kind.SIGNED,
                _("Points held"),
                ["point", "points", "ポイント", "ポイント数", "點數", "คะแนน"],
                required=True,
            ),
            F(
                "users",
                Kind.COUNT,
                _("Users"),
                ["users", "user count", "ユーザー数", "人数", "用戶數", "人數", "ผู้ใช้", "จำนวนผู้ใช้"],
                required=True,
            ),
        ),
        keys=(("as_of", "point"),),
        date_field="as_of",
        snapshot=True,
    )
)

_register(
    ReportSpec(
        ReportType.REWARD_CARD_HISTORY,
        _("Reward card point history"),
        _("Every point awarded or used: when (JST), which customer, what kind, how many."),
        (
            F(
                "occurred_at",
                Kind.DATETIME,
                _("Date and time"),
                [
                    "Date Time",
                    "datetime",
                    "timestamp",
                    "日時",
                    "付与日時",
                    "日期時間",
                    "時間",
                    "วันที่และเวลา",
                ],
                required=True,
            ),
            F(
                "customer_id",
                Kind.TEXT,
                _("Customer ID"),
                [
                    "Customer ID",
                    "user id",
                    "お客様ID",
                    "顧客ID",
                    "ユーザーID",
                    "客戶ID",
                    "用戶ID",
                    "รหัสลูกค้า",
                ],
                required=True,
            ),
            F(
                "point_type",
                Kind.TEXT,
                _("Point type"),
                [
                    "Point Type",
                    "type",
                    "ポイント種別",
                    "ポイントタイプ",
                    "種別",
                    "點數類型",
                    "類型",
                    "ประเภทคะแนน",
                    "ประเภท",
                ],
            ),
            F(
                "points",
                Kind.SIGNED,
                _("Points"),
                ["Points", "point", "ポイント", "ポイント数", "點數", "คะแนน"],
                required=True,
            ),
        ),
        keys=(("occurred_at", "customer_id", "point_type"), ("occurred_at", "customer_id")),
        date_field="occurred_at",
    )
)

_register(
    ReportSpec(
        ReportType.PROFILE_VIEWS,
        _("Profile views"),
        _("Views of the OA's profile page per day."),
        (
            F("date", Kind.DATE, _("Date"), DATE_ALIASES, required=True),
            F(
                "views",
                Kind.COUNT,
                _("Views"),
                [
                    "views",
                    "profile views",
                    "page views",
                    "プロフィール表示回数",
                    "表示回数",
                    "閲覧数",
                    "個人檔案瀏覽次數",
                    "瀏覽次數",
                    "การดูโปรไฟล์",
                    "การดู",
                ],
                required=True,
            ),
            F(
                "unique_views",
                Kind.COUNT,
                _("Unique viewers"),
                [
                    "unique views",
                    "unique viewers",
                    "unique users",
                    "ユニークユーザー数",
                    "閲覧者数",
                    "不重複瀏覽人數",
                    "瀏覽人數",
                    "ผู้ชมที่ไม่ซ้ำ",
                ],
            ),
        ),
        keys=(("date",),),
        date_field="date",
    )
)

_register(
    ReportSpec(
        ReportType.VOOM_POSTS,
        _("VOOM posts"),
        _(
            "Per LINE VOOM (timeline) post: impressions, views, follows, profile visits, video views."
        ),
        (
            F(
                "posted_at",
                Kind.DATETIME,
                _("Posted at"),
                [
                    "posted at",
                    "post date",
                    "date",
                    "投稿日時",
                    "投稿日",
                    "發文時間",
                    "貼文日期",
                    "วันที่โพสต์",
                ],
                required=True,
            ),
            F("post_id", Kind.TEXT, _("Post ID"), ["post id", "投稿ID", "貼文ID", "รหัสโพสต์"]),
            F(
                "title",
                Kind.TEXT,
                _("Post"),
                [
                    "post",
                    "content",
                    "title",
                    "投稿内容",
                    "投稿",
                    "貼文內容",
                    "貼文",
                    "เนื้อหาโพสต์",
                    "โพสต์",
                ],
            ),
            F(
                "impressions",
                Kind.COUNT,
                _("Impressions"),
                ["impressions", "インプレッション", "インプレッション数", "曝光次數", "อิมเพรสชัน"],
                required=True,
            ),
            F(
                "explore_views",
                Kind.COUNT,
                _("Explore views"),
                ["explore views", "discover views", "おすすめ表示", "探索瀏覽次數", "การดูจากสำรวจ"],
            ),
            F(
                "timeline_views",
                Kind.COUNT,
                _("Timeline views"),
                ["timeline views", "タイムライン表示", "動態消息瀏覽次數", "การดูจากไทม์ไลน์"],
            ),
            F(
                "follows",
                Kind.COUNT,
                _("Follows"),
                ["follows", "new followers", "フォロー数", "フォロー", "追蹤數", "การติดตาม"],
            ),
            F(
                "profile_visits",
                Kind.COUNT,
                _("Profile visits"),
                ["profile visits", "プロフィール訪問数", "個人檔案造訪次數", "การเยี่ยมชมโปรไฟล์"],
            ),
            F(
                "video_views_3s",
                Kind.COUNT,
                _("Video views (3 s)"),
                [
                    "video views 3s",
                    "3s video views",
                    "video views (3 seconds)",
                    "動画再生数(3秒)",
                    "3秒再生",
                    "影片觀看次數(3秒)",
                    "การดูวิดีโอ 3 วินาที",
                ],
            ),
            F(
                "video_views_completed",
                Kind.COUNT,
                _("Video views (completed)"),
                [
                    "video views completed",
                    "completed video views",
                    "動画完全再生数",
                    "完全再生",
                    "影片完整觀看次數",
                    "การดูวิดีโอจนจบ",
                ],
            ),
        ),
        keys=(("post_id",), ("posted_at", "title"), ("posted_at",)),
        date_field="posted_at",
    )
)

_register(
    ReportSpec(
        ReportType.CHAT_HISTORY,
        _("Chat history backup"),
        _("A zip with one CSV per customer: who wrote what, and when (JST)."),
        (
            F(
                "sender_type",
                Kind.TEXT,
                _("Sender type"),
                ["送信者タイプ", "sender type", "傳送者類型", "ประเภทผู้ส่ง"],
                required=True,
            ),
            F(
                "sender_name",
                Kind.TEXT,
                _("Sender name"),
                ["送信者名", "sender name", "sender", "傳送者名稱", "傳送者", "ชื่อผู้ส่ง"],
            ),
            F(
                "sent_date",
                Kind.DATE,
                _("Date sent"),
                ["送信日", "date", "sent date", "傳送日期", "วันที่ส่ง"],
                required=True,
            ),
            F(
                "sent_time",
                Kind.TIME,
                _("Time sent"),
                ["送信時刻", "time", "sent time", "傳送時間", "เวลาที่ส่ง"],
                required=True,
            ),
            F(
                "content",
                Kind.TEXT,
                _("Content"),
                ["内容", "content", "message", "內容", "訊息", "เนื้อหา", "ข้อความ"],
            ),
        ),
        # The chat (the zip member) and a sequence number within the same minute are added by
        # the importer: two messages in the same minute are normal, not duplicates.
        keys=(("chat", "sent_date", "sent_time", "seq"),),
        date_field="sent_date",
    )
)

_register(
    ReportSpec(
        ReportType.MESSAGE_DELIVERIES,
        _("Message deliveries"),
        _(
            "Messages sent per day by kind (the Insight API's delivery counts; a CSV with the same columns is accepted)."
        ),
        (
            F("date", Kind.DATE, _("Date"), DATE_ALIASES, required=True),
            F("broadcast", Kind.COUNT, _("Broadcasts"), ["broadcast"], required=True),
            F("targeting", Kind.COUNT, _("Targeted messages"), ["targeting"]),
            F("auto_response", Kind.COUNT, _("Auto-responses"), ["autoResponse"]),
            F("welcome_response", Kind.COUNT, _("Greeting messages"), ["welcomeResponse"]),
            F("chat", Kind.COUNT, _("Chat messages"), ["chat"]),
            F("api_broadcast", Kind.COUNT, _("API broadcasts"), ["apiBroadcast"]),
            F("api_push", Kind.COUNT, _("API push"), ["apiPush"]),
            F("api_multicast", Kind.COUNT, _("API multicast"), ["apiMulticast"]),
            F("api_narrowcast", Kind.COUNT, _("API narrowcast"), ["apiNarrowcast"]),
            F("api_reply", Kind.COUNT, _("API replies"), ["apiReply"]),
        ),
        keys=(("date",),),
        date_field="date",
    )
)

REPORT_CHOICES = [(spec.type.value, spec.label) for spec in REPORTS.values()]


def report_spec(report: str) -> ReportSpec:
    return REPORTS[ReportType(report)]


def alias_index(spec: ReportSpec) -> dict[str, str]:
    """Normalised label -> canonical field name for one report (the field name is an alias too)."""
    index: dict[str, str] = {}
    for f in spec.fields:
        for label in (f.name, *f.aliases):
            index.setdefault(normalise_header(label), f.name)
    return index


ALIAS_INDEX: dict[ReportType, dict[str, str]] = {t: alias_index(s) for t, s in REPORTS.items()}
# Labels of every import type; other apps' types add theirs when registered (kinds.py).
KNOWN_LABELS: set[str] = {k for index in ALIAS_INDEX.values() for k in index}
