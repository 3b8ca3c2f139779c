"""LINE codes read as names (oa_console/labels.py), figures by locale, relative times and
zones (oa_console/formatting.py, oa_console/relative_time.py), in every language offered."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from oa_console import formatting, labels, relative_time
from oa_console.line.messages import schema_component

LANGUAGES = [code for code, _name in settings.LANGUAGES]
RAW_CODE = r"[a-z]{2}_\d+|from\d+to\d+"


# The enums of LINE's friend-demographics tiles (insight.yml: AgeTile, GenderTile, AppTypeTile,
# SubscriptionPeriodTile), as the Insight API sends them.
INSIGHT_ENUMS = {
    "age": [
        "from0to14",
        "from15to19",
        "from20to24",
        "from25to29",
        "from30to34",
        "from35to39",
        "from40to44",
        "from45to49",
        "from50",
        "from50to54",
        "from55to59",
        "from60to64",
        "from65to69",
        "from70",
        "unknown",
    ],
    "gender": ["male", "female", "unknown"],
    "os": ["ios", "android", "others"],
    "friendship_period": [
        "within7days",
        "within30days",
        "within90days",
        "within180days",
        "within365days",
        "over365days",
        "unknown",
    ],
}


def test_every_area_code_of_lines_schema_has_a_name():
    codes = schema_component("AreaDemographic")["enum"]
    assert len(codes) == 89
    assert sorted(labels.AREAS) == sorted(codes)


@pytest.mark.parametrize("language", LANGUAGES)
def test_area_names_are_translated_and_never_codes(language):
    with translation.override(language):
        names = {code: labels.area_label(code) for code in labels.AREAS}
    assert not [name for name in names.values() if re.search(RAW_CODE, name)]
    expected = {"en": "Tokyo", "ja": "東京都", "zh-hant": "東京都", "th": "โตเกียว", "id": "Tokyo"}
    assert names["jp_13"] == expected[language]
    if language != "en":
        # Translated, not English: most names differ from the English ones (id keeps many).
        with translation.override("en"):
            english = {code: labels.area_label(code) for code in labels.AREAS}
        differing = sum(names[code] != english[code] for code in names)
        assert differing >= (20 if language == "id" else 80)


def test_kanagawa_in_japanese():
    with translation.override("ja"):
        assert labels.area_label("jp_14") == "神奈川県"


@pytest.mark.parametrize(
    ("kind", "code", "english", "japanese"),
    [
        ("age", "from25to29", "25\N{EN DASH}29", "25〜29 歳"),
        ("age", "from50", "50+", "50 歳以上"),
        ("age", "unknown", "Unknown", "不明"),
        ("gender", "female", "Female", "女性"),
        ("gender", "male", "Male", "男性"),
        ("os", "ios", "iOS", "iOS"),
        ("os", "others", "Other", "その他"),
        ("friendship_period", "within30days", "7 to 29 days", "7〜29 日"),
        ("friendship_period", "over365days", "1 year or more", "1 年以上"),
        ("delivery", "multicast", "Multicast", "マルチキャスト"),
    ],
)
def test_codes_read_as_names(kind, code, english, japanese):
    with translation.override("en"):
        assert labels.label(kind, code) == english
    with translation.override("ja"):
        assert labels.label(kind, code) == japanese


def test_every_insight_demographic_value_has_a_name():
    for kind, values in INSIGHT_ENUMS.items():
        for value in values:
            name = labels.label(kind, value)
            assert name and name != value and not re.search(RAW_CODE + r"|_", name), (kind, value)


def test_multicast_is_translated_in_chinese():
    with translation.override("zh-hant"):
        assert labels.delivery_method_label("multicast") == "多人傳送"
        assert labels.delivery_method_label("narrowcast") == "指定對象群發"


@pytest.mark.parametrize(
    ("kind", "code", "expected"),
    [
        ("area", "jp_48", "Japan, area 48"),
        ("area", "xx_99", "Other (xx 99)"),
        ("age", "from80to84", "80\N{EN DASH}84"),
        ("age", "from90", "90+"),
        ("gender", "non_binary", "Other (non binary)"),
        ("friendship_period", "within730days", "within730days"),
        ("os", "harmony_os", "Other (harmony os)"),
        ("event", "follow", "Follow"),
        ("message", "sticker", "Sticker"),
        ("event", "pnpDeliveryDone", "Other (pnp delivery done)"),
        ("gender", "女性", "女性"),  # a Japanese CSV's own words stay
        ("area", "", ""),
        ("no-such-kind", "jp_13", "jp_13"),
    ],
)
def test_unknown_codes_degrade_to_something_readable(kind, code, expected):
    with translation.override("en"):
        assert labels.label(kind, code) == expected


def test_add_source_uses_the_campaign_name_when_known():
    campaigns = {"qr_store": "QR code at the register"}
    assert labels.add_source_label("qr_store", campaigns) == "QR code at the register"
    assert labels.add_source_label("qr_store") == "qr store"
    assert labels.add_source_label("website", campaigns) == "website"


def test_figures_have_locale_grouping_and_no_padding_zeros():
    with translation.override("en"):
        assert formatting.figure(Decimal("4249.000000")) == "4,249"
        assert formatting.figure(Decimal("12.500000")) == "12.5"
        assert formatting.figure("text") == "text"
        assert formatting.amount(Decimal("1200.00"), "JPY") == "1,200 JPY"
        assert formatting.amount(Decimal("12.5"), "usd") == "12.50 USD"
    with translation.override("id"):
        assert formatting.figure(Decimal("4249.000000")) == "4.249"


def test_event_properties_are_pairs():
    with translation.override("en"):
        items = formatting.property_items({"repeat": True, "channel": "store", "n": 3.0})
    assert items == [("channel", "store"), ("n", "3"), ("repeat", "yes")]
    assert formatting.property_items({}) == []
    assert formatting.property_items(None) == []
    assert formatting.property_items(["a", "b"]) == [("", "a, b")]


def test_times_show_their_zone():
    moment = datetime(2026, 12, 6, 4, 50, tzinfo=UTC)
    with translation.override("en"):
        assert formatting.zoned(moment, "Asia/Tokyo") == "12/06/2026 1:50 p.m. JST"
        assert formatting.zoned(moment, "Asia/Bangkok").endswith(" UTC+07")
        assert formatting.zoned(moment, None).endswith(" UTC")
        assert formatting.zoned(moment, "Not/AZone").endswith(" UTC")


@pytest.mark.parametrize(
    ("language", "minutes_ago", "days_ago"),
    [
        ("en", "3 minutes ago", "6 days, 16 hours ago"),
        ("th", "3 นาที ที่แล้ว", "6 วัน, 16 ชั่วโมง ที่แล้ว"),
        ("ja", "3 分前", "6 日, 16 時間前"),
        ("zh-hant", "3 分鐘前", "6 天, 16 小時前"),
        ("id", "3 menit yang lalu", "6 hari, 16 jam yang lalu"),
    ],
)
def test_relative_times_are_translated(language, minutes_ago, days_ago):
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    with translation.override(language):
        minutes = relative_time.relative(now - timedelta(minutes=3), now)
        days = relative_time.relative(now - timedelta(days=6, hours=16), now)
        assert minutes.replace("\xa0", " ") == minutes_ago
        assert days.replace("\xa0", " ") == days_ago


def test_moments_under_a_minute_and_in_the_future_read_in_thai():
    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    with translation.override("th"):
        assert relative_time.relative(now - timedelta(seconds=10), now) == "เมื่อสักครู่"
        later = relative_time.relative(now + timedelta(hours=2), now)
        assert later.replace("\xa0", " ") == "อีก 2 ชั่วโมง"
    assert relative_time.relative(None) == ""


def test_counts_are_grouped_by_thousands_in_traditional_chinese():
    with translation.override("zh-hant"):
        assert formatting.figure(4764) == "4,764"
        assert formatting.figure(Decimal("12345678.5")) == "12,345,678.5"


def test_percentages_read_the_same_on_every_page():
    with translation.override("en"):
        assert formatting.percent(66.666) == "66.7 %"
        assert formatting.percent(None) == "—"
    with translation.override("id"):
        assert formatting.percent(Decimal("45.66")) == "45,7 %"
