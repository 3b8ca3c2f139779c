"""A branch's send-step checkboxes: each send step by the words a person recognises it by, and
no more ticked than the graph allows."""

from __future__ import annotations

from journeys.forms.choices import Choices, send_step_choices
from journeys.forms.nodes import NodeForm


def send(*messages, label=None) -> dict:
    node = {"type": "send", "messages": list(messages)}
    if label is not None:
        node["label"] = label
    return node


def test_send_steps_are_titled_by_label_else_their_first_message():
    graph = {
        "nodes": {
            "hello": send({"type": "text", "text": "Hi"}, label="Welcome"),
            "wait": {"type": "wait", "mode": "duration"},
            "long": send(
                {"type": "text", "text": "Thanks for  joining!\nHere is your coupon code"}
            ),
            "flex": send({"type": "flex", "altText": "Your cart", "contents": {}}),
            "sticker": send({"type": "sticker", "packageId": "1", "stickerId": "2"}),
            "again": send({"type": "text", "text": "Hi"}, label="Welcome"),
        }
    }
    assert send_step_choices(graph) == [
        ("hello", "Welcome (hello)"),
        # Whitespace folded, cut at 40 characters with an ellipsis.
        ("long", "Send: Thanks for joining! Here is your coupon…"),
        ("flex", "Send: Your cart"),
        ("sticker", "Send 1 message"),
        ("again", "Welcome (again)"),
    ]
    assert send_step_choices({"nodes": "broken"}) == []
    assert send_step_choices(None) == []


def test_more_steps_than_the_graph_allows_are_refused_at_the_field():
    steps = [(f"s{number}", f"Step {number}") for number in range(6)]
    form = NodeForm(
        {"rules:type": "all", "clicked": [node_id for node_id, _title in steps]},
        node_type="branch",
        choices=Choices(send_steps=steps),
    )
    assert not form.is_valid()
    assert form.errors["clicked"] == ["Choose at most 5 steps."]
