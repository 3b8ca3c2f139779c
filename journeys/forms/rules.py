"""Segment rules in a journey's forms (a branch step's ``rules``, the entry ``audience``, a
scheduled trigger's ``rules``) edited with the segment builder's own rule editor.

The inputs, their names and the reading back are the segment builder's
(``segments.views.builder.rules_from_form`` and ``builder_tree.ui_tree``, drawn by
``segments/_rule_node.html``); only the tree's top path is the field's name (``rules-0:field``
instead of ``n-0:field``). Its buttons ("+ Condition", "+ Group", remove) post the whole form
with ``action=add-condition:rules`` and the like: the builder then re-opens the form with the
change, saving nothing, with or without JavaScript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django import forms

from journeys.forms.adapters import MISSING, Adapter
from segments.rules.validation import RuleContext, RuleError
from segments.views.builder import GROUP_KINDS, rules_from_form
from segments.views.builder_tree import UiNode, field_options, ui_tree

EMPTY = {"all": []}


class RulesWidget(forms.Widget):
    """Reads the whole tree of inputs under ``<name>`` back into a rules dict."""

    def __init__(self, *, context: RuleContext, tag_ids: list[int]):
        super().__init__()
        self.context = context
        self.tag_ids = tag_ids

    def value_from_datadict(self, data, files, name):
        if f"{name}:type" not in data:
            return None
        return rules_from_form(data, context=self.context, tag_ids=self.tag_ids, root=name).rules

    def value_omitted_from_data(self, data, files, name):
        return f"{name}:type" not in data


class RulesField(forms.Field):
    """The rules the tree stands for (None: no tree was posted)."""

    def to_python(self, value):
        return value if isinstance(value, dict) else None


@dataclass
class RulesEditor:
    """What ``segments/_rule_node.html`` needs to draw one tree."""

    label: str
    help_text: str
    tree: UiNode
    field_options: list[tuple[str, str]]
    group_kinds: list[tuple[str, str]] = field(
        default_factory=lambda: [(key, str(label)) for key, label in GROUP_KINDS.items()]
    )


@dataclass
class RulesAdapter(Adapter):
    """One field of segment rules, drawn as the segment builder's tree of conditions."""

    context: RuleContext | None = None
    tags: list[tuple[int, str]] = field(default_factory=list)
    grouped = True

    def _context(self) -> RuleContext:
        return self.context or RuleContext(account=None)

    def fields(self) -> dict[str, forms.Field]:
        widget = RulesWidget(context=self._context(), tag_ids=[pk for pk, _name in self.tags])
        return {self.name: RulesField(label=self.label(), required=False, widget=widget)}

    def initial(self, value) -> dict:
        return {self.name: value} if isinstance(value, dict) else {}

    def value(self, cleaned: dict):
        """The rules; an optional field's "all of" group with no condition is no rules at all
        (an audience of every friend, as an empty JSON box was). A branch keeps its empty
        group: with "clicked" it branches on the clicks alone."""
        rules = cleaned.get(self.name)
        if rules is None or (rules == EMPTY and not self.required):
            return MISSING
        return rules

    def posted(self, data, action: str) -> dict:
        """The tree as posted, with the clicked button's change applied."""
        if f"{self.name}:type" not in data:
            return {}
        tag_ids = [pk for pk, _name in self.tags]
        rules = rules_from_form(
            data, context=self._context(), action=action, tag_ids=tag_ids, root=self.name
        ).rules
        return {self.name: rules}

    def problem_path(self, path: str) -> str | None:
        """``trigger.rules.all[0].value`` -> ``$.all[0].value`` (the rules' own JSON path)."""
        found = re.search(rf"(?:^|\.){re.escape(self.name)}(?=[.\[]|$)", path)
        return "$" + path[found.end() :] if found else None

    def editor(self, form: forms.Form, problems: list[tuple[str, str]]) -> RulesEditor:
        """The tree the form holds (posted, or the stored rules), each problem beside the
        condition it is about."""
        rules = form[self.name].value()
        rules = rules if isinstance(rules, dict) else dict(EMPTY)
        errors = [RuleError(path, message) for path, message in problems]
        errors += [RuleError("$", str(message)) for message in form.errors.get(self.name, [])]
        context = self._context()
        return RulesEditor(
            label=self.label(),
            help_text=str(self.help_text()),
            tree=ui_tree(
                rules,
                context=context,
                tags=[(str(pk), name) for pk, name in self.tags],
                errors=errors,
                root=self.name,
            ),
            field_options=field_options(context),
        )
