"""Member data import: a CSV keyed by LINE user id or member id that fills first-party data
(member id, gender, birthday, region, member tier, add-friend source) and custom typed
attributes.

Columns are matched by header (English and Japanese aliases); any other column becomes a custom
attribute named after its header, typed by its values (number, date, yes/no, else text) unless
the OA already defined it, whose type then rules. Ids that match no friend are reported, never
created: only LINE creates friends. A file is applied whole or not at all: one bad cell rejects
the file with every problem listed (row, column, reason), so nothing is half-imported.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from oa_console.models import LineAccount
from segments.models import AttributeDefinition, Friend, FriendAttribute

MAX_BYTES = 20 * 1024 * 1024
MAX_ERRORS = 50
MAX_UNKNOWN_LISTED = 20
BUILTIN_ALIASES = {
    "line_user_id": ["line user id", "user id", "userid", "line_user_id", "lineuserid", "uid"],
    "member_id": ["member id", "memberid", "member_id", "customer id", "会員id", "会員番号"],
    "gender": ["gender", "sex", "性別"],
    "birthday": ["birthday", "birth date", "date of birth", "dob", "誕生日", "生年月日"],
    "region": ["region", "area", "prefecture", "地域", "都道府県"],
    "member_tier": ["member tier", "tier", "rank", "membership", "会員ランク", "ランク"],
    "add_source": ["add source", "source", "campaign", "流入経路", "友だち追加経路"],
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


class MemberImportError(ValueError):
    """The file cannot be imported; ``errors`` lists (row, column, reason) when rows are at fault."""

    def __init__(self, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.errors = errors or []


@dataclass
class MemberImportResult:
    key: str
    rows: int = 0
    updated: int = 0
    unknown: int = 0
    unknown_ids: list[str] = field(default_factory=list)
    attributes_created: list[tuple[str, str]] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # header -> target


def _normalise(label: str) -> str:
    text = unicodedata.normalize("NFKC", label).strip().lower()
    return re.sub(r"[\s_\-./()]+", " ", text).strip()


def decode_text(content: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "cp932"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text
    raise MemberImportError(_("The file is not UTF-8, UTF-16 or Shift_JIS text."))


def parse_date(raw: str) -> date | None:
    for pattern in DATE_FORMATS:
        match = pattern.match(raw)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


def _infer_type(values: list[str]) -> str:
    present = [v for v in values if v]
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


def _typed(kind: str, raw: str):
    """(value, error) for one cell of a custom attribute."""
    if kind == AttributeDefinition.Type.NUMBER:
        try:
            number = Decimal(raw.replace(",", ""))
            if not number.is_finite() or abs(number) >= Decimal("1e14"):
                raise InvalidOperation
            return {"value_number": number}, ""
        except InvalidOperation:
            return None, _("not a number")
    if kind == AttributeDefinition.Type.DATE:
        day = parse_date(raw)
        return ({"value_date": day}, "") if day else (None, _("not a date (YYYY-MM-DD)"))
    if kind == AttributeDefinition.Type.BOOLEAN:
        if raw.lower() in TRUE | FALSE:
            return {"value_bool": raw.lower() in TRUE}, ""
        return None, _("not yes/no")
    return {"value_text": raw[:500]}, ""


def member_import(*, account: LineAccount, content: bytes) -> MemberImportResult:
    """Read, check and apply one file (see the module docstring)."""
    if len(content) > MAX_BYTES:
        raise MemberImportError(_("The file is larger than 20 MB."))
    reader = csv.reader(io.StringIO(decode_text(content)))
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise MemberImportError(_("The file is empty.")) from exc
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        raise MemberImportError(_("The file has a header but no rows."))

    alias_to_field = {
        _normalise(a): name for name, aliases in BUILTIN_ALIASES.items() for a in aliases
    }
    targets: dict[int, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        builtin = alias_to_field.get(_normalise(header))
        if builtin and builtin not in targets.values():
            targets[index] = builtin
        else:
            key = slugify(header).replace("-", "_")[:40] or f"column_{index + 1}"
            targets[index] = f"attribute.{key}"
    key = (
        "line_user_id"
        if "line_user_id" in targets.values()
        else ("member_id" if "member_id" in targets.values() else "")
    )
    if not key:
        raise MemberImportError(
            _("Add a column with the LINE user ID or the member ID of each friend.")
        )
    key_index = next(i for i, target in targets.items() if target == key)

    definitions = {d.key: d for d in AttributeDefinition.unscoped.filter(account=account)}
    new_types: dict[str, str] = {}
    for index, target in targets.items():
        if target.startswith("attribute."):
            attr_key = target.split(".", 1)[1]
            if attr_key not in definitions:
                new_types[attr_key] = _infer_type(
                    [row[index].strip() if index < len(row) else "" for row in rows]
                )

    result = MemberImportResult(key=key, rows=len(rows))
    result.columns = {headers[i]: t for i, t in targets.items()}
    errors: list[dict] = []
    parsed: list[tuple[str, dict, dict]] = []  # key value, friend fields, attribute values
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        cells = [value.strip() for value in row] + [""] * (len(headers) - len(row))
        id_value = cells[key_index]
        if not id_value:
            errors.append({"row": number, "column": headers[key_index], "reason": _("empty id")})
            continue
        if id_value in seen:
            errors.append(
                {
                    "row": number,
                    "column": headers[key_index],
                    "reason": _("same id as row %(row)s") % {"row": seen[id_value]},
                }
            )
            continue
        seen[id_value] = number
        fields: dict = {}
        attributes: dict = {}
        for index, target in targets.items():
            raw = cells[index]
            if index == key_index or not raw:
                continue
            if target == "gender":
                value = GENDERS.get(raw.lower())
                if value is None:
                    errors.append(
                        {
                            "row": number,
                            "column": headers[index],
                            "reason": _("not a gender (female, male, other)"),
                        }
                    )
                fields["gender"] = value
            elif target == "birthday":
                day = parse_date(raw)
                if day is None or day > timezone.localdate():
                    errors.append(
                        {
                            "row": number,
                            "column": headers[index],
                            "reason": _("not a past date (YYYY-MM-DD)"),
                        }
                    )
                fields["birthday"] = day
            elif target in ("region", "member_tier", "add_source", "member_id", "line_user_id"):
                fields[target] = raw[: 128 if target == "member_id" else 64]
            else:
                attr_key = target.split(".", 1)[1]
                kind = (
                    definitions[attr_key].type if attr_key in definitions else new_types[attr_key]
                )
                value, problem = _typed(kind, raw)
                if problem:
                    errors.append({"row": number, "column": headers[index], "reason": problem})
                attributes[attr_key] = value
        parsed.append((id_value, fields, attributes))
    if errors:
        raise MemberImportError(
            _("%(count)s problem(s) in the file; nothing was imported.") % {"count": len(errors)},
            errors[:MAX_ERRORS],
        )
    _apply(account, key, parsed, definitions, new_types, result)
    return result


@transaction.atomic
def _apply(account, key, parsed, definitions, new_types, result: MemberImportResult) -> None:
    from segments.tag_rules import tag_rules_apply_to_sources

    for attr_key, kind in new_types.items():
        definitions[attr_key] = AttributeDefinition.unscoped.create(
            account=account, key=attr_key, label=attr_key.replace("_", " ").capitalize(), type=kind
        )
        result.attributes_created.append((attr_key, kind))
    ids = [item[0] for item in parsed]
    friends: dict[str, Friend] = {}
    for start in range(0, len(ids), 1000):
        for friend in Friend.unscoped.filter(
            account=account, **{f"{key}__in": ids[start : start + 1000]}
        ):
            friends[getattr(friend, key)] = friend
    now = timezone.now()
    changed_fields: set[str] = set()
    to_update: list[Friend] = []
    attribute_rows: list[FriendAttribute] = []
    sourced: list[int] = []
    for id_value, fields, attributes in parsed:
        friend = friends.get(id_value)
        if friend is None:
            result.unknown += 1
            if len(result.unknown_ids) < MAX_UNKNOWN_LISTED:
                result.unknown_ids.append(id_value)
            continue
        fields.pop("line_user_id", None)  # never re-key a friend from a file
        for name, value in fields.items():
            setattr(friend, name, value)
            changed_fields.add(name)
        friend.updated_at = now
        if fields.get("add_source"):
            sourced.append(friend.pk)
        to_update.append(friend)
        for attr_key, value in attributes.items():
            attribute_rows.append(
                FriendAttribute(
                    account=account, friend=friend, definition=definitions[attr_key], **value
                )
            )
    if "member_id" in changed_fields:
        # Member ids move between friends in one file: clear the ones being reassigned first.
        moving = [f.member_id for f in to_update if f.member_id]
        Friend.unscoped.filter(account=account, member_id__in=moving).exclude(
            pk__in=[f.pk for f in to_update]
        ).update(member_id="")
    if changed_fields:
        Friend.unscoped.bulk_update(
            to_update, sorted(changed_fields | {"updated_at"}), batch_size=500
        )
    FriendAttribute.unscoped.bulk_create(
        attribute_rows,
        update_conflicts=True,
        unique_fields=["friend", "definition"],
        update_fields=["value_text", "value_number", "value_date", "value_bool", "updated_at"],
        batch_size=500,
    )
    result.updated = len(to_update)
    if sourced:
        tag_rules_apply_to_sources(account=account, friend_ids=sourced)
