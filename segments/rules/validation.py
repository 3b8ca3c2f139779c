"""Validate a rule tree and say exactly where it is wrong, as JSON paths (``$.all[1].value``).

The walk checks what a user can get wrong, one node at a time, so each problem is reported at
the node that has it (the builder shows it beside that condition): the shape of each node, the
field, the operator for that field, the value's type for that operator, and what only the OA
knows (its tag ids, its attributes and their types). A tree that passes the walk is then checked
against the published JSON Schema as a whole.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache

import jsonschema
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from oa_console.models import LineAccount
from segments.models import AttributeDefinition, Tag
from segments.rules.fields import (
    ATTRIBUTE_OPS,
    ATTRIBUTE_PREFIX,
    DATE_MAX,
    DATE_MIN,
    DATE_PATTERN,
    FIELDS,
    MAX_CONDITIONS,
    MAX_DEPTH,
    MAX_VALUES,
)
from segments.rules.schema import rules_schema

GROUP_KEYS = ("all", "any", "not")
CONDITION_KEYS = {"field", "op", "value"}


@dataclass(frozen=True)
class RuleError:
    path: str
    message: str


class RulesInvalid(ValueError):
    """The rules failed validation; ``errors`` lists every problem with its JSON path."""

    def __init__(self, errors: list[RuleError]):
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))
        self.errors = errors

    def as_dict(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for error in self.errors:
            result.setdefault(error.path, []).append(error.message)
        return result


@dataclass(frozen=True)
class Attribute:
    id: int
    type: str


@dataclass
class RuleContext:
    """What validation and compilation need to know about the OA, loaded once per tree."""

    account: LineAccount
    tag_ids: set[int] = field(default_factory=set)
    attributes: dict[str, Attribute] = field(default_factory=dict)

    @classmethod
    def for_account(cls, account: LineAccount) -> RuleContext:
        return cls(
            account=account,
            tag_ids=set(Tag.objects.for_account(account).values_list("pk", flat=True)),
            attributes={
                key: Attribute(pk, type_)
                for key, pk, type_ in AttributeDefinition.objects.for_account(account).values_list(
                    "key", "pk", "type"
                )
            },
        )


# JSON Schema counts 30.0 as an integer; the compiler does arithmetic on years and days with
# it (``date.replace(year=...)`` refuses a float), so a whole number must be a JSON integer.
_StrictValidator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer",
        lambda _checker, instance: isinstance(instance, int) and not isinstance(instance, bool),
    ),
)


@cache
def _validator(schema_key: str, schema_json: str) -> jsonschema.Draft202012Validator:
    return _StrictValidator(json.loads(schema_json), format_checker=jsonschema.FormatChecker())


def _value_validator(schema: dict) -> jsonschema.Draft202012Validator:
    text = json.dumps(schema, sort_keys=True)
    return _validator(text, text)


def _join(path: str, part: str | int) -> str:
    return f"{path}[{part}]" if isinstance(part, int) else f"{path}.{part}"


def _type_message(error: jsonschema.ValidationError) -> str:
    """A short, translatable reason for a jsonschema error on a value."""
    if error.validator == "anyOf" and error.context:
        # One of several types (an event property): the reason from the branch of the value's
        # own type ("Must be at most …") says more than "not a valid value".
        specific = [e for e in error.context if e.validator not in ("type", "anyOf")]
        if specific:
            return _type_message(specific[0])
    validator = error.validator
    if validator == "type":
        expected = error.validator_value
        names = {
            "integer": _("a whole number"),
            "number": _("a number"),
            "string": _("text"),
            "boolean": _("true or false"),
            "array": _("a list"),
            "object": _("an object"),
        }
        if isinstance(expected, list):
            wanted = " / ".join(str(names.get(t, t)) for t in expected)
        else:
            wanted = str(names.get(expected, expected))
        return _("Expected %(type)s.") % {"type": wanted}
    if validator == "enum":
        return _("Must be one of: %(values)s.") % {
            "values": ", ".join(str(v) for v in error.validator_value)
        }
    if validator in ("minItems", "maxItems") and error.validator_value == 2:
        return _("Expected a pair [from, to].")
    if validator == "minItems":
        return _("Give at least %(n)s value(s).") % {"n": error.validator_value}
    if validator == "maxItems":
        return _("Give at most %(n)s values.") % {"n": error.validator_value}
    if validator == "minimum":
        return _("Must be at least %(n)s.") % {"n": error.validator_value}
    if validator == "maximum":
        return _("Must be at most %(n)s.") % {"n": error.validator_value}
    if validator == "format" or (validator == "pattern" and error.validator_value == DATE_PATTERN):
        return _("Expected a date as YYYY-MM-DD, from %(min)s to %(max)s.") % {
            "min": DATE_MIN,
            "max": DATE_MAX,
        }
    if validator == "pattern":
        return _("Not allowed here: %(value)s.") % {"value": error.instance}
    if validator == "required":
        return _("Missing: %(names)s.") % {"names": ", ".join(error.validator_value)}
    if validator == "additionalProperties":
        return _("Unknown key.")
    if validator in ("minLength",):
        return _("Must not be empty.")
    if validator in ("maxLength",):
        return _("Too long (at most %(n)s characters).") % {"n": error.validator_value}
    if validator in ("minProperties",):
        return _("Give at least one of r, f, m.")
    return _("Not a valid value.")


def _unsendable(value, path: str) -> tuple[str, str] | None:
    """The path of the first value no database query can carry, and why: NaN or ±Infinity
    (Python's JSON reads them) or a text with a NUL character (PostgreSQL refuses it)."""
    if isinstance(value, float) and not math.isfinite(value):
        return path, _("Must be a finite number.")
    if isinstance(value, str) and "\x00" in value:
        return path, _("Must not contain the NUL character.")
    if isinstance(value, list):
        items = enumerate(value)
    elif isinstance(value, dict):
        items = value.items()
    else:
        return None
    for key, item in items:
        found = _unsendable(item, _join(path, key))
        if found is not None:
            return found
    return None


def _listed_values(value) -> int:
    """How many values a condition lists (each becomes one bound SQL parameter)."""
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        return sum(_listed_values(item) for item in value.values())
    return 0


class _Walker:
    def __init__(self, context: RuleContext | None):
        self.context = context
        self.errors: list[RuleError] = []
        self.conditions = 0
        self.values = 0

    def error(self, path: str, message: str) -> None:
        self.errors.append(RuleError(path, message))

    def node(self, node, path: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            self.error(path, _("Rules nest deeper than %(max)s levels.") % {"max": MAX_DEPTH})
            return
        if not isinstance(node, dict):
            self.error(path, _("Expected a group (all, any, not) or a condition."))
            return
        groups = [key for key in GROUP_KEYS if key in node]
        if groups:
            extra = sorted(set(node) - {groups[0]})
            if extra:
                self.error(
                    _join(path, extra[0]),
                    _("A group has exactly one key: all, any or not."),
                )
                return
            key = groups[0]
            children = node[key]
            if key == "not":
                self.node(children, _join(path, "not"), depth + 1)
                return
            if not isinstance(children, list):
                self.error(_join(path, key), _("Expected a list of conditions or groups."))
                return
            for index, child in enumerate(children):
                self.node(child, _join(_join(path, key), index), depth + 1)
            return
        self.condition(node, path)

    def condition(self, node: dict, path: str) -> None:
        self.conditions += 1
        if self.conditions == MAX_CONDITIONS + 1:
            self.error(
                path,
                _("A segment holds at most %(max)s conditions.") % {"max": MAX_CONDITIONS},
            )
        unknown = sorted(set(node) - CONDITION_KEYS)
        if unknown:
            self.error(_join(path, unknown[0]), _("Unknown key."))
            return
        for key in ("field", "op", "value"):
            if key not in node:
                self.error(_join(path, key), _("Missing."))
                return
        name, op, value = node["field"], node["op"], node["value"]
        field_path, op_path, value_path = (_join(path, k) for k in ("field", "op", "value"))
        if not isinstance(name, str):
            self.error(field_path, _("Expected a field name."))
            return
        if name.startswith(ATTRIBUTE_PREFIX):
            ops = self.attribute_ops(name, field_path)
        elif name in FIELDS:
            ops = FIELDS[name].ops
        else:
            self.error(field_path, _("Unknown field “%(name)s”.") % {"name": name})
            return
        if ops is None:
            return
        if not isinstance(op, str) or op not in ops:
            self.error(
                op_path,
                _("“%(op)s” is not an operator of %(field)s; use one of: %(ops)s.")
                % {"op": op, "field": name, "ops": ", ".join(ops)},
            )
            return
        errors = sorted(
            _value_validator(ops[op]).iter_errors(value),
            key=lambda e: (
                len(e.absolute_path),
                list(map(str, e.absolute_path)),
                e.validator != "type",  # "expected a number" says more than "not one of"
            ),
        )
        if errors:
            first = errors[0]
            where = value_path
            for part in first.absolute_path:
                where = _join(where, part)
            self.error(where, _type_message(first))
            return
        # The schema has bounded the value's shape; NaN passes every "minimum" and "maximum",
        # and a NUL character every "maxLength".
        unsendable = _unsendable(value, value_path)
        if unsendable is not None:
            self.error(*unsendable)
            return
        listed = _listed_values(value)
        if self.values <= MAX_VALUES < self.values + listed:
            self.error(
                value_path,
                _("A segment lists at most %(max)s values in all.")
                % {"max": number_format(MAX_VALUES, force_grouping=True)},
            )
        self.values += listed
        self.semantics(name, op, value, value_path)

    def attribute_ops(self, name: str, field_path: str) -> dict | None:
        key = name[len(ATTRIBUTE_PREFIX) :]
        if self.context is None:
            # Without an OA, any attribute type is possible: accept the union of operators.
            merged: dict[str, dict] = {}
            for ops in ATTRIBUTE_OPS.values():
                for op, schema in ops.items():
                    merged.setdefault(op, {"anyOf": []})["anyOf"].append(schema)
            return merged
        attribute = self.context.attributes.get(key)
        if attribute is None:
            self.error(field_path, _("Unknown attribute “%(key)s”.") % {"key": key})
            return None
        return ATTRIBUTE_OPS[attribute.type]

    def semantics(self, name: str, op: str, value, path: str) -> None:
        if op == "between" and isinstance(value, list):
            low, high = value
            if isinstance(low, str):  # dates: the format check already parsed them
                low, high = date.fromisoformat(low), date.fromisoformat(high)
            if low > high:
                self.error(path, _("The first value must not be greater than the second."))
        if op == "scores":
            for letter, pair in value.items():
                if pair[0] > pair[1]:
                    self.error(
                        _join(path, letter),
                        _("The first value must not be greater than the second."),
                    )
        if name == "tag" and self.context is not None:
            for index, tag_id in enumerate(value if isinstance(value, list) else [value]):
                if tag_id not in self.context.tag_ids:
                    where = _join(path, index) if isinstance(value, list) else path
                    self.error(where, _("No tag with id %(id)s.") % {"id": tag_id})


def rules_errors(rules, *, context: RuleContext | None) -> list[RuleError]:
    """Every problem of the tree; empty when it is valid. ``context`` None checks only what the
    static schema can (no tag or attribute look-ups)."""
    walker = _Walker(context)
    walker.node(rules, "$", 1)
    if walker.errors:
        return walker.errors
    schema_error = _schema_error(json.dumps(rules, sort_keys=True))
    if schema_error is not None:
        where, error = schema_error
        walker.error(where, _type_message(error))  # translated now, in the caller's language
    return walker.errors


@lru_cache(maxsize=2048)
def _schema_error(rules_json: str) -> tuple[str, jsonschema.ValidationError] | None:
    """The first error of the whole-tree schema check. Cached by the tree's JSON: the builder
    and the API evaluate the same trees over and over, and this check needs no OA."""
    for error in _validator("rules", _schema_json()).iter_errors(json.loads(rules_json)):
        where = "$"
        for part in error.absolute_path:
            where = _join(where, part)
        return where, error
    return None


@cache
def _schema_json() -> str:
    return json.dumps(rules_schema())


def rules_validate(rules, *, context: RuleContext) -> None:
    """Raise ``RulesInvalid`` listing every problem with its JSON path."""
    errors = rules_errors(rules, context=context)
    if errors:
        raise RulesInvalid(errors)
