"""Each trigger, node and goal said in plain words for a card of the drawn flow.

A draft graph may be half written (the builder saves drafts with problems), so every summary
reads its fields defensively: a field that is missing or of the wrong type gives the plain type
label instead of an error page. The problems themselves are shown beside the card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from journeys.graph.nodes import NODE_TYPES
from journeys.graph.nodes.split import CONTROL
from journeys.graph.triggers import TRIGGER_KINDS

_SUMMARY_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError)


@dataclass(frozen=True)
class Names:
    """The OA's names for the ids a graph holds (a page that knows the OA passes them; without
    them a summary says the id)."""

    tags: dict[int, str] = field(default_factory=dict)
    segments: dict[int, str] = field(default_factory=dict)
    journeys: dict[int, str] = field(default_factory=dict)
    forms: dict[int, str] = field(default_factory=dict)
    # Attribute key -> the label the OA gave it ("birthday" -> "誕生日"): the key is ours to
    # store, the label is what the marketer named and reads.
    attributes: dict[str, str] = field(default_factory=dict)
    rich_menus: dict[int, str] = field(default_factory=dict)

    def attribute(self, key) -> str:
        return self.attributes.get(key) or str(key)

    def tag(self, tag_id) -> str:
        return self.tags.get(tag_id) or _("tag %(id)s") % {"id": int(tag_id)}

    def journey(self, journey_id) -> str:
        return self.journeys.get(journey_id) or _("journey %(id)s") % {"id": int(journey_id)}

    def form(self, form_id) -> str:
        return self.forms.get(form_id) or _("form %(id)s") % {"id": int(form_id)}

    def segment(self, segment_id) -> str:
        return self.segments.get(segment_id) or _("segment %(id)s") % {"id": int(segment_id)}


NO_NAMES = Names()


def duration_text(duration: dict) -> str:
    """``{"amount": 2, "unit": "hours"}`` -> "2 hours"."""
    amount, unit = int(duration["amount"]), duration["unit"]
    if unit == "minutes":
        return ngettext("%(count)s minute", "%(count)s minutes", amount) % {"count": amount}
    if unit == "hours":
        return ngettext("%(count)s hour", "%(count)s hours", amount) % {"count": amount}
    if unit == "days":
        return ngettext("%(count)s day", "%(count)s days", amount) % {"count": amount}
    raise ValueError(unit)


def weekdays_text(weekdays: list[int]) -> str:
    """ISO weekdays (1 = Monday) as the active language's short day names."""
    if sorted(set(weekdays)) == list(range(1, 8)):
        return _("every day")
    # 2024-01-01 was a Monday: day n of that week names ISO weekday n.
    return ", ".join(date_format(date(2024, 1, day), "D") for day in sorted(weekdays))


def _wait(node: dict, names: Names) -> str:
    mode = node["mode"]
    if mode == "duration":
        return _("Wait %(duration)s") % {"duration": duration_text(node["duration"])}
    if mode == "time_of_day":
        if node.get("weekdays"):
            return _("Wait until %(time)s on %(days)s") % {
                "time": node["time"],
                "days": weekdays_text(node["weekdays"]),
            }
        return _("Wait until %(time)s") % {"time": node["time"]}
    if mode == "window":
        return _("Wait for the hours %(from)s to %(to)s on %(days)s") % {
            "from": node["from"],
            "to": node["to"],
            "days": weekdays_text(node["weekdays"]),
        }
    if mode == "date_attribute":
        offset = int(node.get("offset_days", 0))
        values = {
            "attribute": names.attribute(node["attribute"]),
            "time": node["time"],
            "count": abs(offset),
        }
        if offset < 0:
            return (
                ngettext(
                    "Wait until %(count)s day before the date in %(attribute)s, %(time)s",
                    "Wait until %(count)s days before the date in %(attribute)s, %(time)s",
                    abs(offset),
                )
                % values
            )
        if offset > 0:
            return (
                ngettext(
                    "Wait until %(count)s day after the date in %(attribute)s, %(time)s",
                    "Wait until %(count)s days after the date in %(attribute)s, %(time)s",
                    offset,
                )
                % values
            )
        return _("Wait until the date in %(attribute)s, %(time)s") % values
    raise ValueError(mode)


def _wait_for_event(node: dict) -> str:
    return _("Wait up to %(duration)s for %(event)s") % {
        "duration": duration_text(node["timeout"]),
        "event": node["event"],
    }


def _count_conditions(rules) -> int:
    """The leaf conditions of a segment-rules tree ({"all"/"any": [...]} nesting)."""
    if isinstance(rules, dict) and ("all" in rules or "any" in rules):
        return sum(_count_conditions(part) for part in rules.get("all") or rules.get("any") or [])
    return 1 if isinstance(rules, dict) else 0


def _branch(node: dict) -> str:
    count = _count_conditions(node["rules"])
    return ngettext(
        "Checks %(count)s condition of the friend",
        "Checks %(count)s conditions of the friend",
        count,
    ) % {"count": count}


def split_path_name(node: dict, outlet: str) -> str:
    """A split path as the user reads it: its label when it has one ("Welcome series"), else
    its outlet name; the control path's label, else "Control". Tolerates a broken node."""
    if outlet == CONTROL:
        control = node.get("control")
        label = control.get("label") if isinstance(control, dict) else None
        return label or _("Control")
    for path in node.get("paths") or []:
        if isinstance(path, dict) and path.get("name") == outlet:
            return path.get("label") or outlet
    return outlet


def _split(node: dict) -> str:
    parts = [
        _("%(name)s %(weight)s %%")
        % {"name": split_path_name(node, path["name"]), "weight": int(path["weight"])}
        for path in node["paths"]
    ]
    if "control" in node:
        parts.append(
            _("%(name)s %(weight)s %%")
            % {"name": split_path_name(node, CONTROL), "weight": int(node["control"]["weight"])}
        )
    return _("Split: %(paths)s") % {"paths": ", ".join(parts)}


def _send(node: dict) -> str:
    count = len(node["messages"])
    text = ngettext("Send %(count)s message", "Send %(count)s messages", count) % {"count": count}
    if node.get("quiet_hours") == "drop":
        return _("%(send)s (dropped in quiet hours)") % {"send": text}
    return text


def _tags(node: dict, names: Names) -> str:
    added = [names.tag(tag_id) for tag_id in node.get("add", [])]
    removed = [names.tag(tag_id) for tag_id in node.get("remove", [])]
    parts = []
    if added:
        parts.append(_("add %(tags)s") % {"tags": ", ".join(added)})
    if removed:
        parts.append(_("remove %(tags)s") % {"tags": ", ".join(removed)})
    if not parts:
        raise ValueError("no tags")
    return _("Tags: %(changes)s") % {"changes": "; ".join(parts)}


def _switch_rich_menu(node: dict, names: Names) -> str:
    menu_id = node["menu_id"]
    name = names.rich_menus.get(menu_id) or _("rich menu %(id)s") % {"id": int(menu_id)}
    return _("Show the rich menu “%(name)s”") % {"name": name}


def _set_attribute(node: dict, names: Names) -> str:
    if "from_event" in node:
        return _("Set %(attribute)s from the event's %(property)s") % {
            "attribute": names.attribute(node["attribute"]),
            "property": node["from_event"],
        }
    return _("Set %(attribute)s to %(value)s") % {
        "attribute": names.attribute(node["attribute"]),
        "value": node["value"],
    }


def _webhook(node: dict) -> str:
    host = urlsplit(node["url"]).hostname
    if not host:
        raise ValueError(node["url"])
    return _("Call %(host)s") % {"host": host}


def _enrol(node: dict, names: Names) -> str:
    return _("Enrol into “%(journey)s”") % {"journey": names.journey(node["journey_id"])}


def _exit(node: dict) -> str:
    return _("The journey ends")


NODE_SUMMARIES: dict[str, Callable[..., str]] = {
    "wait": _wait,
    "wait_for_event": _wait_for_event,
    "branch": _branch,
    "split": _split,
    "send": _send,
    "tags": _tags,
    "set_attribute": _set_attribute,
    "switch_rich_menu": _switch_rich_menu,
    "webhook": _webhook,
    "enrol": _enrol,
    "exit": _exit,
}


def node_type_label(node) -> str:
    kind = NODE_TYPES.get(node.get("type")) if isinstance(node, dict) else None
    return str(kind.label) if kind else _("Unknown step")


NEEDS_NAMES = {"wait", "tags", "set_attribute", "enrol", "switch_rich_menu"}


def node_summary(node, names: Names = NO_NAMES) -> str:
    """One line for the node's card; its type label when the node is too broken to say more."""
    summarise = NODE_SUMMARIES.get(node.get("type")) if isinstance(node, dict) else None
    if summarise is None:
        return node_type_label(node)
    try:
        return summarise(node, names) if node["type"] in NEEDS_NAMES else summarise(node)
    except _SUMMARY_ERRORS:
        return node_type_label(node)


def _trigger_text(trigger: dict, names: Names) -> str:
    kind = trigger["kind"]
    if kind in ("custom_event", "item_event"):
        return _("When %(event)s happens") % {"event": trigger["event"]}
    if kind == "follow":
        return {
            "first": _("When a friend follows for the first time"),
            "refollow": _("When a friend follows again after blocking"),
            "any": _("When a friend follows"),
        }[trigger["follow"]]
    if kind == "message_keyword":
        return _("When a message says %(keywords)s") % {"keywords": ", ".join(trigger["keywords"])}
    if kind == "tag":
        if trigger["change"] == "added":
            return _("When the tag “%(tag)s” is added") % {"tag": names.tag(trigger["tag_id"])}
        return _("When the tag “%(tag)s” is removed") % {"tag": names.tag(trigger["tag_id"])}
    if kind == "form_answered":
        if trigger.get("answers") == "first":
            return _("When a friend first answers the form “%(form)s”") % {
                "form": names.form(trigger["form_id"])
            }
        return _("When a friend answers the form “%(form)s”") % {
            "form": names.form(trigger["form_id"])
        }
    if kind == "segment_entered":
        return _("When a friend enters the segment “%(segment)s”") % {
            "segment": names.segment(trigger["segment_id"])
        }
    if kind == "date_attribute":
        days = int(trigger["days_before"])
        values = {
            "attribute": names.attribute(trigger["attribute"]),
            "time": trigger["time"],
            "count": days,
        }
        if days:
            return (
                ngettext(
                    "%(count)s day before the date in %(attribute)s, at %(time)s",
                    "%(count)s days before the date in %(attribute)s, at %(time)s",
                    days,
                )
                % values
            )
        return _("On the date in %(attribute)s, at %(time)s") % values
    if kind == "scheduled_segment":
        return _("Every day at %(time)s") % {"time": trigger["time"]}
    return str(TRIGGER_KINDS[kind].label)


def trigger_summary(trigger, names: Names = NO_NAMES) -> str:
    """The trigger in plain words ("When cart_abandoned happens"); empty when there is none."""
    if not isinstance(trigger, dict) or trigger.get("kind") not in TRIGGER_KINDS:
        return ""
    try:
        return _trigger_text(trigger, names)
    except _SUMMARY_ERRORS:
        return str(TRIGGER_KINDS[trigger["kind"]].label)


def goal_summary(goal) -> str:
    """The goal in plain words; empty when the journey has none."""
    if not isinstance(goal, dict):
        return ""
    try:
        values = {"event": goal["event"], "window": duration_text(goal["window"])}
    except _SUMMARY_ERRORS:
        return _("A goal")
    if goal.get("exit_on_goal"):
        return _("%(event)s within %(window)s (the friend then leaves)") % values
    return _("%(event)s within %(window)s") % values
