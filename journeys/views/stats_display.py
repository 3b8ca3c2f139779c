"""The journey's figures put into words for its page: each node's figures on its flow card,
and conversion per split arm against the control in plain sentences."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from journeys.flow import outlet_label
from journeys.flow.summaries import split_path_name
from journeys.graph.nodes import NODE_TYPES
from journeys.graph.nodes.split import CONTROL

# Node types whose paths are worth counting one by one (one "next" path says nothing more
# than "entered").
SEND = "send"


def _n(value) -> str:
    return number_format(value, force_grouping=True)


def _percent(share: float | None) -> str:
    return (
        "—"
        if share is None
        else _("%(value)s %%") % {"value": number_format(round(100 * share, 1), 1)}
    )


def node_annotations(graph: dict, stats: dict) -> dict[str, dict]:
    """``{node_id: {"figures": [{label, value}]}}`` for the flow component's cards."""
    annotations = {}
    for node_id, node in (graph.get("nodes") or {}).items():
        figures = stats.get(node_id)
        if figures is None or not isinstance(node, dict):
            continue
        shown = [{"label": _("Entered"), "value": _n(figures.entered)}]
        node_type = NODE_TYPES.get(node.get("type"))
        if figures.in_flight or (node_type and node_type.waits):
            shown.append({"label": _("Waiting now"), "value": _n(figures.waiting)})
        outlets = node_type.outlets(node) if node_type else ()
        if len(outlets) > 1 or len(figures.passed) > 1:
            for outlet in sorted(set(outlets) | set(figures.passed)):
                shown.append(
                    {
                        "label": _("Path %(path)s") % {"path": outlet_label(node, outlet)},
                        "value": _n(figures.passed.get(outlet, 0)),
                    }
                )
        if node.get("type") == SEND:
            shown += [
                {"label": _("Sent"), "value": _n(figures.sent)},
                {"label": _("Delivered"), "value": _n(figures.delivered)},
                {"label": _("Clicks"), "value": _n(figures.clicks)},
            ]
            if figures.held:
                shown.append({"label": _("Held back"), "value": _n(figures.held)})
            if figures.failed:
                shown.append({"label": _("Failed"), "value": _n(figures.failed)})
        if figures.conversions:
            shown += [
                {"label": _("Conversions"), "value": _n(figures.conversions)},
                {"label": _("Revenue"), "value": _n(figures.revenue)},
            ]
        annotations[node_id] = {"figures": shown}
    return annotations


def _interval(bounds: tuple[float, float] | None) -> str:
    if bounds is None:
        return ""
    return _("%(low)s to %(high)s") % {"low": _percent(bounds[0]), "high": _percent(bounds[1])}


def _arm_names(graph: dict) -> dict[str, str]:
    """Each split path's name as the user reads it (its label), by arm (its outlet)."""
    names: dict[str, str] = {}
    for node in (graph.get("nodes") or {}).values():
        if not isinstance(node, dict) or node.get("type") != "split":
            continue
        paths = [path for path in node.get("paths") or [] if isinstance(path, dict)]
        for outlet in [*(path.get("name") for path in paths), CONTROL]:
            names.setdefault(outlet, split_path_name(node, outlet))
    return names


def arm_sentences(arms: list, graph: dict) -> list[dict]:
    """One line per arm: its conversion with its 95 % interval, and for the other arms how it
    compares with the control, saying whether the difference is clear yet. An arm is called
    as its split path is on the flow (``graph``'s labels)."""
    names = _arm_names(graph)
    lines = []
    for arm in arms:
        name = names.get(arm.arm) or (_("Control") if arm.is_control else arm.arm)
        rate = _(
            "%(converted)s of %(enrolled)s friends converted (%(rate)s; 95 %% interval "
            "%(interval)s)."
        ) % {
            "converted": _n(arm.converted),
            "enrolled": _n(arm.enrolled),
            "rate": _percent(arm.rate),
            "interval": _interval(arm.interval) or "—",
        }
        verdict = ""
        if arm.difference is not None and arm.difference_interval is not None:
            low, high = arm.difference_interval
            values = {
                "points": number_format(round(abs(arm.difference) * 100, 1), 1),
                "low": number_format(round(low * 100, 1), 1),
                "high": number_format(round(high * 100, 1), 1),
            }
            if low > 0:
                verdict = (
                    _(
                        "Converts %(points)s points more than the control (95 %% interval %(low)s to "
                        "%(high)s points): a clear improvement."
                    )
                    % values
                )
            elif high < 0:
                verdict = (
                    _(
                        "Converts %(points)s points less than the control (95 %% interval %(low)s to "
                        "%(high)s points): clearly worse."
                    )
                    % values
                )
            else:
                verdict = (
                    _(
                        "Against the control: %(low)s to %(high)s points (95 %% interval), so no "
                        "clear difference yet."
                    )
                    % values
                )
        elif not arm.is_control:
            verdict = _("No control path to compare with yet.")
        lines.append(
            {
                "name": name,
                "is_control": arm.is_control,
                "rate": rate,
                "verdict": verdict,
                "arm": arm,
            }
        )
    return lines
