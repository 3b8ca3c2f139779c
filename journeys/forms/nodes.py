"""One form per node type, built from the node registry's fields (journeys/graph/nodes/).

Most fields come from the schema adapters as they are; a send node's messages (up to five:
a text as a text area, any other LINE message as JSON) and a split's paths (name and weight
rows) get inputs a person can fill without writing JSON for them.
"""

from __future__ import annotations

import json
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coupons.selectors import coupon_choices
from journeys.forms.choices import Choices
from journeys.forms.schema_fields import Adapter, SchemaForm, adapter_for
from journeys.graph.line_messages import MAX_MESSAGES
from journeys.graph.nodes import NODE_TYPES
from journeys.graph.nodes.wait import MODE_FIELDS as WAIT_FIELDS
from journeys.graph.nodes.wait import MODES as WAIT_MODES

LABEL_SCHEMA = {"type": "string", "maxLength": 80}
# Fields a node type's generic adapters leave to the form itself.
CUSTOM_FIELDS = {"send": {"messages"}, "split": {"paths", "control"}}
MAX_PATHS = 5
PATH_NAME = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
LABEL_MAX = 40  # a split path's label, as the graph's schema allows


def node_adapters(node_type: str, node: dict, choices: Choices) -> list[Adapter]:
    kind = NODE_TYPES[node_type]
    adapters = [adapter_for("label", LABEL_SCHEMA, required=False, choices=choices)]
    for name, schema in kind.fields.items():
        if name in CUSTOM_FIELDS.get(node_type, ()):
            continue
        adapters.append(
            adapter_for(
                name,
                schema,
                required=name in kind.required,
                choices=choices,
                current=node.get(name),
            )
        )
    return adapters


class NodeForm(SchemaForm):
    """The form of one node of type ``node_type``; ``node()`` is the node it describes."""

    def __init__(self, data=None, *, node_type: str, node: dict | None = None, choices: Choices):
        node = node or {}
        self.node_type = node_type
        self.choices = choices
        adapters = node_adapters(node_type, node, choices)
        initial = self.initial_from(adapters, node)
        if node_type == "send":
            initial.update(_message_initial(node.get("messages")))
        if node_type == "split":
            initial.update(_split_initial(node))
        super().__init__(data, adapters=adapters, initial=initial)
        if node_type == "send":
            self._add_message_fields()
        if node_type == "split":
            self._add_path_fields()

    # Send: up to five messages.
    def _add_message_fields(self) -> None:
        for number in range(1, MAX_MESSAGES + 1):
            self.fields[f"message_{number}_type"] = forms.ChoiceField(
                label=_("Message %(number)s") % {"number": number},
                required=False,
                choices=[
                    ("", _("— none —")),
                    ("text", _("Text")),
                    ("coupon", _("Coupon")),
                    ("json", _("Other LINE message (JSON)")),
                ],
            )
            self.fields[f"message_{number}"] = forms.CharField(
                label=_("Content of message %(number)s") % {"number": number},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"message_{number}_coupon"] = forms.CharField(
                label=_("Coupon of message %(number)s") % {"number": number},
                required=False,
                max_length=100,
                help_text=_("For a coupon message: a running coupon of the OA."),
            )
        self._coupon_pickers()

    def _coupon_pickers(self) -> None:
        """Each message's coupon input picks among the OA's running coupons."""
        names = [f"message_{n}_coupon" for n in range(1, MAX_MESSAGES + 1)]
        source = self.data if self.is_bound else self.initial
        account = self.choices.account
        choices = (
            coupon_choices(account=account, current=[source.get(name) or "" for name in names])
            if account is not None
            else [("", "—")]
        )
        for name in names:
            self.fields[name].widget = forms.Select(choices=choices)

    def _messages(self) -> list:
        messages = []
        for number in range(1, MAX_MESSAGES + 1):
            kind = self.cleaned_data.get(f"message_{number}_type")
            content = (self.cleaned_data.get(f"message_{number}") or "").strip()
            if not kind:
                continue
            if kind == "coupon":
                coupon = (self.cleaned_data.get(f"message_{number}_coupon") or "").strip()
                if not coupon:
                    self.add_error(f"message_{number}_coupon", _("Choose the coupon to send."))
                    continue
                messages.append({"type": "coupon", "couponId": coupon})
                continue
            if not content:
                self.add_error(f"message_{number}", _("Write the message or choose “none”."))
                continue
            if kind == "text":
                messages.append({"type": "text", "text": content})
                continue
            try:
                message = json.loads(content)
            except ValueError as error:
                self.add_error(
                    f"message_{number}", _("This is not valid JSON: %(error)s") % {"error": error}
                )
                continue
            if not isinstance(message, dict) or "type" not in message:
                self.add_error(
                    f"message_{number}",
                    _(
                        'A LINE message is a JSON object with a "type", e.g. {"type": "sticker", …}.'
                    ),
                )
                continue
            messages.append(message)
        if not messages and not self.errors.get("message_1"):
            self.add_error("message_1_type", _("Add at least one message."))
        return messages

    # Split: named paths with weights, and an optional control path.
    def _add_path_fields(self) -> None:
        for number in range(1, MAX_PATHS + 1):
            self.fields[f"path_{number}_name"] = forms.CharField(
                label=_("Path %(number)s name") % {"number": number},
                required=False,
                max_length=20,
                help_text=_("Lower-case letters, digits and _, starting with a letter.")
                if number == 1
                else "",
            )
            self.fields[f"path_{number}_label"] = forms.CharField(
                label=_("Path %(number)s label") % {"number": number},
                required=False,
                max_length=LABEL_MAX,
                help_text=_("What the flow and the stats call it, e.g. “Welcome series”.")
                if number == 1
                else "",
            )
            self.fields[f"path_{number}_weight"] = forms.IntegerField(
                label=_("Path %(number)s share in percent") % {"number": number},
                required=False,
                min_value=0,
                max_value=100,
            )
        self.fields["control_weight"] = forms.IntegerField(
            label=_("Control path share in percent (friends who get nothing)"),
            required=False,
            min_value=0,
            max_value=100,
        )
        self.fields["control_label"] = forms.CharField(
            label=_("Control path label"),
            required=False,
            max_length=LABEL_MAX,
            help_text=_("E.g. “Holdout (no messages)”; “Control” when empty."),
        )

    def _paths(self) -> tuple[list[dict], dict | None]:
        paths = []
        for number in range(1, MAX_PATHS + 1):
            name = (self.cleaned_data.get(f"path_{number}_name") or "").strip()
            weight = self.cleaned_data.get(f"path_{number}_weight")
            if not name and weight is None:
                continue
            if not PATH_NAME.match(name):
                self.add_error(f"path_{number}_name", _("This value has the wrong format."))
                continue
            if weight is None:
                self.add_error(f"path_{number}_weight", _("Give this path its share."))
                continue
            path = {"name": name, "weight": weight}
            label = (self.cleaned_data.get(f"path_{number}_label") or "").strip()
            if label:
                path["label"] = label
            paths.append(path)
        weight = self.cleaned_data.get("control_weight")
        if weight is None:
            return paths, None
        control = {"weight": weight}
        label = (self.cleaned_data.get("control_label") or "").strip()
        if label:
            control["label"] = label
        return paths, control

    def clean(self):
        cleaned = super().clean()
        if self.node_type == "send":
            self.messages_value = self._messages()
        if self.node_type == "split":
            self.paths_value, self.control_value = self._paths()
            if not self.paths_value and not self.errors:
                self.add_error("path_1_name", _("Add at least one path."))
        return cleaned

    def node(self) -> dict:
        node = {"type": self.node_type, **self.values()}
        if self.node_type == "send":
            node["messages"] = self.messages_value
        if self.node_type == "split":
            node["paths"] = self.paths_value
            if self.control_value is not None:
                node["control"] = self.control_value
        if self.node_type == "wait" and node.get("mode") in WAIT_MODES:
            # The form shows every kind of wait's inputs; keep only the chosen kind's, so
            # switching from "for a while" to "until a time" needs no clearing by hand.
            for name in WAIT_FIELDS - WAIT_MODES[node["mode"]][1]:
                node.pop(name, None)
        if self.node_type == "set_attribute" and "value" in node:
            node["value"] = _typed_value(
                node["value"], self.choices.attribute_type(node.get("attribute", ""))
            )
        return node

    def field_for(self, path: str) -> str | None:
        found = re.match(r"messages\[(\d+)\]", path)
        if found:
            return f"message_{min(int(found.group(1)) + 1, MAX_MESSAGES)}"
        if path == "messages":
            return "message_1_type"
        found = re.match(r"paths\[(\d+)\]\.(name|weight|label)", path)
        if found:
            return f"path_{min(int(found.group(1)) + 1, MAX_PATHS)}_{found.group(2)}"
        if path.startswith("paths"):
            return "path_1_weight"
        if path.startswith("control.label"):
            return "control_label"
        if path.startswith("control"):
            return "control_weight"
        return super().field_for(path)

    @property
    def grouped_names(self) -> set[str]:
        messages = {name for name in self.fields if name.startswith("message_")}
        return super().grouped_names | messages

    def message_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        """(type, content, coupon) per message slot, for the template to draw side by side: the slots
        in use and one empty one (saving makes room for the next), so a form works without
        JavaScript and is not five empty boxes long."""
        if self.node_type != "send":
            return []
        used = [
            number
            for number in range(1, MAX_MESSAGES + 1)
            if self[f"message_{number}_type"].value() or self[f"message_{number}"].value()
        ]
        shown = min(max(used, default=0) + 1, MAX_MESSAGES)
        return [
            (self[f"message_{n}_type"], self[f"message_{n}"], self[f"message_{n}_coupon"])
            for n in range(1, shown + 1)
        ]


def _typed_value(value, attribute_type: str | None):
    """What the form read as a number or true/false, as the attribute's own type needs it."""
    if attribute_type in ("text", "date") and not isinstance(value, str):
        return json.dumps(value) if isinstance(value, bool) else str(value)
    return value


def _message_initial(messages) -> dict:
    initial = {}
    for index, message in enumerate(messages if isinstance(messages, list) else []):
        if index >= MAX_MESSAGES:
            break
        number = index + 1
        if (
            isinstance(message, dict)
            and message.get("type") == "text"
            and set(message)
            == {
                "type",
                "text",
            }
        ):
            initial[f"message_{number}_type"] = "text"
            initial[f"message_{number}"] = message.get("text", "")
        elif isinstance(message, dict) and set(message) == {"type", "couponId"}:
            initial[f"message_{number}_type"] = "coupon"
            initial[f"message_{number}_coupon"] = message.get("couponId", "")
        else:
            initial[f"message_{number}_type"] = "json"
            initial[f"message_{number}"] = json.dumps(message, ensure_ascii=False, indent=1)
    return initial


def _split_initial(node: dict) -> dict:
    initial = {}
    paths = node.get("paths") if isinstance(node.get("paths"), list) else []
    for index, path in enumerate(paths[:MAX_PATHS]):
        if isinstance(path, dict):
            initial[f"path_{index + 1}_name"] = path.get("name")
            initial[f"path_{index + 1}_weight"] = path.get("weight")
            initial[f"path_{index + 1}_label"] = path.get("label", "")
    control = node.get("control")
    if isinstance(control, dict):
        initial["control_weight"] = control.get("weight")
        initial["control_label"] = control.get("label", "")
    return initial


class NodeTypeForm(forms.Form):
    """The type of a step being added."""

    node_type = forms.ChoiceField(label=gettext_lazy("Kind of step"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node_type"].choices = [(name, kind.label) for name, kind in NODE_TYPES.items()]
