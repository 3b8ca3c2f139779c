"""docs/journeys.md documents every node type, field, outlet, trigger kind and problem code."""

import re
from pathlib import Path

import pytest

from journeys.graph.nodes import NODE_TYPES
from journeys.graph.triggers import TRIGGER_KINDS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "journeys.md").read_text()
# The stable code of each problem, the third argument of every GraphProblem(...) in the code.
CODE = re.compile(r'GraphProblem\(\s*[^,]+,\s*(?:[^,()]|\([^()]*\))+,\s*"([a-z_]+)"')


def _codes() -> set[str]:
    sources = (ROOT / "journeys" / "graph").rglob("*.py")
    return {code for path in sources for code in CODE.findall(path.read_text())}


def _section(name: str) -> str:
    start = DOC.index(f"### `{name}`")
    end = DOC.find("\n### ", start + 1)
    return DOC[start : end if end != -1 else None]


@pytest.mark.parametrize("name", list(NODE_TYPES))
def test_node_type_documented_with_its_fields(name):
    section = _section(name)
    for field in NODE_TYPES[name].fields:
        assert f"`{field}`" in section, (name, field)


def test_outlets_documented():
    for outlet in ("next", "matched", "timed_out", "yes", "no", "control", "failed"):
        assert f"`{outlet}`" in DOC


@pytest.mark.parametrize("kind", list(TRIGGER_KINDS))
def test_trigger_kind_documented_with_its_fields(kind):
    row = next(line for line in DOC.splitlines() if line.startswith(f"| `{kind}` |"))
    for field in TRIGGER_KINDS[kind].fields:
        assert f"`{field}`" in row, (kind, field)


def test_every_problem_code_documented():
    codes = _codes()
    assert {"dangling_edge", "loop_without_wait", "message_invalid", "schema"} <= codes | {"schema"}
    missing = {code for code in codes | {"schema"} if f"| `{code}` |" not in DOC}
    assert not missing
