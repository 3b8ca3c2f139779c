"""Friends reports: daily running totals and demographics."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from insights.imports.reports.spec import AS_OF, DATE_ALIASES, F, Kind, ReportSpec, ReportType

SPECS: tuple[ReportSpec, ...] = (
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
    ),
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
    ),
)
