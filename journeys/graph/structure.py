"""The shape of the flow: every edge leads somewhere, every outlet is connected, every node can
be reached from the start, and no loop lets a friend go round without waiting."""

from __future__ import annotations

from django.utils.translation import gettext as _

from journeys.graph.nodes import NODE_TYPES
from journeys.graph.problems import GraphProblem


def structure_problems(
    start: str, nodes: dict[str, dict], edges: dict[str, dict]
) -> list[GraphProblem]:
    """``nodes`` maps id -> node with a registered type; ``edges`` id -> {outlet: id}."""
    problems: list[GraphProblem] = []
    if start not in nodes:
        problems.append(
            GraphProblem(
                None, "start", "unknown_start", _("No node %(id)s to start at.") % {"id": start}
            )
        )
    successors: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    for source, outlets in edges.items():
        if source not in nodes:
            problems.append(
                GraphProblem(
                    source, "edges", "dangling_edge", _("Edges leave a node that does not exist.")
                )
            )
            continue
        allowed = NODE_TYPES[nodes[source]["type"]].outlets(nodes[source])
        for outlet, target in outlets.items():
            field = f"edges.{outlet}"
            if outlet not in allowed:
                problems.append(
                    GraphProblem(
                        source,
                        field,
                        "unknown_outlet",
                        _("This node has no path called %(outlet)s.") % {"outlet": outlet},
                    )
                )
            elif target not in nodes:
                problems.append(
                    GraphProblem(
                        source,
                        field,
                        "dangling_edge",
                        _("This path leads to %(id)s, which does not exist.") % {"id": target},
                    )
                )
            else:
                successors[source].append(target)
    for node_id, node in nodes.items():
        connected = edges.get(node_id, {})
        problems += [
            GraphProblem(
                node_id,
                f"edges.{outlet}",
                "missing_outlet",
                _("Connect the path %(outlet)s to a next step.") % {"outlet": outlet},
            )
            for outlet in NODE_TYPES[node["type"]].outlets(node)
            if outlet not in connected
        ]
    reached = _reachable(start, successors) if start in nodes else set()
    problems += [
        GraphProblem(node_id, "", "unreachable", _("No path from the start reaches this node."))
        for node_id in nodes
        if node_id not in reached
    ]
    problems += _loops_without_wait(nodes, successors)
    return problems


def _reachable(start: str, successors: dict[str, list[str]]) -> set[str]:
    reached, stack = {start}, [start]
    while stack:
        for target in successors[stack.pop()]:
            if target not in reached:
                reached.add(target)
                stack.append(target)
    return reached


def _loops_without_wait(
    nodes: dict[str, dict], successors: dict[str, list[str]]
) -> list[GraphProblem]:
    """A loop whose nodes all pass a friend on at once would run forever within one step:
    find the strongly connected parts of the graph left after removing the waiting nodes."""
    instant = {
        node_id: [t for t in successors[node_id] if not NODE_TYPES[nodes[t]["type"]].waits]
        for node_id in nodes
        if not NODE_TYPES[nodes[node_id]["type"]].waits
    }
    problems = []
    for component in _strongly_connected(instant):
        looping = len(component) > 1 or component[0] in instant[component[0]]
        if not looping:
            continue
        others = ", ".join(sorted(component))
        problems += [
            GraphProblem(
                node_id,
                "",
                "loop_without_wait",
                _("This node is on a loop without a wait (%(nodes)s): add a wait to the loop.")
                % {"nodes": others},
            )
            for node_id in sorted(component)
        ]
    return problems


def _strongly_connected(successors: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (a graph of 200 nodes must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in successors:
        if root in index:
            continue
        work = [(root, iter(successors[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components
