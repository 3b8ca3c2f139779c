"""Member data import, a type of the Imports page: a CSV keyed by LINE user id or member id that
fills first-party data (member id, gender, birthday, region, member tier, add-friend source)
and custom typed attributes (text, number, date, yes/no).

The Imports pipeline stores the upload, streams it in chunks on a Celery worker and reports
progress; this module says what a member file means. The mapping is always confirmed by the
user the first time a header is seen (the key, and what each column becomes, including new
typed attributes), then remembered for that header. Ids that match no friend are counted and
listed for download, never created: only LINE creates friends. A blank cell leaves the value as
it was. Every bad cell is reported by row and column; the file is saved whole or not at all
(or without the bad rows when "skip bad rows" is chosen).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insights.services.detection import Detection
from insights.services.kinds import ApplyResult, ImportKind
from insights.services.parsing import ImportFileError
from insights.services.reports import normalise_header
from segments.member_apply import members_apply
from segments.models import AttributeDefinition

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from insights.services.normalise import NormalisedChunk

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


def _parse_column(raw: pd.Series, parse: Parser) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
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


class MemberDataContext:
    def __init__(self, *, key: str, mapping: dict[str, str], today: date) -> None:
        self.key = key
        self.key_column = next(column for column, target in mapping.items() if target == key)
        self.columns = {
            column: (target, parser_for(target, today))
            for column, target in mapping.items()
            if target != key
        }
        # A member id given to two friends of one file: the second is refused, whichever chunk
        # it is in (the key column's repeats are found by the stage).
        self.member_id_column = next(
            (column for column, (target, _p) in self.columns.items() if target == "member_id"), ""
        )
        self.member_ids: dict[str, int] = {}


class MemberDataKind(ImportKind):
    type = "members"
    label = gettext_lazy("Member data")
    description = gettext_lazy(
        "Your own data about friends, one row per friend keyed by LINE user ID or member ID: "
        "member ID, gender, birthday, region, member tier, add-friend source and custom "
        "attributes (text, number, date, yes/no). Unknown IDs are listed, never created."
    )
    auto_detect = False  # the key and new attributes are always confirmed by the user
    delete_removes_data = False

    def labels(self) -> set[str]:
        return set(ALIAS_INDEX)

    def guess(self, headers, *, account):
        """Built-in fields by alias, then attributes the OA already has by key."""
        definitions = _definitions(account)
        mapping: dict[str, str] = {}
        for header in headers:
            target = ALIAS_INDEX.get(normalise_header(header))
            if target is None and attribute_key(header) in definitions:
                definition = definitions[attribute_key(header)]
                target = attribute_target(definition.type, definition.key)
            if target and target not in mapping.values():
                mapping[header] = target
        key = next((k for k in KEYS if k in mapping.values()), "")
        return Detection(
            report=self.type,
            mapping=mapping,
            ignored=[h for h in headers if h not in mapping],
            missing=[] if key else ["key"],
        )

    def check_mapping(self, headers, mapping, options, *, account):
        key = options.get("key", "")
        clean: dict[str, str] = {}
        for header in headers:
            target = mapping.get(header, "")
            valid = target in KEYS or target in FRIEND_FIELDS or ATTRIBUTE.match(target)
            # Matching by member id, a LINE user id column would re-key friends: not allowed.
            if key == "member_id" and target == "line_user_id":
                valid = False
            if valid and target not in clean.values():
                clean[header] = target
        missing = []
        if key not in KEYS:
            missing.append("key")
        elif key not in clean.values():
            missing.append(key)
        return Detection(
            report=self.type,
            mapping=clean,
            ignored=[h for h in headers if h not in clean],
            missing=missing,
        )

    def missing_labels(self, missing):
        names = {"key": _("the ID that matches friends"), **BUILTIN_LABELS}
        return ", ".join(str(names.get(name, name)) for name in missing)

    def mapping_form(self, *, job, data, initial_mapping, initial_options):
        from segments.forms import MemberMappingForm

        return MemberMappingForm(
            data, job=job, initial_mapping=initial_mapping, initial_options=initial_options
        )

    def context(self, *, job, detection):
        return MemberDataContext(
            key=job.options["key"],
            mapping=detection.mapping,
            today=timezone.localdate(timezone=_zone(job.account)),
        )

    def normalise(self, chunk, *, first_row, ctx: MemberDataContext) -> NormalisedChunk:
        # numpy and pandas are imported when a file is read, not when Django starts: this kind is
        # registered at boot by every process, including workers that only send broadcasts.
        import numpy as np
        import pandas as pd

        from insights.services.normalise import NormalisedChunk

        n = len(chunk)
        rows = np.arange(first_row, first_row + n)
        errors: list[dict] = []
        bad = np.zeros(n, dtype=bool)

        def report(column: str, codes: np.ndarray, text: np.ndarray) -> None:
            nonlocal bad
            mask = codes != ""
            bad |= mask
            for i in np.flatnonzero(mask):
                errors.append(
                    {"row": int(rows[i]), "column": column, "code": codes[i], "value": text[i][:80]}
                )

        keys = chunk[ctx.key_column].astype(str).str.strip().to_numpy(dtype=object)
        key_codes = np.where(keys == "", "missing", "").astype(object)
        too_long = np.array([len(k) > ID_MAX[ctx.key] for k in keys], dtype=bool)
        key_codes[too_long & (key_codes == "")] = "too_long"
        report(ctx.key_column, key_codes, keys)

        values = np.full(n, "", dtype=object)
        for column, (target, parse) in ctx.columns.items():
            fragments, codes, text = _parse_column(chunk[column], parse)
            report(column, codes, text)
            if column == ctx.member_id_column:
                _repeated_member_ids(ctx, column, text, rows, codes, errors)
                bad |= codes != ""
            present = fragments != ""
            piece = np.where(present, json.dumps(target) + ":" + fragments, "")
            joiner = np.where((values != "") & present, ",", "")
            values = values + joiner + piece
        frame = pd.DataFrame(
            {
                "row": rows,
                "key": keys,
                "date": np.full(n, "", dtype=object),
                "values": "{" + values + "}",
            }
        )
        errors.sort(key=lambda e: e["row"])
        return NormalisedChunk(frame=frame[~bad], errors=errors, rejected_rows=int(bad.sum()))

    def key_column(self, detection):
        return next((column for column, target in detection.mapping.items() if target in KEYS), "")

    def doc(self):
        rows = "\n".join(
            f"| `{name}` | {BUILTIN_LABELS[name]} | {', '.join(f'`{a}`' for a in aliases)} |"
            for name, aliases in BUILTIN_ALIASES.items()
        )
        return MEMBER_DOC.format(label=self.label, type=self.type, rows=rows)

    def apply(self, *, stage, job, detection):
        key = job.options["key"]
        definitions = _ensure_definitions(job.account, detection.mapping.values())
        result = ApplyResult(unknown_column=self.key_column(detection))
        sourced = members_apply(
            account=job.account,
            key=key,
            stage=stage,
            targets=list(detection.mapping.values()),
            definitions=definitions,
            result=result,
        )
        if sourced:
            from segments.tag_rule_reactions import tag_rules_apply_to_sources

            tag_rules_apply_to_sources(account=job.account, friend_ids=sourced)
        return result


def _repeated_member_ids(ctx, column, text, rows, codes, errors) -> None:
    for i, member_id in enumerate(text):
        if not member_id or codes[i]:
            continue
        first = ctx.member_ids.setdefault(member_id, int(rows[i]))
        if first != rows[i]:
            codes[i] = "duplicate"
            errors.append(
                {
                    "row": int(rows[i]),
                    "column": column,
                    "code": "duplicate",
                    "first_row": first,
                    "value": member_id[:80],
                }
            )


def _zone(account):
    from zoneinfo import ZoneInfo

    return ZoneInfo(account.time_zone or "UTC")


def _definitions(account) -> dict[str, AttributeDefinition]:
    return {d.key: d for d in AttributeDefinition.unscoped.filter(account=account)}


def _ensure_definitions(account, targets) -> dict[str, AttributeDefinition]:
    """The definitions the mapping names, created when new. A definition made with another type
    since the mapping was confirmed stops the file (its values would be read wrongly)."""
    definitions = _definitions(account)
    for target in targets:
        match = ATTRIBUTE.match(target)
        if not match:
            continue
        kind, key = match.groups()
        existing = definitions.get(key)
        if existing is None:
            definitions[key] = AttributeDefinition.unscoped.create(
                account=account, key=key, label=key.replace("_", " ").capitalize()[:80], type=kind
            )
        elif existing.type != kind:
            raise ImportFileError("attribute_type", key=key, type=existing.get_type_display())
    return definitions


def check_new_attributes(account, mapping: dict[str, str]) -> None:
    """The confirmation's check: a column may not give an existing attribute another type."""
    definitions = _definitions(account)
    for header, target in mapping.items():
        match = ATTRIBUTE.match(target)
        if match and match.group(2) in definitions:
            definition = definitions[match.group(2)]
            if definition.type != match.group(1):
                raise ValidationError(
                    _("Column “%(column)s”: the attribute “%(key)s” already exists as %(type)s.")
                    % {
                        "column": header,
                        "key": definition.key,
                        "type": definition.get_type_display(),
                    }
                )


MEMBER_DOC = """\
## {label} (`{type}`)

One row per friend, keyed by **LINE user ID** or **member ID** (the mapping step asks which).
Choose **Member data** when uploading (Friends → “Import member data” opens the page with it
chosen; the old address `friends/import/` does too): member data is never detected from the
header alone. The first upload of a header opens the **mapping step**: the key, then for each
column a built-in field, an attribute the OA already has, or a **new custom attribute** named
after the column with a type (text, number, date, yes/no) guessed from the preview and
changeable; a preview of the first rows is shown. The confirmed mapping is remembered for
files with the same header.

- Ids that match no friend are **counted and listed** (download “rows whose ID matched no
  friend” on the import's page); friends are never created, only LINE creates them.
- A **blank cell** leaves the friend's value as it was. With the key LINE user ID, a member ID
  column ties member IDs to LINE user IDs (a member ID given to another friend moves); matched
  by member ID, a file cannot set LINE user IDs.
- Values are checked per cell and reported by row and column: gender (`female`, `male`,
  `other`, also `f`/`m`, 女性/男性), birthday a past date (`YYYY-MM-DD`, `YYYY/MM/DD`,
  `YYYYMMDD`; segments derive the age), numbers (thousands separators allowed), dates, yes/no
  (`yes`/`no`, `true`/`false`, `1`/`0`, はい/いいえ), text at most 500 characters. A repeated id is
  rejected like a repeated date. Any problem stops the file unless **skip bad rows** is chosen.
- Re-importing is idempotent: friends whose values do not change count as *unchanged*. An
  attribute given another type after the mapping was confirmed stops the file.
- Deleting the import removes it from the history; the data it saved stays.

| Field | Meaning | Header aliases |
|---|---|---|
{rows}
"""
