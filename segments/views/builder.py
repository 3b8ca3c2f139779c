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
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from segments.models import Friend
from segments.rules.fields import (
    ATTRIBUTE_OPS,
    ATTRIBUTE_PREFIX,
    DATE_PATTERN,
    FIELDS,
    OP_LABELS,
    RFM_CELL_LABELS,
)
from segments.rules.validation import RuleContext, RuleError

ROOT = "n"
GROUP_KINDS = {"all": _("all of"), "any": _("any of"), "none": _("none of")}
DEFAULT_CONDITION = {"field": "status", "op": "eq", "value": "following"}
SCORE_LETTERS = ("r", "f", "m")
BROADCAST_FIELDS = ("received_broadcast", "clicked")
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


def _value_schema(name: str, op: str, context: RuleContext) -> dict | None:
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
    schema = _value_schema(name, op, context)
    get = lambda suffix: data.get(f"{path}:{suffix}", "")  # noqa: E731
    if schema is None:
        return get("value")
    if name in BROADCAST_FIELDS:
        value = {}
        ids = [part for part in get("broadcast_ids").split(",") if part.strip()]
        if ids:
            value["broadcast_ids"] = [_scalar(part, {"type": "integer"}) for part in ids]
        if name == "clicked" and get("within_days").strip():
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
    schema = _value_schema(name, op, context) or {}
    widget = _widget(name, op, schema)
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


def _ops_of(name: str, context: RuleContext) -> dict:
    if name.startswith(ATTRIBUTE_PREFIX):
        attribute = context.attributes.get(name[len(ATTRIBUTE_PREFIX) :])
        return ATTRIBUTE_OPS[attribute.type] if attribute else {}
    return FIELDS[name].ops if name in FIELDS else {}


def rules_from_form(
    data: QueryDict, *, context: RuleContext, action: str = "", tag_ids: Sequence[int] = ()
) -> ParsedForm:
    """The JSON rules the form stands for, after applying ``action`` (``add-condition:<path>``,
    ``add-group:<path>``, ``remove:<path>``). ``tag_ids`` in the order the builder lists them
    (the first is what a fresh tag condition shows)."""
    verb, _sep, target = action.partition(":")
    paths: dict[str, str] = {}

    def node(path: str) -> dict | None:
        kind = data.get(f"{path}:type", "all" if path == ROOT else "")
        if verb == "remove" and target == path and path != ROOT:
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
        if changed or op not in _ops_of(name, context):
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

    root = node(ROOT)
    return ParsedForm(rules=to_json(root, "$"), paths=paths)


# Rendering ---------------------------------------------------------------------------------


@dataclass
class UiNode:
    path: str
    is_group: bool
    kind: str = "all"
    children: list[UiNode] = field(default_factory=list)
    field_name: str = ""
    op: str = ""
    value: object = None
    widget: str = ""
    ops: list[tuple[str, str]] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""
    depth: int = 0

    # Template helpers: the value split the way the widget shows it.
    @property
    def first(self):
        if isinstance(self.value, list):
            return self.value[0] if self.value else ""
        return self.value if self.value is not None else ""

    @property
    def text(self) -> str:
        """The single value as the form sends it back (booleans as true/false)."""
        value = self.first
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    @property
    def second(self):
        return self.value[1] if isinstance(self.value, list) and len(self.value) > 1 else ""

    @property
    def listed(self) -> list[str]:
        return [str(v) for v in self.value] if isinstance(self.value, list) else []

    @property
    def joined(self) -> str:
        return ", ".join(self.listed)

    @property
    def event(self) -> dict:
        value = self.value if isinstance(self.value, dict) else {}
        where = value.get("where") or {}
        key, prop = next(iter(where.items()), ("", ""))
        if isinstance(prop, bool):
            prop = "true" if prop else "false"
        return {**value, "prop_key": key, "prop_value": prop}

    @property
    def broadcast(self) -> dict:
        value = self.value if isinstance(self.value, dict) else {}
        ids = value.get("broadcast_ids") or []
        return {"ids": ", ".join(str(v) for v in ids), "within_days": value.get("within_days", "")}

    @property
    def scores(self) -> list[tuple[str, object, object]]:
        value = self.value if isinstance(self.value, dict) else {}
        return [(letter, *(value.get(letter) or ("", ""))) for letter in SCORE_LETTERS]


def _widget(name: str, op: str, schema: dict | None) -> str:
    if schema is None:
        return "text"
    if name == "event":
        return "event"
    if name in BROADCAST_FIELDS:
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


def _choices(name: str, context_tags: list[tuple[str, str]]) -> list[tuple[str, str]]:
    if name == "status":
        return [(str(v), str(label)) for v, label in Friend.Status.choices]
    if name == "gender":
        return [(str(v), str(label)) for v, label in Friend.Gender.choices]
    if name == "rfm":
        return [(key, str(label)) for key, label in RFM_CELL_LABELS.items()]
    if name == "tag":
        return context_tags
    return []


def ui_tree(
    rules: dict,
    *,
    context: RuleContext,
    tags: list[tuple[str, str]],
    errors: list[RuleError] = (),
) -> UiNode:
    """The builder's view of a rule tree, each error placed on its node."""
    nodes: dict[str, UiNode] = {}
    json_paths: dict[str, str] = {}

    def group(kind: str, children: list, path: str, depth: int, child_paths: list[str]):
        node = UiNode(path=path, is_group=True, kind=kind, depth=depth)
        node.children = [
            build(child, f"{path}-{i}", depth + 1, child_paths[i])
            for i, child in enumerate(children)
        ]
        return node

    def build(item, path: str, depth: int, json_path: str) -> UiNode:
        json_paths[json_path] = path
        if isinstance(item, dict) and isinstance(item.get("all"), list):
            kids = [f"{json_path}.all[{i}]" for i in range(len(item["all"]))]
            node = group("all", item["all"], path, depth, kids)
        elif isinstance(item, dict) and isinstance(item.get("any"), list):
            kids = [f"{json_path}.any[{i}]" for i in range(len(item["any"]))]
            node = group("any", item["any"], path, depth, kids)
        elif isinstance(item, dict) and "not" in item:
            inner = item["not"]
            if isinstance(inner, dict) and isinstance(inner.get("any"), list):
                kids = [f"{json_path}.not.any[{i}]" for i in range(len(inner["any"]))]
                node = group("none", inner["any"], path, depth, kids)
            else:
                node = group("none", [inner], path, depth, [f"{json_path}.not"])
        else:
            item = item if isinstance(item, dict) else {}
            name, op = str(item.get("field", "status")), str(item.get("op", ""))
            schema = _value_schema(name, op, context)
            node = UiNode(
                path=path,
                is_group=False,
                depth=depth,
                field_name=name,
                op=op,
                value=item.get("value"),
                widget=_widget(name, op, schema),
                ops=[(key, str(OP_LABELS.get(key, key))) for key in _ops_of(name, context)],
                choices=_choices(name, tags),
            )
        nodes[path] = node
        return node

    root = build(rules, ROOT, 0, "$")
    if not root.is_group:  # a single condition from the API: show it inside "all of"
        child = root
        child.path, child.depth = f"{ROOT}-0", 1
        nodes[child.path] = child
        json_paths["$"] = child.path
        root = UiNode(path=ROOT, is_group=True, kind="all", children=[child])
        nodes[ROOT] = root
    for dom, message in errors_by_dom_path(list(errors), json_paths).items():
        nodes[dom].error = message
    return root


def field_options(context: RuleContext) -> list[tuple[str, str]]:
    options = [(name, str(spec.label)) for name, spec in FIELDS.items()]
    options += [
        (f"{ATTRIBUTE_PREFIX}{key}", str(_("Attribute: %(key)s") % {"key": key}))
        for key in sorted(context.attributes)
    ]
    return options


def errors_by_dom_path(errors: list[RuleError], paths: dict[str, str]) -> dict[str, str]:
    """Each error at the DOM node of the longest JSON path prefix that has one."""
    placed: dict[str, str] = {}
    for error in errors:
        json_path = error.path
        while json_path not in paths and json_path != "$":
            json_path = re.sub(r"(\.[a-z_]+|\[\d+\])$", "", json_path)
        dom = paths.get(json_path, ROOT)
        placed.setdefault(dom, error.message)
    return placed
