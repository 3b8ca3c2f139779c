"""Copying a journey to another OA of the same workspace (an agency reusing a flow).

A graph names the OA's own objects by id (tags, segments, journeys) or key (attributes). Ids are
remapped by name to the target's objects; what the target lacks is listed as a problem naming
the node and field, and its id replaced by 0, which no object has, so the copy can never point
at an unrelated object of the target and the builder shows the field to fix. The copy is a
draft: nothing runs until an admin of the target activates it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from journeys.graph.problems import GraphProblem, join_path
from journeys.models import Journey
from journeys.services.access import DRAFT, require_role, role_of
from oa_console import audit
from oa_console.models import AuditAction, LineAccount, User
from oa_console.tenancy import tenant_scope
from richmenus.services.targeting import published_menus
from segments.selectors.attributes import attribute_definition_list
from segments.selectors.segments import segment_list
from segments.selectors.tags import tag_list

MISSING = 0


@dataclass
class _Mapping:
    """Source id -> (name, target id or None), per kind of object."""

    tags: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    segments: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    journeys: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    rich_menus: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    target_attributes: set[str] = field(default_factory=set)
    problems: list[GraphProblem] = field(default_factory=list)

    def remap(self, kind: str, value: Any, node_id: str | None, where: str) -> Any:
        table: dict[int, tuple[str, int | None]] = getattr(self, kind)
        if isinstance(value, bool) or not isinstance(value, int):
            return value
        name, target = table.get(value, ("", None))
        if target is not None:
            return target
        messages = {
            "tags": _("The OA has no tag named “%(name)s”: choose another tag."),
            "segments": _("The OA has no segment named “%(name)s”: choose another segment."),
            "journeys": _("The OA has no journey named “%(name)s”: choose another journey."),
            "rich_menus": _(
                "The OA has no published rich menu named “%(name)s”: choose another menu."
            ),
        }
        unknown = {
            "tags": _("The tag with id %(id)s does not exist any more: choose another tag."),
            "segments": _("The segment with id %(id)s does not exist any more."),
            "journeys": _("The journey with id %(id)s does not exist any more."),
            "rich_menus": _("The rich menu with id %(id)s is not published any more."),
        }
        message = (messages[kind] if name else unknown[kind]) % {"name": name, "id": value}
        self.problems.append(GraphProblem(node_id, where, f"copy_missing_{kind[:-1]}", message))
        return MISSING


def _named(queryset, label: str) -> dict[int, str]:
    return dict(queryset.values_list("pk", label))


def _mapping(source: LineAccount, target: LineAccount) -> _Mapping:
    """Each OA read inside its own tenant scope (the caller's may be either, or none)."""

    def table(source_names: dict[int, str], target_names: dict[int, str]) -> dict:
        by_name = {name: pk for pk, name in target_names.items()}
        return {pk: (name, by_name.get(name)) for pk, name in source_names.items()}

    with tenant_scope(workspace=source.workspace, account=source):
        source_tags = _named(tag_list(account=source), "name")
        source_segments = _named(segment_list(account=source), "name")
        source_journeys = _named(Journey.objects.for_account(source), "name")
        source_menus = _named(published_menus(source), "name")
    with tenant_scope(workspace=target.workspace, account=target):
        return _Mapping(
            tags=table(source_tags, _named(tag_list(account=target), "name")),
            segments=table(source_segments, _named(segment_list(account=target), "name")),
            journeys=table(source_journeys, _named(Journey.objects.for_account(target), "name")),
            rich_menus=table(source_menus, _named(published_menus(target), "name")),
            target_attributes=set(
                attribute_definition_list(account=target).values_list("key", flat=True)
            ),
        )


def _conditions(rules: Any, path: str) -> Iterator[tuple[dict, str]]:
    """Every condition of a segment-rules tree, with its JSON path."""
    if not isinstance(rules, dict):
        return
    for group in ("all", "any"):
        if isinstance(rules.get(group), list):
            for index, child in enumerate(rules[group]):
                yield from _conditions(child, join_path(join_path(path, group), index))
    if "not" in rules:
        yield from _conditions(rules["not"], join_path(path, "not"))
    if "field" in rules:
        yield rules, path


def _remap_rules(rules: Any, mapping: _Mapping, node_id: str | None, path: str) -> None:
    for condition, where in _conditions(rules, path):
        name = condition.get("field")
        value_path = join_path(where, "value")
        if name == "tag":
            value = condition.get("value")
            if isinstance(value, list):
                condition["value"] = [
                    mapping.remap("tags", item, node_id, join_path(value_path, index))
                    for index, item in enumerate(value)
                ]
            else:
                condition["value"] = mapping.remap("tags", value, node_id, value_path)
        elif name == "segment":
            condition["value"] = mapping.remap(
                "segments", condition.get("value"), node_id, value_path
            )
        elif isinstance(name, str) and name.startswith("attribute."):
            _attribute(name.removeprefix("attribute."), mapping, node_id, join_path(where, "field"))


def _attribute(key: Any, mapping: _Mapping, node_id: str | None, where: str) -> None:
    if isinstance(key, str) and key not in mapping.target_attributes:
        mapping.problems.append(
            GraphProblem(
                node_id,
                where,
                "copy_missing_attribute",
                _("The OA has no attribute “%(key)s”: add it or choose another.") % {"key": key},
            )
        )


def remap_graph(graph: dict, mapping: _Mapping) -> dict:
    """A copy of ``graph`` with the target's ids; ``mapping.problems`` lists what is missing."""
    graph = copy.deepcopy(graph)
    trigger = graph.get("trigger") if isinstance(graph.get("trigger"), dict) else {}
    if "tag_id" in trigger:
        trigger["tag_id"] = mapping.remap("tags", trigger["tag_id"], None, "trigger.tag_id")
    if "segment_id" in trigger:
        trigger["segment_id"] = mapping.remap(
            "segments", trigger["segment_id"], None, "trigger.segment_id"
        )
    if trigger.get("kind") == "date_attribute":
        _attribute(trigger.get("attribute"), mapping, None, "trigger.attribute")
    _remap_rules(trigger.get("rules"), mapping, None, "trigger.rules")
    entry = graph.get("entry") if isinstance(graph.get("entry"), dict) else {}
    _remap_rules(entry.get("audience"), mapping, None, "entry.audience")
    nodes = graph.get("nodes") if isinstance(graph.get("nodes"), dict) else {}
    for node_id, node in nodes.items():
        if not isinstance(node, dict):
            continue
        kind = node.get("type")
        if kind == "tags":
            for side in ("add", "remove"):
                if isinstance(node.get(side), list):
                    node[side] = [
                        mapping.remap("tags", tag, node_id, f"{side}[{index}]")
                        for index, tag in enumerate(node[side])
                    ]
        elif kind == "branch":
            _remap_rules(node.get("rules"), mapping, node_id, "rules")
        elif kind == "set_attribute":
            _attribute(node.get("attribute"), mapping, node_id, "attribute")
        elif kind == "switch_rich_menu":
            node["menu_id"] = mapping.remap("rich_menus", node.get("menu_id"), node_id, "menu_id")
        elif kind == "enrol" and "journey_id" in node:
            node["journey_id"] = mapping.remap(
                "journeys", node["journey_id"], node_id, "journey_id"
            )
    return graph


def _target_in_workspace(*, journey: Journey, target_account: LineAccount, user: User | None):
    """Another workspace's OA, or one the user may not see, looks exactly like a missing one."""
    if target_account.workspace_id != journey.account.workspace_id:
        raise Http404
    if user is not None and role_of(account=target_account, user=user) is None:
        raise Http404


@transaction.atomic
def journey_copy(
    *, journey: Journey, target_account: LineAccount, user: User | None, request=None
) -> Journey:
    """A draft copy of ``journey``'s graph being drafted in ``target_account``; the returned
    journey's ``copy_problems`` lists what the target lacks (also found by validation)."""
    _target_in_workspace(journey=journey, target_account=target_account, user=user)
    require_role(account=journey.account, user=user, minimum=DRAFT)
    require_role(account=target_account, user=user, minimum=DRAFT)
    mapping = _mapping(journey.account, target_account)
    graph = remap_graph(journey.draft_graph, mapping)
    same_oa = target_account.pk == journey.account_id
    name = (_("%(name)s (copy)") % {"name": journey.name}) if same_oa else journey.name
    with tenant_scope(workspace=target_account.workspace, account=target_account):
        created = Journey.objects.for_account(target_account).create(
            account=target_account,
            name=name[: Journey._meta.get_field("name").max_length],
            draft_graph=graph,
            created_by=user,
        )
        audit.record_on_object(
            AuditAction.JOURNEY_CREATED,
            created,
            request=request,
            acting_user=user,
            details={"copy_of": f"{journey.name} ({journey.account})"},
        )
    created.copy_problems = mapping.problems
    return created
