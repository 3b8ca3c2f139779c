"""The catalogue of segment fields: operators per field and the JSON value each operator takes.

Validation, the JSON Schema, the builder page and docs/segments.md all read this catalogue, so a
field added here is documented, validated and offered in the builder at once.

Apps above segments contribute fields about what they own (broadcasts: "received a broadcast",
"clicked a broadcast link") with ``register_field`` in their ``AppConfig.ready()``: the field's
spec joins the catalogue at its place, and its filter joins the compiler, so segments never
imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from oa_console.models import LineAccount

MAX_DEPTH = 10
MAX_LIST = 500
# A whole tree compiles to one SQL query: its conditions and listed values must stay well under
# SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per query.
MAX_CONDITIONS = 100
MAX_VALUES = 5_000
ATTRIBUTE_PREFIX = "attribute."
# Event property keys become ORM key lookups: keep them to plain identifiers (no "__").
PROPERTY_KEY_PATTERN = r"^[A-Za-z](?:_?[A-Za-z0-9]){0,62}$"
# Years 1900 to 2999: a date the compiler turns into the start of a day in the OA's time zone,
# and the day after it, always stays inside what Python's datetime and the database can hold.
DATE_PATTERN = r"^(?:19\d{2}|2\d{3})-\d{2}-\d{2}$"
DATE_MIN = "1900-01-01"
DATE_MAX = "2999-12-31"
# Ids are 64-bit database keys; a larger integer cannot even be sent to the database.
MAX_ID = 2**63 - 1
# Custom number attributes are stored as DECIMAL(20, 6): at most 14 digits before the point.
NUMBER_LIMIT = 99_999_999_999_999

STATUSES = ["following", "blocked"]
GENDERS = ["female", "male", "other"]
RFM_CELLS = [
    "champions",
    "loyal",
    "potential_loyalists",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cannot_lose",
    "hibernating",
    "lost",
]

# Value schemas (JSON Schema fragments), by the name the catalogue uses for them.
DAYS = {"type": "integer", "minimum": 0, "maximum": 36500}
# Whole years: a birthday more than 150 years back is no one's (and year 1 is datetime's floor).
AGE = {"type": "integer", "minimum": 0, "maximum": 150}
COUNT = {"type": "integer", "minimum": 0, "maximum": 100_000_000}
NUMBER = {"type": "number", "minimum": -NUMBER_LIMIT, "maximum": NUMBER_LIMIT}
TEXT = {"type": "string", "minLength": 1, "maxLength": 500}
DATE = {"type": "string", "pattern": DATE_PATTERN, "format": "date"}
BOOLEAN = {"type": "boolean"}
TAG_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _list(item: dict) -> dict:
    return {"type": "array", "items": item, "minItems": 1, "maxItems": MAX_LIST}


def _pair(item: dict) -> dict:
    return {"type": "array", "prefixItems": [item, item], "minItems": 2, "maxItems": 2}


def _enum(values: list[str]) -> dict:
    return {"type": "string", "enum": values}


EVENT = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 64},
        "within_days": {"type": "integer", "minimum": 1, "maximum": 36500},
        "min_count": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
        "where": {
            "type": "object",
            "propertyNames": {"pattern": PROPERTY_KEY_PATTERN},
            "additionalProperties": {
                "anyOf": [
                    {"type": "string", "maxLength": 500},
                    {"type": "number", "minimum": -NUMBER_LIMIT, "maximum": NUMBER_LIMIT},
                    {"type": "boolean"},
                ]
            },
            "maxProperties": 10,
        },
    },
    "required": ["name"],
    "additionalProperties": False,
}
SCORE_RANGE = {
    "type": "array",
    "prefixItems": [
        {"type": "integer", "minimum": 1, "maximum": 5},
        {"type": "integer", "minimum": 1, "maximum": 5},
    ],
    "minItems": 2,
    "maxItems": 2,
}
RFM_SCORES = {
    "type": "object",
    "properties": {"r": SCORE_RANGE, "f": SCORE_RANGE, "m": SCORE_RANGE},
    "minProperties": 1,
    "additionalProperties": False,
}


def _numeric_ops(value: dict) -> dict[str, dict]:
    return {
        "eq": value,
        "ne": value,
        "gt": value,
        "gte": value,
        "lt": value,
        "lte": value,
        "between": _pair(value),
    }


def _choice_ops(value: dict) -> dict[str, dict]:
    return {"eq": value, "ne": value, "in": _list(value), "is_set": BOOLEAN}


@dataclass(frozen=True)
class FieldSpec:
    """One field of the rules language.

    ``ops`` maps each operator to the JSON Schema of its value; ``kind`` tells the builder which
    input to show (and the docs how to describe the value).
    """

    name: str
    label: str
    help: str
    kind: str
    ops: dict[str, dict] = field(default_factory=dict)
    choices: tuple[str, ...] = ()


FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in [
        FieldSpec(
            "status",
            _("Status"),
            _("Following, or blocked the OA."),
            "choice",
            {"eq": _enum(STATUSES), "ne": _enum(STATUSES), "in": _list(_enum(STATUSES))},
            tuple(STATUSES),
        ),
        FieldSpec(
            "friendship_days",
            _("Days since first follow"),
            _("Whole days since the friend first followed the OA."),
            "days",
            {**_numeric_ops(DAYS), "is_set": BOOLEAN},
        ),
        FieldSpec(
            "followed_at",
            _("Followed"),
            _(
                "The latest follow (or unblock): within the last N days, more than N days ago, "
                "or by calendar date in the OA's time zone."
            ),
            "followed",
            {
                "within_days": DAYS,
                "more_than_days_ago": DAYS,
                "since": DATE,
                "before": DATE,
                "between": _pair(DATE),
                "is_set": BOOLEAN,
            },
        ),
        FieldSpec(
            "last_interaction_days",
            _("Days since last interaction"),
            _("Whole days since the friend's last message, postback or other interaction."),
            "days",
            {**_numeric_ops(DAYS), "is_set": BOOLEAN},
        ),
        FieldSpec(
            "message_count",
            _("Messages received"),
            _("How many messages the friend has sent the OA."),
            "count",
            _numeric_ops(COUNT),
        ),
        FieldSpec(
            "tag",
            _("Tag"),
            _("Tags by id (see GET /api/v1/accounts/<id>/tags/)."),
            "tag",
            {
                "has": TAG_ID,
                "has_any": _list(TAG_ID),
                "has_all": _list(TAG_ID),
                "has_none": _list(TAG_ID),
            },
        ),
        FieldSpec(
            "age",
            _("Age"),
            _("Age in whole years on the evaluation day, from the birthday."),
            "count",
            {**_numeric_ops(AGE), "is_set": BOOLEAN},
        ),
        FieldSpec(
            "gender",
            _("Gender"),
            _("From first-party data."),
            "choice",
            _choice_ops(_enum(GENDERS)),
            tuple(GENDERS),
        ),
        FieldSpec(
            "region",
            _("Region"),
            _(
                "The region as first-party data gives it, matched as written (for example LINE's area code)."
            ),
            "text",
            _choice_ops(TEXT),
        ),
        FieldSpec(
            "language",
            _("Language"),
            _("The LINE app language (from the profile)."),
            "text",
            _choice_ops(TEXT),
        ),
        FieldSpec(
            "member_tier", _("Member tier"), _("From first-party data."), "text", _choice_ops(TEXT)
        ),
        FieldSpec(
            "add_source",
            _("Add-friend source"),
            _("The campaign or route the friend came through."),
            "text",
            _choice_ops(TEXT),
        ),
        FieldSpec(
            "member_id",
            _("Member ID"),
            _("Whether the friend is linked to a member."),
            "flag",
            {"is_set": BOOLEAN},
        ),
        FieldSpec(
            "event",
            _("Custom event"),
            _(
                "Did (or did not) do an event, optionally with property values, within N days, "
                "at least K times."
            ),
            "event",
            {"did": EVENT, "did_not": EVENT},
        ),
        FieldSpec(
            "rfm",
            _("RFM"),
            _("Named cells of the latest RFM run, or score ranges (1 to 5)."),
            "rfm",
            {"in_cells": _list(_enum(RFM_CELLS)), "scores": RFM_SCORES},
            tuple(RFM_CELLS),
        ),
    ]
}

# The filter of a registered field: ``query(op, value, account=..., now=...)`` -> a Q on Friend.
FieldQuery = Callable[..., Q]
# Filters of the fields other apps registered, by field name (the compiler asks here first).
FIELD_QUERIES: dict[str, FieldQuery] = {}


def register_field(spec: FieldSpec, query: FieldQuery, *, after: str | None = None) -> None:
    """Add a field owned by another app: its spec (operators and value schemas) to ``FIELDS``,
    right after the field named ``after`` (the end when None), and its filter to the compiler.

    The place is part of the contract: the JSON Schema, the docs and the builder list fields in
    ``FIELDS`` order. Registering a name again replaces it (a re-run ``ready()`` is harmless).
    """
    entries = [(name, existing) for name, existing in FIELDS.items() if name != spec.name]
    at = next((i + 1 for i, (name, _spec) in enumerate(entries) if name == after), len(entries))
    entries.insert(at, (spec.name, spec))
    FIELDS.clear()
    FIELDS.update(entries)
    FIELD_QUERIES[spec.name] = query


def field_query(name: str, op: str, value, *, account: LineAccount, now: datetime) -> Q | None:
    """The registered filter of field ``name`` applied to one condition, None when no app
    registered that field (it is one of segments' own)."""
    query = FIELD_QUERIES.get(name)
    return None if query is None else query(op, value, account=account, now=now)


# Operators of custom attributes, by the attribute's type.
ATTRIBUTE_OPS: dict[str, dict[str, dict]] = {
    "text": {"eq": TEXT, "ne": TEXT, "in": _list(TEXT), "contains": TEXT, "is_set": BOOLEAN},
    "number": {**_numeric_ops(NUMBER), "in": _list(NUMBER), "is_set": BOOLEAN},
    "date": {**_numeric_ops(DATE), "is_set": BOOLEAN},
    "boolean": {"eq": BOOLEAN, "ne": BOOLEAN, "is_set": BOOLEAN},
}

OP_LABELS = {
    "eq": _("is"),
    "ne": _("is not"),
    "in": _("is one of"),
    "gt": _("more than"),
    "gte": _("at least"),
    "lt": _("less than"),
    "lte": _("at most"),
    "between": _("between"),
    "contains": _("contains"),
    "is_set": _("is known"),
    "within_days": _("within the last N days"),
    "more_than_days_ago": _("more than N days ago"),
    "since": _("on or after"),
    "before": _("before"),
    "has": _("has"),
    "has_any": _("has any of"),
    "has_all": _("has all of"),
    "has_none": _("has none of"),
    "did": _("did"),
    "did_not": _("did not do"),
    "in_cells": _("is in cells"),
    "scores": _("has scores"),
}

RFM_CELL_LABELS = {
    "champions": _("Champions"),
    "loyal": _("Loyal"),
    "potential_loyalists": _("Potential loyalists"),
    "new": _("New"),
    "promising": _("Promising"),
    "need_attention": _("Need attention"),
    "about_to_sleep": _("About to sleep"),
    "at_risk": _("At risk"),
    "cannot_lose": _("Cannot lose them"),
    "hibernating": _("Hibernating"),
    "lost": _("Lost"),
}
