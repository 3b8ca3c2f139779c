"""A journey graph laid out as a top-to-bottom flow that HTML and CSS alone can draw.

The flow is a list of steps: a node's card, a branch (its paths side by side, one column each)
or a link ("continues at …") where the flow reaches a node already drawn elsewhere, so no node
is ever drawn twice. Paths that join again (a branch whose yes and no both lead to the same
wait) are closed where they meet: the columns end there and the shared node follows below the
branch. A loop back to an earlier node is a link to it. Nodes no path from the start reaches are
drawn apart, so the builder can still show (and fix) them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import ClassVar

from django.utils.translation import gettext as _

from journeys.flow.summaries import (
    NO_NAMES,
    Names,
    goal_summary,
    node_summary,
    node_type_label,
    split_path_name,
    trigger_summary,
)
from journeys.graph.nodes import NODE_TYPES

# Branches nested deeper than this are drawn as their own section below the flow: each level is
# a column inside a column, unreadable on a phone long before it strains the template engine.
MAX_DEPTH = 8


@dataclass
class FlowCard:
    """One node. ``annotation`` is what the page adds to the card (problems, figures)."""

    kind: ClassVar[str] = "card"
    node_id: str
    node_type: str
    type_label: str
    title: str
    summary: str
    is_start: bool
    outlets: tuple[str, ...]
    annotation: dict = field(default_factory=dict)
    # (outlet, its label) for each path out of the node.
    paths: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class FlowLink:
    """Where a path does not go on to a new card: ``continues`` at a node drawn elsewhere (a
    loop or two paths meeting), ``joins`` the flow below the branch, ``missing`` (the edge
    names a node that does not exist) or ``open`` (the outlet is not connected yet)."""

    kind: ClassVar[str] = "link"
    reason: str
    source_id: str
    outlet: str
    target_id: str = ""
    target_title: str = ""


@dataclass
class FlowColumn:
    outlet: str
    label: str
    steps: list = field(default_factory=list)


@dataclass
class FlowBranch:
    """The paths out of one node, side by side."""

    kind: ClassVar[str] = "branch"
    node_id: str
    columns: list[FlowColumn]


@dataclass
class FlowLayout:
    trigger: str
    goal: str
    steps: list
    # Parts of the flow nested too deep to draw in place, each reached by a "continues" link.
    continued: list[list] = field(default_factory=list)
    # Nodes that no path from the start reaches.
    detached: list[list] = field(default_factory=list)
    cards: dict[str, FlowCard] = field(default_factory=dict)


def outlet_label(node: dict, outlet: str) -> str:
    """The name of a path as the user reads it above its column."""
    fixed = {
        "next": _("Next"),
        "yes": _("Yes"),
        "no": _("No"),
        "matched": _("The event came"),
        "timed_out": _("Timed out"),
        "failed": _("Failed"),
    }
    if node.get("type") == "split":
        weights = {
            p.get("name"): p.get("weight") for p in node.get("paths", []) if isinstance(p, dict)
        }
        if outlet == "control":
            control = node.get("control")
            weights[outlet] = control.get("weight") if isinstance(control, dict) else None
        name = split_path_name(node, outlet)
        if weights.get(outlet) is not None:
            return _("%(name)s · %(weight)s %%") % {"name": name, "weight": weights[outlet]}
        return name
    return str(fixed.get(outlet, outlet))


def _outlets(node: dict, connected: dict) -> tuple[str, ...]:
    """The node type's outlets, then any edge under a name the type does not have (a problem
    the builder shows, drawn so the user can see where it goes)."""
    kind = NODE_TYPES.get(node.get("type"))
    try:
        declared = tuple(kind.outlets(node)) if kind else ()
    except (KeyError, TypeError, AttributeError):
        declared = ()
    return declared + tuple(name for name in connected if name not in declared)


class _Builder:
    def __init__(self, graph: dict, annotations: dict[str, dict], names: Names):
        self.names = names
        nodes = graph.get("nodes")
        self.nodes = {
            node_id: node
            for node_id, node in (nodes.items() if isinstance(nodes, dict) else ())
            if isinstance(node, dict)
        }
        edges = graph.get("edges")
        edges = edges if isinstance(edges, dict) else {}
        self.edges = {
            source: {o: t for o, t in outlets.items() if isinstance(t, str)}
            for source, outlets in edges.items()
            if isinstance(outlets, dict)
        }
        self.start = graph.get("start")
        self.annotations = annotations
        self.placed: set[str] = set()
        self.cards: dict[str, FlowCard] = {}
        self.continued: list[list] = []

    def title(self, node_id: str) -> str:
        node = self.nodes[node_id]
        label = node.get("label")
        return label if isinstance(label, str) and label else node_type_label(node)

    def card(self, node_id: str) -> FlowCard:
        node = self.nodes[node_id]
        card = FlowCard(
            node_id=node_id,
            node_type=str(node.get("type", "")),
            type_label=node_type_label(node),
            title=self.title(node_id),
            summary=node_summary(node, self.names),
            is_start=node_id == self.start,
            outlets=_outlets(node, self.edges.get(node_id, {})),
            annotation=self.annotations.get(node_id, {}),
        )
        card.paths = [(outlet, outlet_label(node, outlet)) for outlet in card.outlets]
        self.cards[node_id] = card
        return card

    def link(self, source: str, outlet: str, target: str) -> FlowLink:
        if target not in self.nodes:
            return FlowLink("missing", source, outlet, target, target)
        return FlowLink("continues", source, outlet, target, self.title(target))

    def successors(self, node_id: str) -> list[str]:
        return [t for t in self.edges.get(node_id, {}).values() if t in self.nodes]

    def distances(self, origin: str) -> dict[str, int]:
        seen, queue = {origin: 0}, deque([origin])
        while queue:
            current = queue.popleft()
            for target in self.successors(current):
                if target not in seen:
                    seen[target] = seen[current] + 1
                    queue.append(target)
        return seen

    def meeting_point(self, node_id: str, targets: list[str | None]) -> str | None:
        """The nearest node every path of the branch reaches (where they join again)."""
        if not targets or any(
            t is None or t not in self.nodes or t in self.placed for t in targets
        ):
            return None
        reach = [self.distances(t) for t in targets]
        common = set(reach[0]).intersection(*reach[1:]) - self.placed - {node_id}
        if not common:
            return None
        return min(common, key=lambda n: (max(r[n] for r in reach), sum(r[n] for r in reach), n))

    def sequence(self, first: str, stops: frozenset[str], depth: int) -> list:
        """The cards from ``first`` down to a stop (where an enclosing branch joins), an exit,
        an open outlet or a node drawn already."""
        steps: list = []
        current: str | None = first
        while current is not None and current not in stops:
            if current in self.placed:
                source = steps[-1].node_id if steps else ""
                steps.append(self.link(source, "", current))
                break
            self.placed.add(current)
            card = self.card(current)
            steps.append(card)
            connected = self.edges.get(current, {})
            if len(card.outlets) > 1:
                current = self.branch(current, card.outlets, connected, stops, depth, steps)
                continue
            if not card.outlets:
                break
            outlet = card.outlets[0]
            target = connected.get(outlet)
            if target is None:
                steps.append(FlowLink("open", current, outlet))
                break
            if target not in self.nodes or target in self.placed:
                steps.append(self.link(current, outlet, target))
                break
            current = target
        return steps

    def branch(self, node_id, outlets, connected, stops, depth, steps) -> str | None:
        """Append the branch of ``node_id``; answer where the flow goes on below it."""
        targets = [connected.get(outlet) for outlet in outlets]
        meeting = self.meeting_point(node_id, targets)
        inner_stops = stops | {meeting} if meeting else stops
        columns = []
        for outlet, target in zip(outlets, targets, strict=True):
            column = FlowColumn(outlet, outlet_label(self.nodes[node_id], outlet))
            if target is None:
                column.steps.append(FlowLink("open", node_id, outlet))
            elif target == meeting:
                column.steps.append(FlowLink("joins", node_id, outlet, target, self.title(target)))
            elif target not in self.nodes or target in self.placed or target in stops:
                column.steps.append(self.link(node_id, outlet, target))
            elif depth >= MAX_DEPTH:
                column.steps.append(self.link(node_id, outlet, target))
                self.continued.append((target, inner_stops))
            else:
                column.steps = self.sequence(target, inner_stops, depth + 1)
                last = column.steps[-1] if column.steps else None
                if meeting and not isinstance(last, FlowLink):
                    column.steps.append(
                        FlowLink("joins", node_id, outlet, meeting, self.title(meeting))
                    )
            columns.append(column)
        steps.append(FlowBranch(node_id, columns))
        return meeting


def flow_layout(
    graph, annotations: dict[str, dict] | None = None, *, names: Names = NO_NAMES
) -> FlowLayout:
    """Lay ``graph`` (a draft may be half written) out for ``journeys/components/flow.html``.

    ``annotations`` maps a node id to what the page shows on that node's card: the builder
    passes ``{"problems": [...]}``, the stats view ``{"figures": [...]}``. ``names`` gives the
    OA's names of the tags, segments and journeys the graph names by id."""
    graph = graph if isinstance(graph, dict) else {}
    builder = _Builder(graph, annotations or {}, names)
    steps = (
        builder.sequence(builder.start, frozenset(), 0) if builder.start in builder.nodes else []
    )
    continued = []
    while builder.continued:
        target, stops = builder.continued.pop(0)
        if target not in builder.placed:
            continued.append(builder.sequence(target, frozenset(stops), 0))
    detached = []
    incoming = {
        t for s, outlets in builder.edges.items() if s in builder.nodes for t in outlets.values()
    }
    for pass_roots_only in (True, False):
        for node_id in builder.nodes:
            if node_id in builder.placed or (pass_roots_only and node_id in incoming):
                continue
            detached.append(builder.sequence(node_id, frozenset(), 0))
    return FlowLayout(
        trigger=trigger_summary(graph.get("trigger"), names),
        goal=goal_summary(graph.get("goal")),
        steps=steps,
        continued=continued,
        detached=detached,
        cards=builder.cards,
    )
