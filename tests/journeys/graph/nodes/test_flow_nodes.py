"""Branch, split, enrol and exit nodes."""

from tests.journeys.graph.helpers import graph, oa_context, problems, with_node

RULES = {"all": [{"field": "tag", "op": "has_any", "value": [1]}]}


def test_branch_accepts_segment_rules():
    good = with_node("check", {"type": "branch", "rules": RULES}, {"yes": "send", "no": "send"})
    assert problems(good, oa_context()) == set()


def test_branch_rules_are_checked_by_segments_with_their_paths():
    unknown_field = {"all": [{"field": "shoe_size", "op": "eq", "value": 1}]}
    bad = with_node(
        "check", {"type": "branch", "rules": unknown_field}, {"yes": "send", "no": "send"}
    )
    (problem,) = problems(bad)
    assert problem[0] == "check"
    assert problem[1].startswith("rules.all[0]")
    assert problem[2] == "segment_rules"


def test_branch_rules_use_the_oas_tags():
    missing_tag = {"all": [{"field": "tag", "op": "has_any", "value": [99]}]}
    bad = with_node(
        "check", {"type": "branch", "rules": missing_tag}, {"yes": "send", "no": "send"}
    )
    assert problems(bad, oa_context()) == {("check", "rules.all[0].value[0]", "segment_rules")}


def split(paths, control=None, edges=None):
    node = {"type": "split", "paths": paths}
    if control is not None:
        node["control"] = control
    outlets = [path["name"] for path in paths] + (["control"] if control else [])
    return with_node("ab", node, edges or dict.fromkeys(outlets, "send"))


def test_split_with_control_path():
    good = split([{"name": "a", "weight": 45}, {"name": "b", "weight": 45}], {"weight": 10})
    assert problems(good) == set()
    assert set(good["edges"]["ab"]) == {"a", "b", "control"}


def test_split_one_path_and_control_is_a_holdout():
    assert problems(split([{"name": "send", "weight": 90}], {"weight": 10})) == set()


def test_split_needs_two_ways():
    assert problems(split([{"name": "a", "weight": 100}])) == {("ab", "paths", "split_needs_two")}


def test_split_weights_add_up_to_100():
    bad = split([{"name": "a", "weight": 50}, {"name": "b", "weight": 30}], {"weight": 10})
    assert problems(bad) == {("ab", "paths", "weights_not_100")}


def test_split_path_names_are_unique_and_not_control():
    bad = split(
        [
            {"name": "a", "weight": 40},
            {"name": "a", "weight": 40},
            {"name": "control", "weight": 20},
        ]
    )
    assert problems(bad) == {
        ("ab", "paths[1].name", "duplicate_path"),
        ("ab", "paths[2].name", "duplicate_path"),
    }


def test_split_control_needs_its_edge():
    bad = split(
        [{"name": "a", "weight": 50}, {"name": "b", "weight": 40}],
        {"weight": 10},
        edges={"a": "send", "b": "send"},
    )
    assert problems(bad) == {("ab", "edges.control", "missing_outlet")}


def enrol(journey_id):
    return with_node("next", {"type": "enrol", "journey_id": journey_id}, {"next": "send"})


def test_enrol_into_another_journey_of_the_oa():
    assert problems(enrol(8), oa_context()) == set()
    assert problems(enrol(9), oa_context()) == {("next", "journey_id", "unknown_journey")}
    assert problems(enrol(7), oa_context()) == {("next", "journey_id", "enrol_self")}
    assert problems(enrol(9)) == set()  # no OA: not looked up


def test_exit_has_no_outlets():
    bad = graph()
    bad["edges"]["end"] = {"next": "send"}
    assert problems(bad) == {("end", "edges.next", "unknown_outlet")}
