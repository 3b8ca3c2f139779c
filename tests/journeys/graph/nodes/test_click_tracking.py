"""A send node's ``click_tracking`` and a branch's ``clicked``: what the schema accepts, and a
refusal that names the node and the field."""

import pytest

from journeys.graph.validation import validate_graph
from tests.journeys.graph.helpers import problems, with_node

TEXT = [{"type": "text", "text": "See https://shop.example/sale"}]


def send(**fields):
    node = {"type": "send", "quiet_hours": "defer", "messages": TEXT, **fields}
    return with_node("msg", node, {"next": "send"})


@pytest.mark.parametrize("mode", ["friend", "node", "off"])
def test_each_tracking_mode_is_accepted(mode):
    assert validate_graph(send(click_tracking=mode)) == []


def test_tracking_may_be_left_out():
    assert validate_graph(send()) == []


@pytest.mark.parametrize("mode", ["sometimes", "", None, 1])
def test_an_unknown_mode_is_refused_naming_the_node_and_field(mode):
    assert problems(send(click_tracking=mode)) == {("msg", "click_tracking", "schema")}


def branch(**fields):
    node = {"type": "branch", "rules": {"all": []}, **fields}
    return with_node("engaged", node, {"yes": "send", "no": "send"})


def test_a_branch_may_ask_for_a_click_on_send_steps():
    assert validate_graph(branch(clicked=["send"])) == []


@pytest.mark.parametrize("clicked", [[], ["send", "send"], ["not an id!"], "send"])
def test_a_malformed_click_condition_is_refused(clicked):
    assert {
        (node, field.split("[")[0], code) for node, field, code in problems(branch(clicked=clicked))
    } == {("engaged", "clicked", "schema")}


def test_a_branch_may_only_ask_for_clicks_on_send_steps_of_the_graph():
    assert problems(branch(clicked=["send", "wait", "nowhere"])) == {
        ("engaged", "clicked[1]", "clicked_not_send"),
        ("engaged", "clicked[2]", "clicked_not_send"),
    }
