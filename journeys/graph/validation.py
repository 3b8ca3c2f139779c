"""``validate_graph``: every problem of a journey graph, each naming its node and field.

Three passes, each on what the one before accepted: the published JSON Schema (shape and
types), then each part's own checks (trigger, entry rules, goal, each node by its type), then
the structure of the flow (edges, outlets, reachability, loops without a wait). A node whose
fields break the schema is not checked further, so one mistake is reported once.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import jsonschema
from django.utils.translation import gettext as _

from journeys.graph.context import (
    CheckContext,
    conditions_problems,
    duration_problems,
    rules_problems,
)
from journeys.graph.nodes import NODE_TYPES
from journeys.graph.problems import GraphProblem, join_path, schema_message
from journeys.graph.schema import graph_schema
from journeys.graph.structure import structure_problems
from journeys.graph.triggers import TRIGGER_KINDS, trigger_variables

# JSON Schema counts 2.0 as an integer; amounts and ids must be JSON integers.
_StrictValidator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        "integer",
        lambda _checker, instance: isinstance(instance, int) and not isinstance(instance, bool),
    ),
)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return _StrictValidator(graph_schema())


def validate_graph(graph, *, context: CheckContext | None = None) -> list[GraphProblem]:
    """Every problem of ``graph``; empty when it can be published. ``context`` adds what only
    the OA knows (tags, attributes, journeys); without it those look-ups are skipped."""
    context = context or CheckContext()
    schema_problems = _schema_problems(graph)
    if not isinstance(graph, dict):
        return schema_problems
    broken_nodes = {p.node_id for p in schema_problems if p.node_id is not None}
    broken_parts = {
        p.field.split(".")[0].split("[")[0] for p in schema_problems if p.node_id is None
    }
    problems = list(schema_problems)
    trigger = graph.get("trigger")
    if "trigger" not in broken_parts and isinstance(trigger, dict):
        context = replace(context, variables=trigger_variables(trigger))
        problems += TRIGGER_KINDS[trigger["kind"]].check(trigger, context)
        if "entry" not in broken_parts and "entry" in graph:
            problems += _entry_problems(graph["entry"], context)
    if "goal" not in broken_parts and "goal" in graph:
        goal = graph["goal"]
        problems += conditions_problems(goal.get("conditions", []), None, "goal.conditions")
        problems += duration_problems(goal["window"], None, "goal.window")
    nodes = graph.get("nodes")
    if not isinstance(nodes, dict):
        return problems
    context = replace(
        context,
        node_types={
            node_id: node.get("type") for node_id, node in nodes.items() if isinstance(node, dict)
        },
    )
    for node_id, node in nodes.items():
        if node_id not in broken_nodes and isinstance(node, dict):
            problems += NODE_TYPES[node["type"]].check(node_id, node, context)
    if not broken_parts & {"", "nodes", "edges", "start"} and not broken_nodes:
        problems += structure_problems(graph["start"], nodes, graph["edges"])
    return problems


def _schema_problems(graph) -> list[GraphProblem]:
    problems = []
    seen: set[tuple[str | None, str]] = set()
    errors = sorted(_validator().iter_errors(graph), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        node_id, where = _locate(list(error.absolute_path))
        for field, message in _field_messages(error, where):
            if (node_id, field) in seen:
                continue  # one problem per field is enough to fix it
            seen.add((node_id, field))
            problems.append(GraphProblem(node_id, field, "schema", message))
    return problems


def _field_messages(error: jsonschema.ValidationError, where: str) -> list[tuple[str, str]]:
    """A missing or unknown field is the problem's field (each one its own problem), not the
    object that lacks or has it."""
    if error.validator == "required" and isinstance(error.instance, dict):
        return [
            (join_path(where, name), _("The field %(field)s is required.") % {"field": name})
            for name in error.validator_value
            if name not in error.instance
        ]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        return [
            (join_path(where, name), _("Unknown field: %(fields)s.") % {"fields": name})
            for name in sorted(error.instance)
            if name not in known
        ]
    return [(where, schema_message(error))]


def _locate(path: list) -> tuple[str | None, str]:
    """A JSON path in the graph -> (node id, field inside the node). Edges belong to the node
    they leave: ``edges.wait_1h.next`` is ``wait_1h``'s field ``edges.next``."""
    if len(path) >= 2 and path[0] in ("nodes", "edges"):
        node_id, rest = str(path[1]), path[2:]
        field = "edges" if path[0] == "edges" else ""
    else:
        node_id, rest, field = None, path, ""
    for part in rest:
        field = join_path(field, part)
    return node_id, field


def _entry_problems(entry: dict, context: CheckContext) -> list[GraphProblem]:
    problems = []
    if "audience" in entry:
        problems += rules_problems(entry["audience"], context, None, "entry.audience")
    reentry = entry["reentry"]
    if (reentry["policy"] == "after_days") != ("days" in reentry):
        problems.append(
            GraphProblem(
                None,
                "entry.reentry.days",
                "reentry_days",
                _("Give the number of days only when friends may enter again after some days."),
            )
        )
    dedupe = entry.get("dedupe_property")
    if dedupe is not None and context.variables is not None and dedupe not in context.variables:
        problems.append(
            GraphProblem(
                None,
                "entry.dedupe_property",
                "unknown_variable",
                _("The trigger does not provide the property %(name)s.") % {"name": dedupe},
            )
        )
    return problems
