"""The vocabulary of the report catalogue: column kinds, report types, field and report specs,
and how headers are compared.

Headers are compared after ``normalise_header``: Unicode NFKC, lower case, and spaces,
underscores, hyphens, dots, slashes and brackets removed, so ``Target reaches``,
``targetReaches`` and ``TARGET_REACHES`` are the same label.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
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
