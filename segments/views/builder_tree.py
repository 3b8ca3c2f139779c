"""The segment builder's form rendered: the rule tree as nested nodes the template draws, each
with its DOM path, widget, operators, choices and the validation error that lands beside it
(``builder.py`` reads the form back)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from segments.models import Friend
from segments.rules.fields import (
    ATTRIBUTE_PREFIX,
    FIELDS,
    OP_LABELS,
    RFM_CELL_LABELS,
)
from segments.rules.validation import RuleContext, RuleError
from segments.views.builder import ROOT, SCORE_LETTERS, ops_of, value_schema, widget_of


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
    root: str = ROOT,
) -> UiNode:
    """The builder's view of a rule tree, each error placed on its node; ``root`` as in
    ``rules_from_form``."""
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
            schema = value_schema(name, op, context)
            node = UiNode(
                path=path,
                is_group=False,
                depth=depth,
                field_name=name,
                op=op,
                value=item.get("value"),
                widget=widget_of(name, op, schema),
                ops=[(key, str(OP_LABELS.get(key, key))) for key in ops_of(name, context)],
                choices=_choices(name, tags),
            )
        nodes[path] = node
        return node

    top = build(rules, root, 0, "$")
    if not top.is_group:  # a single condition from the API: show it inside "all of"
        child = top
        child.path, child.depth = f"{root}-0", 1
        nodes[child.path] = child
        json_paths["$"] = child.path
        top = UiNode(path=root, is_group=True, kind="all", children=[child])
        nodes[root] = top
    for dom, message in errors_by_dom_path(list(errors), json_paths).items():
        nodes[dom].error = message
    return top


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
