"""The segment builder's form: a rule tree rendered as nested form fields and read back.

Every node of the tree has a DOM path (``n``, ``n-0``, ``n-0-2``) that names its inputs
(``n-0-2:field``, ``n-0-2:op``, ``n-0-2:value`` ...). Reading the form back rebuilds the JSON
rules, applies the action the user clicked (add a condition or a group, remove a node) and keeps
a map from each JSON path to the DOM path, so a validation error lands beside its condition.

Groups in the builder are "all of", "any of" and "none of"; "none of" is ``not`` over ``any``,
and any ``not`` in saved rules is shown as a "none of" group, so every tree round-trips.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from segments.rules.fields import (
    ATTRIBUTE_OPS,
    ATTRIBUTE_PREFIX,
    DATE_PATTERN,
    FIELDS,
)
from segments.rules.validation import RuleContext

ROOT = "n"
GROUP_KINDS = {"all": _("all of"), "any": _("any of"), "none": _("none of")}
DEFAULT_CONDITION = {"field": "status", "op": "eq", "value": "following"}
SCORE_LETTERS = ("r", "f", "m")
INTEGER = re.compile(r"^-?\d+$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass
class ParsedForm:
    rules: dict
    paths: dict[str, str]  # JSON path -> DOM path


def _children(data: QueryDict, path: str) -> list[str]:
    prefix = f"{path}-"
    indexes = set()
    for key in data:
        if key.startswith(prefix) and key.endswith(":type"):
            rest = key[len(prefix) : -len(":type")]
            # ASCII digits only ("²" is a digit to str.isdigit but not to int()), and short.
            if rest.isascii() and rest.isdigit() and len(rest) <= 6:
                indexes.add(int(rest))
    return [f"{path}-{index}" for index in sorted(indexes)]


def _scalar(raw: str, schema: dict):
    """Turn one form string into the JSON type the schema wants; leave it as text when it does
    not parse, so validation reports the wrong type at the right path."""
    raw = raw.strip()
    kind = schema.get("type")
    if kind == "integer" and INTEGER.match(raw):
        return _number(raw)
    if kind == "number" and NUMBER.match(raw):
        return _number(raw)
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


def _number(raw: str) -> int | float | str:
    """A number typed in the form; beyond what Python converts (over 4,300 digits) it stays
    text, and validation says what is wrong at its path instead of the page failing."""
    try:
        return float(raw) if "." in raw else int(raw)
    except ValueError:
        return raw


def value_schema(name: str, op: str, context: RuleContext) -> dict | None:
    if name.startswith(ATTRIBUTE_PREFIX):
        attribute = context.attributes.get(name[len(ATTRIBUTE_PREFIX) :])
        return ATTRIBUTE_OPS[attribute.type].get(op) if attribute else None
    spec = FIELDS.get(name)
    return spec.ops.get(op) if spec else None


def _property_value(raw: str):
    raw = raw.strip()
    if raw in ("true", "false"):
        return raw == "true"
    if NUMBER.match(raw):
        return _number(raw)
    return raw


def _condition_value(data: QueryDict, path: str, name: str, op: str, context: RuleContext):
    schema = value_schema(name, op, context)
    get = lambda suffix: data.get(f"{path}:{suffix}", "")  # noqa: E731
    if schema is None:
        return get("value")
    if _kind(name) == "broadcast":
        value = {}
        ids = [part for part in get("broadcast_ids").split(",") if part.strip()]
        if ids:
            value["broadcast_ids"] = [_scalar(part, {"type": "integer"}) for part in ids]
        if "within_days" in schema.get("properties", {}) and get("within_days").strip():
            value["within_days"] = _scalar(get("within_days"), {"type": "integer"})
        return value
    if name == "event":
        value: dict = {"name": get("event_name").strip()}
        for key, suffix in (("within_days", "within_days"), ("min_count", "min_count")):
            if get(suffix).strip():
                value[key] = _scalar(get(suffix), {"type": "integer"})
        if get("prop_key").strip():
            value["where"] = {get("prop_key").strip(): _property_value(get("prop_value"))}
        return value
    if op == "scores":
        scores = {}
        for letter in SCORE_LETTERS:
            low, high = get(f"{letter}_low").strip(), get(f"{letter}_high").strip()
            if low or high:
                scores[letter] = [
                    _scalar(low or "1", {"type": "integer"}),
                    _scalar(high or "5", {"type": "integer"}),
                ]
        return scores
    if "prefixItems" in schema:
        item = schema["prefixItems"][0]
        return [_scalar(get("value"), item), _scalar(get("value2"), item)]
    if schema.get("type") == "array":
        item = schema["items"]
        raw = [v for v in data.getlist(f"{path}:value") if v.strip()]
        if len(raw) == 1 and item.get("type") in ("string", "number") and "enum" not in item:
            raw = [part for part in raw[0].split(",") if part.strip()]
        return [_scalar(v, item) for v in raw]
    return _scalar(get("value"), schema)


def _default_value(name: str, op: str, context: RuleContext, tag_ids: Sequence[int]):
    """What a fresh condition shows: the first choice of a single select, so the value in the
    rules is the one on screen; empty otherwise (the user is asked to fill it in)."""
    schema = value_schema(name, op, context) or {}
    widget = widget_of(name, op, schema)
    if widget == "tag":
        return tag_ids[0] if tag_ids else ""
    if widget == "choice":
        return schema["enum"][0]
    if widget == "bool":
        return True
    if widget in ("choice_multi", "tag_multi", "text_list"):
        return []
    if widget in ("number_pair", "date_pair"):
        return ["", ""]
    if widget == "event":
        return {"name": ""}
    if widget in ("scores", "broadcast"):
        return {}
    return ""


def _default_op(name: str, context: RuleContext) -> str:
    if name.startswith(ATTRIBUTE_PREFIX):
        attribute = context.attributes.get(name[len(ATTRIBUTE_PREFIX) :])
        return next(iter(ATTRIBUTE_OPS[attribute.type])) if attribute else "eq"
    spec = FIELDS.get(name)
    return next(iter(spec.ops)) if spec else "eq"


def ops_of(name: str, context: RuleContext) -> dict:
    if name.startswith(ATTRIBUTE_PREFIX):
        attribute = context.attributes.get(name[len(ATTRIBUTE_PREFIX) :])
        return ATTRIBUTE_OPS[attribute.type] if attribute else {}
    return FIELDS[name].ops if name in FIELDS else {}


def rules_from_form(
    data: QueryDict,
    *,
    context: RuleContext,
    action: str = "",
    tag_ids: Sequence[int] = (),
    root: str = ROOT,
) -> ParsedForm:
    """The JSON rules the form stands for, after applying ``action`` (``add-condition:<path>``,
    ``add-group:<path>``, ``remove:<path>``). ``tag_ids`` in the order the builder lists them
    (the first is what a fresh tag condition shows). ``root`` is the DOM path of the tree's
    top group: another form holding a rule tree (a journey step's) names it after its field."""
    verb, _sep, target = action.partition(":")
    paths: dict[str, str] = {}

    def node(path: str) -> dict | None:
        kind = data.get(f"{path}:type", "all" if path == root else "")
        if verb == "remove" and target == path and path != root:
            return None
        if kind in GROUP_KINDS:
            children = []
            for child in _children(data, path):
                built = node(child)
                if built is not None:
                    children.append((child, built))
            if target == path and verb == "add-condition":
                children.append(("", dict(DEFAULT_CONDITION)))
            elif target == path and verb == "add-group":
                children.append(("", {"all": [dict(DEFAULT_CONDITION)]}))
            return {"_group": kind, "_children": children, "_path": path}
        name = data.get(f"{path}:field", "status")
        op = data.get(f"{path}:op", "")
        changed = data.get(f"{path}:shown_field", name) != name
        if changed or op not in ops_of(name, context):
            op = _default_op(name, context)  # the field changed: start from its first operator
            value = _default_value(name, op, context, tag_ids)
        else:
            value = _condition_value(data, path, name, op, context)
        return {"field": name, "op": op, "value": value, "_path": path}

    def to_json(item: dict, json_path: str) -> dict:
        dom = item.pop("_path", "")
        if dom:
            paths[json_path] = dom
        if "_group" not in item:
            return item
        kind, children = item["_group"], item["_children"]
        if kind == "none":
            if len(children) == 1:
                return {"not": to_json(children[0][1], f"{json_path}.not")}
            key, base = "any", f"{json_path}.not.any"
            return {
                "not": {"any": [to_json(c, f"{base}[{i}]") for i, (_d, c) in enumerate(children)]}
            }
        key = kind
        return {key: [to_json(c, f"{json_path}.{key}[{i}]") for i, (_d, c) in enumerate(children)]}

    return ParsedForm(rules=to_json(node(root), "$"), paths=paths)


def _kind(name: str) -> str:
    """The input kind of a field; broadcast fields are registered by the broadcasts app, so the
    builder knows them by kind, not by name."""
    spec = FIELDS.get(name)
    return spec.kind if spec is not None else ""


def widget_of(name: str, op: str, schema: dict | None) -> str:
    if schema is None:
        return "text"
    if name == "event":
        return "event"
    if _kind(name) == "broadcast":
        return "broadcast"
    if op == "scores":
        return "scores"
    if name == "tag":
        return "tag_multi" if schema.get("type") == "array" else "tag"
    if schema.get("type") == "boolean":
        return "bool"
    if "prefixItems" in schema:
        return (
            "date_pair"
            if schema["prefixItems"][0].get("pattern") == DATE_PATTERN
            else ("number_pair")
        )
    if schema.get("type") == "array":
        return "choice_multi" if "enum" in schema["items"] else "text_list"
    if "enum" in schema:
        return "choice"
    if schema.get("pattern") == DATE_PATTERN:
        return "date"
    if schema.get("type") in ("integer", "number"):
        return "number"
    return "text"
