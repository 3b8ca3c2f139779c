"""The demo journeys' graphs: each starter's graph in the OA's language, plus two changes a
marketer would make so the stats have something to show.

- The welcome series starts with a random split that holds 20 % of new friends back (the
  ``control`` path goes straight to the end): the journey's page then shows the series' lift
  over doing nothing, with its confidence interval.
- The win-back journey gets a goal (a purchase within 14 days, with its revenue), so its
  conversions and revenue are counted like the others'.

The graphs stay valid (``validate_graph``; a test checks each against its OA), and the message
texts keep the starters' variables so the demo sends are personalised as live ones would be.
"""

from __future__ import annotations

import json

from journeys.demo.texts import (
    CAROUSEL_WORDS,
    HOLDOUT_LABELS,
    HOLDOUT_PATH_LABELS,
    MESSAGES,
    NAMES,
)
from journeys.graph.variables import DISPLAY_NAME, VARIABLE
from journeys.starters import STARTERS

HOLDOUT_NODE = "holdout"
HOLDOUT_PERCENT = 20
# Stands for the carousel's bubbles in its message's JSON until they are filled in.
BUBBLES = "\u2063bubbles\u2063"


def demo_name(key: str, language: str) -> str:
    return NAMES.get(language, NAMES["en"])[key]


def demo_graph(key: str, language: str) -> dict:
    """The starter ``key``'s graph with the demo's texts in ``language`` and changes above."""
    graph = STARTERS[key].graph(language.replace("_", "-").lower())
    texts = MESSAGES.get(language, {})
    for node_id, node in graph["nodes"].items():
        if node["type"] != "send":
            continue
        if (key, node_id) in texts:
            node["messages"][0]["text"] = texts[(key, node_id)]
        for message in node["messages"]:
            if message["type"] == "flex":
                _translate_carousel(message, language)
    if key == "welcome_series":
        _add_holdout(graph, language)
    if key == "win_back":
        graph["goal"] = {
            "event": "purchase",
            "window": {"amount": 14, "unit": "days"},
            "exit_on_goal": False,
            "revenue_property": "total",
        }
    return graph


def _translate_carousel(message: dict, language: str) -> None:
    alt_text, label = CAROUSEL_WORDS.get(language, CAROUSEL_WORDS["en"])
    message["altText"] = alt_text
    for bubble in message["contents"].get("contents", []):
        for button in bubble.get("footer", {}).get("contents", []):
            if button.get("type") == "button":
                button["action"]["label"] = label


def _add_holdout(graph: dict, language: str) -> None:
    series, holdout = HOLDOUT_PATH_LABELS.get(language, HOLDOUT_PATH_LABELS["en"])
    graph["nodes"][HOLDOUT_NODE] = {
        "type": "split",
        "label": HOLDOUT_LABELS.get(language, HOLDOUT_LABELS["en"]),
        "paths": [{"name": "series", "label": series, "weight": 100 - HOLDOUT_PERCENT}],
        "control": {"label": holdout, "weight": HOLDOUT_PERCENT},
    }
    graph["edges"][HOLDOUT_NODE] = {"series": graph["start"], "control": "end"}
    graph["start"] = HOLDOUT_NODE


def personalised(node: dict, *, display_name: str, properties: dict) -> str:
    """A send node's messages as a friend received them, as JSON text: ``{displayName}`` and
    ``{event.x}`` filled in, and the carousel repeated over the event's list property
    (``carousel_from``). Filled in on the JSON text, which is what the seed stores: thousands of
    sends per journey, and no copy of the message tree per friend."""
    messages = node["messages"]
    carousel = node.get("carousel_from")
    if not carousel:
        return _fill(_dumps(messages), display_name, properties, None)
    index = carousel["message"] - 1
    bubble = _dumps(messages[index]["contents"]["contents"][0])
    items = (properties.get(carousel["property"]) or [])[: carousel.get("limit", 10)]
    bubbles = ",".join(_fill(bubble, display_name, properties, item) for item in items) or bubble
    parts = []
    for position, message in enumerate(messages):
        if position == index:
            shell = {**message, "contents": {**message["contents"], "contents": [BUBBLES]}}
            text = _dumps(shell).replace(_dumps(BUBBLES), bubbles)
            parts.append(_fill(text, display_name, properties, None))
        else:
            parts.append(_fill(_dumps(message), display_name, properties, None))
    return "[" + ",".join(parts) + "]"


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _fill(text: str, display_name: str, properties: dict, item: dict | None) -> str:
    """``text`` (JSON) with each variable inside its strings replaced by its value, escaped
    for a JSON string."""

    def replace(match) -> str:
        name = match.group(1)
        if name == DISPLAY_NAME:
            value = display_name
        else:
            scope, _, key = name.partition(".")
            source = properties if scope == "event" else (item or {})
            if key not in source:
                return match.group(0)
            value = source[key]
        value = value if isinstance(value, str) else _dumps(value)
        return json.dumps(value, ensure_ascii=False)[1:-1]

    return VARIABLE.sub(replace, text)
