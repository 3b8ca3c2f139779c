"""Conditions on an event's properties (triggers, wait-for-event nodes, the goal), evaluated
against the properties an activity carries.

A property the event lacks matches nothing but ``neq`` (exactly ``not eq``, as segments' rules
read ``ne``); comparisons take numbers and numeric strings ("1200" from a form), never booleans.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

_MISSING = object()


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _equal(actual, expected) -> bool:
    if actual == expected and type(actual) is type(expected):
        return True
    left, right = _number(actual), _number(expected)
    if left is not None and right is not None:
        return left == right
    return isinstance(actual, str) and isinstance(expected, str) and actual == expected


def condition_matches(condition: dict, properties: dict) -> bool:
    op = condition["op"]
    actual = properties.get(condition["property"], _MISSING)
    if op == "exists":
        return actual is not _MISSING and actual is not None
    expected = condition.get("value")
    if op == "neq":
        return actual is _MISSING or not _equal(actual, expected)
    if actual is _MISSING:
        return False
    if op == "eq":
        return _equal(actual, expected)
    if op == "in":
        return any(_equal(actual, item) for item in expected or [])
    if op == "contains":
        if isinstance(actual, list):
            return any(_equal(item, expected) for item in actual)
        return isinstance(actual, str) and str(expected) in actual
    left, right = _number(actual), _number(expected)
    if left is None or right is None:
        return False
    return {
        "gt": left > right,
        "gte": left >= right,
        "lt": left < right,
        "lte": left <= right,
    }[op]


def conditions_match(conditions: list[dict], properties: dict) -> bool:
    """Every condition holds (no conditions: any event of the name)."""
    return all(condition_matches(condition, properties or {}) for condition in conditions or [])
