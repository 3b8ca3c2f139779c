"""Edges, outlets, reachability and loops, each broken once in an otherwise valid graph."""

from journeys.graph.validation import validate_graph
from tests.journeys.graph.helpers import graph, problems, with_node


def test_base_graph_is_valid():
    assert problems(graph()) == set()


def test_edge_to_a_missing_node_is_dangling():
    bad = graph()
    bad["edges"]["send"] = {"next": "nowhere"}
    assert problems(bad) == {("send", "edges.next", "dangling_edge"), ("end", "", "unreachable")}


def test_edges_from_a_missing_node_are_dangling():
    bad = graph()
    bad["edges"]["ghost"] = {"next": "end"}
    assert problems(bad) == {("ghost", "edges", "dangling_edge")}


def test_outlet_the_node_does_not_have():
    bad = graph()
    bad["edges"]["send"] = {"next": "end", "yes": "end"}
    assert problems(bad) == {("send", "edges.yes", "unknown_outlet")}


def test_missing_outlet():
    bad = graph()
    del bad["edges"]["send"]
    assert problems(bad) == {("send", "edges.next", "missing_outlet"), ("end", "", "unreachable")}


def test_missing_outlet_of_a_two_way_node():
    bad = with_node(
        "branch",
        {"type": "branch", "rules": {"all": [{"field": "message_count", "op": "gte", "value": 1}]}},
        {"yes": "send"},
    )
    assert problems(bad) == {("branch", "edges.no", "missing_outlet")}


def test_unreachable_node():
    bad = graph()
    bad["nodes"]["orphan"] = {"type": "exit"}
    assert problems(bad) == {("orphan", "", "unreachable")}


def test_unknown_start():
    bad = graph(start="nope")
    assert problems(bad) == {
        (None, "start", "unknown_start"),
        ("wait", "", "unreachable"),
        ("send", "", "unreachable"),
        ("end", "", "unreachable"),
    }


def test_loop_without_wait_is_flagged_on_each_of_its_nodes():
    bad = graph()
    bad["nodes"]["tag"] = {"type": "tags", "add": [1]}
    bad["edges"]["send"] = {"next": "tag"}
    bad["edges"]["tag"] = {"next": "send"}
    del bad["nodes"]["end"]
    assert problems(bad) == {
        ("send", "", "loop_without_wait"),
        ("tag", "", "loop_without_wait"),
    }


def test_node_pointing_at_itself_without_wait():
    bad = graph()
    bad["edges"]["send"] = {"next": "send"}
    del bad["nodes"]["end"]
    assert problems(bad) == {("send", "", "loop_without_wait")}


def test_loop_through_a_wait_is_accepted():
    looped = graph()
    looped["edges"]["send"] = {"next": "wait"}
    del looped["nodes"]["end"]
    assert problems(looped) == set()


def test_loop_through_a_wait_for_event_is_accepted():
    looped = graph()
    looped["nodes"]["listen"] = {
        "type": "wait_for_event",
        "event": "purchase",
        "timeout": {"amount": 2, "unit": "hours"},
    }
    looped["edges"]["send"] = {"next": "listen"}
    looped["edges"]["listen"] = {"matched": "end", "timed_out": "send"}
    looped["edges"]["wait"] = {"next": "send"}
    assert problems(looped) == set()


def test_two_loops_one_with_a_wait():
    bad = graph()
    bad["nodes"]["a"] = {"type": "tags", "add": [1]}
    bad["nodes"]["b"] = {"type": "tags", "remove": [1]}
    bad["nodes"]["pick"] = {
        "type": "split",
        "paths": [{"name": "again", "weight": 50}, {"name": "done", "weight": 50}],
    }
    # wait -> send -> pick; pick.again -> a -> b -> pick (no wait); pick.done -> wait (waits)
    bad["edges"]["send"] = {"next": "pick"}
    bad["edges"]["pick"] = {"again": "a", "done": "wait"}
    bad["edges"]["a"] = {"next": "b"}
    bad["edges"]["b"] = {"next": "pick"}
    del bad["nodes"]["end"]
    assert problems(bad) == {
        ("a", "", "loop_without_wait"),
        ("b", "", "loop_without_wait"),
        ("pick", "", "loop_without_wait"),
    }


def test_problem_message_names_the_loop():
    bad = graph()
    bad["edges"]["send"] = {"next": "send"}
    del bad["nodes"]["end"]
    (problem,) = validate_graph(bad)
    assert "(send)" in problem.message
    assert problem.as_dict()["node_id"] == "send"
