"""Coupon reports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from insights.imports.reports.spec import AS_OF, DATE_ALIASES, F, Kind, ReportSpec, ReportType

SPECS: tuple[ReportSpec, ...] = (
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
    ),
)
