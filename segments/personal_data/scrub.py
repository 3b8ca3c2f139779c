"""Replacing a person's identifiers inside stored text and JSON, for every app's provider.

Rows that are about someone else (a group message mentioning the friend, another member's
audit entry) keep their content; only the identifier in them is replaced by the pseudonym.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Model, QuerySet, TextField
from django.db.models.functions import Cast


def replace_in(value: Any, replacements: dict[str, str]) -> Any:
    """``value`` (JSON: dicts, lists, strings) with each key of ``replacements`` replaced
    wherever it occurs in a string, dictionary keys included."""
    if isinstance(value, str):
        for needle, substitute in replacements.items():
            if needle:
                value = value.replace(needle, substitute)
        return value
    if isinstance(value, list):
        return [replace_in(item, replacements) for item in value]
    if isinstance(value, dict):
        return {
            replace_in(key, replacements): replace_in(item, replacements)
            for key, item in value.items()
        }
    return value


def replace_in_json_text(raw: str, replacements: dict[str, str]) -> str:
    """A JSON document stored as text: replaced value by value when it parses, so escapes
    (``\\u0055...``) cannot hide an id; as plain text otherwise."""
    try:
        parsed = json.loads(raw)
    except ValueError:
        return replace_in(raw, replacements)
    return json.dumps(replace_in(parsed, replacements), ensure_ascii=False, separators=(",", ":"))


def rows_mentioning(queryset: QuerySet, field: str, needle: str) -> QuerySet:
    """Rows whose ``field`` (text or JSON) contains ``needle``: JSON is compared as its text,
    which works alike on PostgreSQL and SQLite."""
    return queryset.annotate(_as_text=Cast(field, TextField())).filter(_as_text__contains=needle)


def scrub_rows(
    queryset: QuerySet, fields: list[str], replacements: dict[str, str], *, needle: str
) -> int:
    """Replace ``replacements`` in ``fields`` of every row mentioning ``needle``; returns the
    number of rows changed."""
    changed = 0
    model: type[Model] = queryset.model
    for field in fields:
        for row in rows_mentioning(queryset, field, needle).only("pk", field):
            before = getattr(row, field)
            after = replace_in(before, replacements)
            if after != before:
                model._base_manager.filter(pk=row.pk).update(**{field: after})
                changed += 1
    return changed
