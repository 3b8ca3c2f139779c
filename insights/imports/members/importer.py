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
from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insights.imports.detection import Detection
from insights.imports.kinds import ApplyResult, ImportKind
from insights.imports.members.apply import members_apply
from insights.imports.members.attributes import (
    attribute_definitions,
    attribute_definitions_ensure,
)
from insights.imports.members.columns import (
    ALIAS_INDEX,
    ATTRIBUTE,
    BUILTIN_ALIASES,
    BUILTIN_LABELS,
    FRIEND_FIELDS,
    ID_MAX,
    KEYS,
    attribute_key,
    attribute_target,
    parse_column,
    parser_for,
)
from insights.imports.reports.spec import normalise_header
from segments.services.tag_rule_reactions import tag_rules_apply_to_sources

if TYPE_CHECKING:
    import numpy as np

    from insights.imports.normalise import NormalisedChunk


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
        definitions = attribute_definitions(account)
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
        from insights.imports.members.forms import MemberMappingForm

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

        from insights.imports.normalise import NormalisedChunk

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
            fragments, codes, text = parse_column(chunk[column], parse)
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
        definitions = attribute_definitions_ensure(job.account, detection.mapping.values())
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
