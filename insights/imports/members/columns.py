"""What a member data file's columns can become (the key, built-in friend fields, typed
attributes) and how each cell of them is read."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from insights.imports.reports.spec import normalise_header
from segments.models import AttributeDefinition

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


KEYS = ("line_user_id", "member_id")
# Friend fields a column may fill, with their longest value.
FRIEND_FIELDS = {
    "member_id": 128,
    "gender": 10,
    "birthday": 10,
    "region": 32,
    "member_tier": 64,
    "add_source": 64,
}
BUILTIN_LABELS = {
    "line_user_id": gettext_lazy("LINE user ID"),
    "member_id": gettext_lazy("Member ID"),
    "gender": gettext_lazy("Gender"),
    "birthday": gettext_lazy("Birthday (for age)"),
    "region": gettext_lazy("Region"),
    "member_tier": gettext_lazy("Member tier"),
    "add_source": gettext_lazy("Add-friend source"),
}
BUILTIN_ALIASES = {
    "line_user_id": ["line user id", "user id", "userid", "line_user_id", "lineuserid", "uid"],
    "member_id": ["member id", "memberid", "member_id", "customer id", "会員id", "会員番号"],
    "gender": ["gender", "sex", "性別"],
    "birthday": ["birthday", "birth date", "date of birth", "dob", "誕生日", "生年月日"],
    "region": ["region", "area", "prefecture", "地域", "都道府県"],
    "member_tier": ["member tier", "tier", "rank", "membership", "会員ランク", "ランク"],
    "add_source": ["add source", "source", "campaign", "流入経路", "友だち追加経路"],
}
ALIAS_INDEX = {
    normalise_header(alias): name
    for name, aliases in BUILTIN_ALIASES.items()
    for alias in (name, *aliases)
}
GENDERS = {
    "female": "female",
    "f": "female",
    "woman": "female",
    "女性": "female",
    "女": "female",
    "male": "male",
    "m": "male",
    "man": "male",
    "男性": "male",
    "男": "male",
    "other": "other",
    "その他": "other",
}
TRUE, FALSE = {"true", "yes", "y", "1", "はい"}, {"false", "no", "n", "0", "いいえ"}
DATE_FORMATS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
ATTRIBUTE = re.compile(r"^attribute:(text|number|date|boolean):([a-z0-9][a-z0-9_]{0,39})$")
MAX_NUMBER = Decimal("1e14")
ID_MAX = {"line_user_id": 64, "member_id": 128}


def parse_date(raw: str) -> date | None:
    for pattern in DATE_FORMATS:
        match = pattern.match(raw)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


def attribute_key(header: str) -> str:
    """The custom attribute a column becomes by default: its header as a slug."""
    key = slugify(unicodedata.normalize("NFKC", header)).replace("-", "_")[:40].strip("_")
    return key or "column"


def attribute_target(kind: str, key: str) -> str:
    return f"attribute:{kind}:{key}"


def infer_type(values: list[str]) -> str:
    """The type a new attribute gets by default, from the preview's cells."""
    present = [v.strip() for v in values if v.strip()]
    if not present:
        return AttributeDefinition.Type.TEXT
    if all(v.lower() in TRUE | FALSE for v in present):
        return AttributeDefinition.Type.BOOLEAN
    if all(parse_date(v) for v in present):
        return AttributeDefinition.Type.DATE
    try:
        for value in present:
            Decimal(value.replace(",", ""))
        return AttributeDefinition.Type.NUMBER
    except InvalidOperation:
        return AttributeDefinition.Type.TEXT


# Cell parsers: raw text (stripped, not blank) -> (JSON fragment, error code).
Parser = Callable[[str], tuple[str, str]]


def _text(limit: int) -> Parser:
    def parse(raw: str) -> tuple[str, str]:
        if len(raw) > limit:
            return "", "too_long"
        return json.dumps(raw, ensure_ascii=False), ""

    return parse


def _gender(raw: str) -> tuple[str, str]:
    value = GENDERS.get(raw.lower())
    return (json.dumps(value), "") if value else ("", "not_a_gender")


def _birthday(today: date) -> Parser:
    def parse(raw: str) -> tuple[str, str]:
        day = parse_date(raw)
        if day is None or day > today:
            return "", "not_a_past_date"
        return json.dumps(day.isoformat()), ""

    return parse


def _number(raw: str) -> tuple[str, str]:
    try:
        number = Decimal(raw.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        return "", "not_a_number"
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        return "", "not_a_number"
    return json.dumps(str(number)), ""


def _date(raw: str) -> tuple[str, str]:
    day = parse_date(raw)
    return (json.dumps(day.isoformat()), "") if day else ("", "not_a_date")


def _boolean(raw: str) -> tuple[str, str]:
    lowered = raw.lower()
    if lowered in TRUE | FALSE:
        return ("true" if lowered in TRUE else "false"), ""
    return "", "not_yes_no"


def parser_for(target: str, today: date) -> Parser:
    if target == "gender":
        return _gender
    if target == "birthday":
        return _birthday(today)
    if target in FRIEND_FIELDS:
        return _text(FRIEND_FIELDS[target])
    kind = ATTRIBUTE.match(target).group(1)
    return {"number": _number, "date": _date, "boolean": _boolean}.get(kind, _text(500))


def parse_column(raw: pd.Series, parse: Parser) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(JSON fragment or "" for blank, error code or "", cleaned text) per cell; each distinct
    value is parsed once (a column of tiers or regions has a handful)."""
    import numpy as np
    import pandas as pd

    text = raw.astype(str)
    if not "".join(text.tolist()).isascii():
        text = text.str.normalize("NFKC")
    text = text.str.strip()
    codes, uniques = pd.factorize(text, sort=False)
    parsed = [parse(value) if value else ("", "") for value in uniques]
    fragments = np.array([p[0] for p in parsed] + [""], dtype=object)[codes]
    errors = np.array([p[1] for p in parsed] + [""], dtype=object)[codes]
    return fragments, errors, text.to_numpy(dtype=object)
