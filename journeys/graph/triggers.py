"""What enrols a friend: one trigger per journey, of one of these kinds.

Each kind says its fields, the event properties it gives templates (``{event.<name>}``) and its
own checks. ``properties`` on the event-like kinds declares the properties the brand's events
carry, so a template naming one that never comes is caught when the journey is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.graph.context import CheckContext, conditions_problems, rules_problems
from journeys.graph.fragments import (
    CONDITIONS,
    EVENT_NAME,
    ID,
    PROPERTY,
    SEGMENT_RULES,
    TIME_OF_DAY,
    WEEKDAYS,
    obj,
)
from journeys.graph.problems import GraphProblem

PROPERTIES = {"type": "array", "items": PROPERTY, "maxItems": 50, "uniqueItems": True}
TriggerCheck = Callable[[dict, CheckContext], list[GraphProblem]]


def _conditions(trigger: dict, context: CheckContext) -> list[GraphProblem]:
    return conditions_problems(trigger.get("conditions", []), None, "trigger.conditions")


def _date_attribute(trigger: dict, context: CheckContext) -> list[GraphProblem]:
    key = trigger["attribute"]
    if context.unknown_attribute(key) or (
        context.rules is not None and context.attribute_type(key) != "date"
    ):
        return [
            GraphProblem(
                None,
                "trigger.attribute",
                "attribute_not_date",
                _("The attribute %(key)s is not a date.") % {"key": key},
            )
        ]
    return []


def _tag(trigger: dict, context: CheckContext) -> list[GraphProblem]:
    if context.unknown_tag(trigger["tag_id"]):
        return [
            GraphProblem(
                None,
                "trigger.tag_id",
                "unknown_tag",
                _("No tag with id %(id)s.") % {"id": trigger["tag_id"]},
            )
        ]
    return []


def _form(trigger: dict, context: CheckContext) -> list[GraphProblem]:
    if context.form_ids is not None and trigger["form_id"] not in context.form_ids:
        return [
            GraphProblem(
                None,
                "trigger.form_id",
                "unknown_form",
                _("No form with id %(id)s.") % {"id": trigger["form_id"]},
            )
        ]
    return []


def _scheduled_segment(trigger: dict, context: CheckContext) -> list[GraphProblem]:
    """The friends to enrol: a saved segment or rules given here, one of the two."""
    if ("segment_id" in trigger) == ("rules" in trigger):
        return [
            GraphProblem(
                None,
                "trigger.segment_id",
                "segment_or_rules",
                _("Choose a saved segment or give segment rules, one of the two."),
            )
        ]
    if "rules" in trigger:
        return rules_problems(trigger["rules"], context, None, "trigger.rules")
    return []


def _none(trigger: dict, context: CheckContext) -> list[GraphProblem]:
    return []


@dataclass(frozen=True)
class TriggerKind:
    name: str
    label: Promise
    fields: dict
    required: tuple[str, ...] = ()
    builtin_variables: frozenset[str] = frozenset()
    check: TriggerCheck = _none

    def schema(self) -> dict:
        return obj({"kind": {"const": self.name}, **self.fields}, ("kind", *self.required))

    def variables(self, trigger: dict) -> set[str]:
        """The event properties this trigger gives templates."""
        declared = set(trigger.get("properties", []))
        conditioned = {condition["property"] for condition in trigger.get("conditions", [])}
        item = {trigger["item_property"]} if "item_property" in trigger else set()
        return set(self.builtin_variables) | declared | conditioned | item


TRIGGER_KINDS: dict[str, TriggerKind] = {
    kind.name: kind
    for kind in (
        TriggerKind(
            "custom_event",
            gettext_lazy("Custom event"),
            {"event": EVENT_NAME, "conditions": CONDITIONS, "properties": PROPERTIES},
            ("event",),
            check=_conditions,
        ),
        TriggerKind(
            "follow",
            gettext_lazy("Follow"),
            {"follow": {"enum": ["first", "refollow", "any"]}},
            ("follow",),
        ),
        TriggerKind(
            "message_keyword",
            gettext_lazy("Message keyword"),
            {
                "keywords": {
                    "type": "array",
                    "items": {"type": "string", "minLength": 1, "maxLength": 100},
                    "minItems": 1,
                    "maxItems": 20,
                },
                "match": {"enum": ["exact", "contains"]},
            },
            ("keywords", "match"),
            frozenset({"text"}),
        ),
        TriggerKind(
            "postback",
            gettext_lazy("Postback"),
            {
                "data": {"type": "string", "minLength": 1, "maxLength": 300},
                "match": {"enum": ["exact", "prefix"]},
            },
            ("data", "match"),
            frozenset({"data"}),
        ),
        TriggerKind(
            "link_click",
            gettext_lazy("Link click"),
            {"url_prefix": {"type": "string", "maxLength": 1000}},
            builtin_variables=frozenset({"url"}),
        ),
        TriggerKind(
            "tag",
            gettext_lazy("Tag added or removed"),
            {"tag_id": ID, "change": {"enum": ["added", "removed"]}},
            ("tag_id", "change"),
            check=_tag,
        ),
        TriggerKind(
            "form_answered",
            gettext_lazy("Form answered"),
            {"form_id": ID, "answers": {"enum": ["any", "first"]}},
            ("form_id",),
            frozenset({"form"}),
            check=_form,
        ),
        TriggerKind(
            "segment_entered",
            gettext_lazy("Entered a segment"),
            {"segment_id": ID},
            ("segment_id",),
        ),
        TriggerKind(
            "date_attribute",
            gettext_lazy("Date attribute"),
            {
                "attribute": PROPERTY,
                "days_before": {"type": "integer", "minimum": 0, "maximum": 365},
                "time": TIME_OF_DAY,
            },
            ("attribute", "days_before", "time"),
            check=_date_attribute,
        ),
        TriggerKind("api", gettext_lazy("API enrolment"), {"properties": PROPERTIES}),
        TriggerKind(
            "scheduled_segment",
            gettext_lazy("Scheduled segment enrolment"),
            {"segment_id": ID, "rules": SEGMENT_RULES, "time": TIME_OF_DAY, "weekdays": WEEKDAYS},
            ("time",),
            check=_scheduled_segment,
        ),
        TriggerKind(
            "item_event",
            gettext_lazy("Item event"),
            {
                "event": EVENT_NAME,
                "conditions": CONDITIONS,
                "properties": PROPERTIES,
                # The property naming the product in the item event and the friends' events.
                "item_property": PROPERTY,
                "viewed_event": EVENT_NAME,
                "viewed_within_days": {"type": "integer", "minimum": 1, "maximum": 90},
                "bought_event": EVENT_NAME,
            },
            ("event", "item_property", "viewed_event", "viewed_within_days", "bought_event"),
            check=_conditions,
        ),
    )
}


def trigger_variables(trigger: dict) -> set[str]:
    return TRIGGER_KINDS[trigger["kind"]].variables(trigger)
