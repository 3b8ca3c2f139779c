"""Which rule answers: each kind and the priority order against hand-computed expectations,
keyword matching (Japanese, Thai, full-width), business hours in the OA's zone, and the
regular expressions refused as too slow or malformed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from inbox.autoreplies.hours import Window, hours_open, minutes
from inbox.autoreplies.matching import AutoReplyEvent, rule_for
from inbox.autoreplies.patterns import regex_error, text_matches
from inbox.models import AutoReplyRule


def _rule(pk: int, kind: str, priority: int = 10, **fields) -> AutoReplyRule:
    return AutoReplyRule(pk=pk, name=f"rule {pk}", kind=kind, priority=priority, **fields)


RULES = [
    _rule(1, "greeting", on_follow=True, on_refollow=False),
    _rule(2, "greeting", priority=20, on_follow=True, on_refollow=True),
    _rule(3, "keyword", priority=30, match="contains", patterns=["price", "料金"]),
    _rule(4, "keyword", priority=20, match="exact", patterns=["price"]),
    _rule(5, "keyword", priority=40, match="regex", patterns=[r"order\s*#?\d+"]),
    _rule(6, "postback", match="exact", patterns=["action=buy"]),
    _rule(7, "postback", priority=5, match="prefix", patterns=["action="]),
    _rule(8, "away"),
    _rule(9, "fallback"),
]


def _answer(event: AutoReplyEvent, *, open_now: bool = True, rules=RULES) -> int | None:
    rule = rule_for(rules, event, open_now=open_now)
    return rule.pk if rule else None


def test_greetings_on_follow_and_on_refollow():
    assert _answer(AutoReplyEvent("follow")) == 1
    assert _answer(AutoReplyEvent("refollow")) == 2  # rule 1 greets first follows only


def test_keywords_in_priority_order_then_away_or_fallback():
    assert _answer(AutoReplyEvent("message", text="PRICE")) == 4  # exact, priority 20
    assert _answer(AutoReplyEvent("message", text="what price?")) == 3  # only contains
    assert _answer(AutoReplyEvent("message", text="料金はいくら")) == 3
    assert _answer(AutoReplyEvent("message", text="Order #1042 late")) == 5
    # Nothing matched: the away rule outside business hours, the fallback within them.
    assert _answer(AutoReplyEvent("message", text="hello"), open_now=False) == 8
    assert _answer(AutoReplyEvent("message", text="hello"), open_now=True) == 9
    # A keyword answers at any hour; a sticker (no text) gets away/fallback.
    assert _answer(AutoReplyEvent("message", text="price"), open_now=False) == 4
    assert _answer(AutoReplyEvent("message", text=""), open_now=True) == 9


def test_away_without_an_away_rule_falls_back():
    rules = [rule for rule in RULES if rule.kind != "away"]
    assert _answer(AutoReplyEvent("message", text="hi"), open_now=False, rules=rules) == 9


def test_postbacks_by_priority_and_never_the_fallback():
    assert _answer(AutoReplyEvent("postback", data="action=buy")) == 7  # priority 5 first
    rules = [rule for rule in RULES if rule.pk != 7]
    assert _answer(AutoReplyEvent("postback", data="action=buy"), rules=rules) == 6
    assert _answer(AutoReplyEvent("postback", data="action=cancel"), rules=rules) is None


def test_rules_that_are_off_never_answer():
    rules = [_rule(1, "fallback", enabled=False), _rule(2, "fallback", priority=99)]
    assert _answer(AutoReplyEvent("message", text="x"), rules=rules) == 2
    assert _answer(AutoReplyEvent("follow"), rules=rules) is None


def test_equal_priorities_answer_with_the_older_rule():
    rules = [_rule(5, "fallback"), _rule(3, "fallback")]
    assert _answer(AutoReplyEvent("message", text="x"), rules=rules) == 3


@pytest.mark.parametrize(
    ("match", "keyword", "text", "expected"),
    [
        ("exact", "sale", "\uff33\uff21\uff2c\uff25", True),  # "SALE" full-width
        ("exact", "sale", " Sale ", True),
        ("exact", "sale", "sale now", False),
        ("contains", "sale", "big \uff33\uff41\uff2c\uff45 today", True),
        ("contains", "ｶﾀｶﾅ", "カタカナです", True),  # half-width katakana
        ("contains", "予約", "明日の予約を変更したい", True),
        ("contains", "จอง", "ต้องการจองโต๊ะค่ะ", True),  # Thai, no spaces between words
        ("exact", "สวัสดี", "สวัสดี", True),
        ("contains", "จอง", "สวัสดีค่ะ", False),
        ("regex", r"^(hi|hello)\b", "Hello there", True),
        ("regex", r"予約\d+", "予約１２", True),  # full-width digits normalised
        ("regex", r"^(hi|hello)\b", "oh hello", False),
    ],
)
def test_keyword_matching(match, keyword, text, expected):
    assert text_matches(match, [keyword], text) is expected


@pytest.mark.parametrize(
    ("pattern", "refused"),
    [
        (r"order\s*#?\d+", False),
        (r"(ab|cd)\d", False),
        (r"(a+)+b", True),  # nested repeat: exponential
        (r"(ab|a)*c", True),  # alternatives in a repeat
        (r".*a.*a.*b", True),  # three wide repeats: polynomial blow-up
        (r"(a)\1", True),  # back reference
        ("(", True),  # malformed
        ("a" * 101, True),  # too long
    ],
)
def test_slow_or_malformed_regexes_are_refused(pattern, refused):
    assert bool(regex_error(pattern)) is refused


# Tokyo (UTC+9): Monday 09:00-18:00, Saturday 10:00-24:00; closed on 2026-12-28 (a Monday).
WINDOWS = [Window(0, minutes("09:00"), minutes("18:00")), Window(5, 600, 24 * 60)]
CLOSED = [date(2026, 12, 28)]


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2026, 12, 7, 0, 0, tzinfo=UTC), True),  # Monday 09:00 in Tokyo
        (datetime(2026, 12, 6, 23, 59, tzinfo=UTC), False),  # Monday 08:59 in Tokyo
        (datetime(2026, 12, 7, 9, 0, tzinfo=UTC), False),  # Monday 18:00: closed at the end
        (datetime(2026, 12, 12, 14, 59, tzinfo=UTC), True),  # Saturday 23:59
        (datetime(2026, 12, 12, 15, 0, tzinfo=UTC), False),  # Sunday 00:00
        (datetime(2026, 12, 28, 1, 0, tzinfo=UTC), False),  # Monday 10:00, a closed date
    ],
)
def test_business_hours_in_the_oas_time_zone(utc, expected):
    assert (
        hours_open(windows=WINDOWS, closed_dates=CLOSED, time_zone="Asia/Tokyo", moment=utc)
        is expected
    )


def test_no_business_hours_means_always_open():
    moment = datetime(2026, 12, 12, 15, 0, tzinfo=UTC)
    assert hours_open(windows=[], closed_dates=CLOSED, time_zone="Asia/Tokyo", moment=moment)
