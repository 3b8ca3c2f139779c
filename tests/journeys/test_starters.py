"""The seven starter journeys of the issue, each one a graph validation accepts."""

import pytest

from journeys.graph.validation import validate_graph
from journeys.starters import STARTERS


def test_the_seven_starters():
    assert list(STARTERS) == [
        "cart_abandonment",
        "price_drop",
        "welcome_series",
        "first_purchase",
        "birthday",
        "win_back",
        "post_purchase_review",
    ]


@pytest.mark.parametrize("key", list(STARTERS))
def test_starter_is_valid(key):
    assert validate_graph(STARTERS[key].graph()) == []


def test_cart_abandonment_reminds_after_an_hour_then_coupons_and_exits_on_purchase():
    graph = STARTERS["cart_abandonment"].graph()
    assert graph["trigger"]["event"] == "cart_abandoned"
    assert graph["nodes"][graph["start"]]["duration"] == {"amount": 1, "unit": "hours"}
    assert graph["edges"]["reminder"] == {"next": "wait_24h"}
    assert graph["nodes"]["wait_24h"]["duration"] == {"amount": 24, "unit": "hours"}
    assert graph["goal"]["event"] == "purchase"
    assert graph["goal"]["exit_on_goal"] is True
    assert graph["entry"]["dedupe_property"] == "cart_id"


def test_graph_is_a_fresh_copy():
    first = STARTERS["birthday"].graph()
    first["nodes"].clear()
    assert STARTERS["birthday"].graph()["nodes"]
