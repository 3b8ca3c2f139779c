"""The drawn flow: every node once, branches side by side, joins below, loops as links."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from journeys.flow import FlowBranch, FlowCard, FlowLink, Names, flow_layout
from journeys.starters import STARTERS
from tests.journeys.graph.helpers import graph


def outline(steps) -> list:
    """The layout as nested plain data: card ids, ("branch", {outlet: [...]}), (reason, id)."""
    result = []
    for step in steps:
        if isinstance(step, FlowCard):
            result.append(step.node_id)
        elif isinstance(step, FlowBranch):
            result.append(("branch", {c.outlet: outline(c.steps) for c in step.columns}))
        else:
            assert isinstance(step, FlowLink)
            result.append((step.reason, step.target_id))
    return result


def card_ids(steps) -> list[str]:
    found = []
    for step in steps:
        if isinstance(step, FlowCard):
            found.append(step.node_id)
        elif isinstance(step, FlowBranch):
            for column in step.columns:
                found += card_ids(column.steps)
    return found


@pytest.mark.parametrize("key", sorted(STARTERS))
def test_every_starter_draws_each_node_exactly_once_from_the_start(key):
    starter_graph = STARTERS[key].graph()
    layout = flow_layout(starter_graph)
    assert sorted(card_ids(layout.steps)) == sorted(starter_graph["nodes"])
    assert layout.detached == [] and layout.continued == []
    assert layout.trigger
    html = render_to_string("journeys/components/flow.html", {"flow": layout})
    for node_id in starter_graph["nodes"]:
        assert html.count(f'id="flow-node-{node_id}"') == 1


def test_cart_abandonment_reads_as_plain_words():
    layout = flow_layout(STARTERS["cart_abandonment"].graph())
    assert outline(layout.steps) == ["wait_1h", "reminder", "wait_24h", "coupon", "end"]
    cards = layout.cards
    assert cards["wait_1h"].summary == "Wait 1 hour"
    assert cards["reminder"].summary == "Send 2 messages"
    assert cards["reminder"].type_label == "Send messages"
    assert cards["reminder"].title == "Cart reminder"
    assert cards["wait_1h"].is_start and not cards["reminder"].is_start
    assert layout.trigger == "When cart_abandoned happens"
    assert layout.goal == "purchase within 7 days (the friend then leaves)"


def test_welcome_series_branches_side_by_side_and_joins_below():
    layout = flow_layout(STARTERS["welcome_series"].graph())
    assert outline(layout.steps) == [
        "day_0",
        "wait_3d",
        "engaged",
        (
            "branch",
            {
                "yes": ["day_3_engaged", ("joins", "wait_4d")],
                "no": ["day_3_nudge", ("joins", "wait_4d")],
            },
        ),
        "wait_4d",
        "day_7",
        "end",
    ]
    branch = layout.steps[3]
    assert [column.label for column in branch.columns] == ["Yes", "No"]


def test_win_back_path_that_goes_straight_to_the_join_says_so():
    layout = flow_layout(STARTERS["win_back"].graph())
    branch = layout.steps[2]
    assert outline(branch.columns[0].steps) == [("joins", "end")]
    assert [c.label for c in branch.columns] == ["The event came", "Timed out"]
    assert layout.cards["wait_purchase"].summary == "Wait up to 7 days for purchase"


def test_a_loop_back_is_a_link_not_a_second_drawing():
    looped = graph(
        start="wait",
        nodes={
            "wait": {"type": "wait", "mode": "duration", "duration": {"amount": 1, "unit": "days"}},
            "check": {"type": "branch", "label": "Bought?", "rules": {"all": []}},
            "end": {"type": "exit"},
        },
        edges={"wait": {"next": "check"}, "check": {"yes": "end", "no": "wait"}},
    )
    layout = flow_layout(looped)
    assert outline(layout.steps) == [
        "wait",
        "check",
        ("branch", {"yes": ["end"], "no": [("continues", "wait")]}),
    ]
    html = render_to_string("journeys/components/flow.html", {"flow": layout})
    assert html.count('id="flow-node-wait"') == 1
    assert 'href="#flow-node-wait"' in html
    assert "Continues at “1 day”" not in html  # the wait has no label: its type is its title
    assert "Continues at “Wait”" in html


def test_a_shared_target_reached_from_a_deeper_path_is_drawn_once():
    shared = graph(
        start="split",
        nodes={
            "split": {
                "type": "split",
                "paths": [{"name": "a", "weight": 50}, {"name": "b", "weight": 40}],
                "control": {"weight": 10},
            },
            "send_a": {
                "type": "send",
                "quiet_hours": "defer",
                "messages": [{"type": "text", "text": "A"}],
            },
            "send_b": {
                "type": "send",
                "quiet_hours": "drop",
                "messages": [{"type": "text", "text": "B"}],
            },
            "end": {"type": "exit"},
            "stop": {"type": "exit", "label": "Holdout"},
        },
        edges={
            "split": {"a": "send_a", "b": "send_b", "control": "stop"},
            "send_a": {"next": "end"},
            "send_b": {"next": "end"},
        },
    )
    layout = flow_layout(shared)
    assert outline(layout.steps) == [
        "split",
        (
            "branch",
            {"a": ["send_a", "end"], "b": ["send_b", ("continues", "end")], "control": ["stop"]},
        ),
    ]
    labels = [column.label for column in layout.steps[1].columns]
    assert labels == ["a · 50 %", "b · 40 %", "Control · 10 %"]
    assert layout.cards["split"].summary == "Split: a 50 %, b 40 %, Control 10 %"
    assert layout.cards["send_b"].summary == "Send 1 message (dropped in quiet hours)"


def test_a_half_written_draft_still_draws_with_its_gaps_shown():
    draft = graph(
        start="wait",
        nodes={
            "wait": {"type": "wait", "mode": "duration"},  # no duration yet
            "check": {"type": "wait_for_event", "event": "purchase"},  # no timeout yet
            "lost": {"type": "send", "messages": "oops"},
            "ghost": {"type": "no_such_type"},
        },
        edges={
            "wait": {"next": "check"},
            "check": {"matched": "nowhere"},
            "lost": {"next": "ghost"},
        },
    )
    layout = flow_layout(draft, {"wait": {"problems": ["The field duration is required."]}})
    assert outline(layout.steps) == [
        "wait",
        "check",
        ("branch", {"matched": [("missing", "nowhere")], "timed_out": [("open", "")]}),
    ]
    assert layout.cards["wait"].summary == "Wait"
    assert [outline(steps) for steps in layout.detached] == [["lost", "ghost"]]
    assert layout.cards["ghost"].type_label == "Unknown step"
    html = render_to_string("journeys/components/flow.html", {"flow": layout})
    assert "The field duration is required." in html
    assert "Leads to “nowhere”, which does not exist" in html
    assert "Not connected yet" in html
    assert "Not reached from the start" in html


@pytest.mark.parametrize("broken", [None, [], {"nodes": []}, {"start": "x", "nodes": {"x": 1}}])
def test_a_graph_that_is_not_a_graph_draws_an_empty_flow(broken):
    layout = flow_layout(broken)
    assert layout.steps == []
    html = render_to_string("journeys/components/flow.html", {"flow": layout})
    assert "This journey has no steps yet." in html


def test_figures_from_the_stats_view_show_on_their_card():
    layout = flow_layout(
        STARTERS["price_drop"].graph(),
        {"alert": {"figures": [{"label": "Sent", "value": "1,204"}]}},
    )
    html = render_to_string("journeys/components/flow.html", {"flow": layout})
    card = html[html.index('id="flow-node-alert"') : html.index('id="flow-node-end"')]
    assert "<dt>Sent</dt><dd>1,204</dd>" in card


def test_deep_nesting_continues_in_its_own_section():
    nodes, edges = {}, {}
    depth = 12
    for level in range(depth):
        nodes[f"b{level}"] = {"type": "branch", "rules": {"all": []}}
        edges[f"b{level}"] = {"yes": f"b{level + 1}" if level + 1 < depth else "end", "no": "end"}
    nodes["end"] = {"type": "exit"}
    layout = flow_layout(graph(start="b0", nodes=nodes, edges=edges))
    drawn = card_ids(layout.steps) + [i for steps in layout.continued for i in card_ids(steps)]
    assert sorted(drawn) == sorted(nodes)
    assert layout.continued
    html = render_to_string("journeys/components/flow.html", {"flow": layout})
    assert "Continued" in html


def test_names_of_the_oa_replace_ids_in_the_summaries():
    tagged = graph(
        trigger={"kind": "tag", "tag_id": 3, "change": "added"},
        start="tag",
        nodes={
            "tag": {"type": "tags", "add": [3, 9], "remove": [4]},
            "more": {"type": "enrol", "journey_id": 12},
            "end": {"type": "exit"},
        },
        edges={"tag": {"next": "more"}, "more": {"next": "end"}},
    )
    names = Names(tags={3: "VIP", 4: "Lapsed"}, journeys={12: "Welcome"})
    layout = flow_layout(tagged, names=names)
    assert layout.trigger == "When the tag “VIP” is added"
    assert layout.cards["tag"].summary == "Tags: add VIP, tag 9; remove Lapsed"
    assert layout.cards["more"].summary == "Enrol into “Welcome”"
    assert flow_layout(tagged).cards["more"].summary == "Enrol into “journey 12”"
