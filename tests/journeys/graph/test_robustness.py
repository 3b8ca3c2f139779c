"""Whatever JSON a client sends as a graph, validation answers problems and never raises."""

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeys.graph.problems import GraphProblem
from journeys.graph.validation import validate_graph
from journeys.starters import STARTERS

SCALARS = st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=5) | st.floats(0, 2)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["type", "next", "a", "mode", "kind"]), children, max_size=3
        )
    ),
    max_leaves=8,
)
GRAPHS = [starter.graph() for starter in STARTERS.values()]


def _paths(value, prefix=()):
    """Every path into a JSON value (dict keys and list indexes)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@st.composite
def broken_graphs(draw):
    """A starter with one value somewhere replaced by arbitrary JSON, or one key removed."""
    graph = copy.deepcopy(draw(st.sampled_from(GRAPHS)))
    path = draw(st.sampled_from([p for p in _paths(graph) if p]))
    parent = graph
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(JSON)
    return graph


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=broken_graphs())
def test_any_broken_graph_gives_problems_not_an_exception(graph):
    problems = validate_graph(graph)
    assert all(isinstance(problem, GraphProblem) for problem in problems)


@settings(max_examples=100, deadline=None)
@given(graph=JSON)
def test_any_json_gives_problems_not_an_exception(graph):
    assert validate_graph(graph)  # nothing but a full graph is valid
