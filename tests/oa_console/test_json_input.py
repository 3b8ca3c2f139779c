"""The bounded JSON loader every outside JSON goes through (issue 14, defect 4)."""

from __future__ import annotations

import json

import pytest

from oa_console.json_input import (
    MAX_JSON_DEPTH,
    JSONNotFinite,
    JSONTooDeep,
    json_depth_exceeds,
    json_loads_bounded,
)


def nested(depth: int, kind: str = "[") -> str:
    closing = {"[": "]", "{": "}"}[kind]
    if kind == "{":
        return '{"a":' * depth + "1" + closing * depth
    return kind * depth + closing * depth


@pytest.mark.parametrize("kind", ["[", "{"])
def test_the_limit_is_exact(kind):
    assert json_loads_bounded(nested(MAX_JSON_DEPTH, kind)) is not None
    with pytest.raises(JSONTooDeep):
        json_loads_bounded(nested(MAX_JSON_DEPTH + 1, kind))


@pytest.mark.parametrize("document", [nested(10_000), nested(10_000).encode(), "[" * 100_000])
def test_very_deep_documents_are_refused_without_recursing(document):
    with pytest.raises(JSONTooDeep):
        json_loads_bounded(document)


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"a": "[" * 500, "b": ['\\"[[[' * 100]})
    assert not json_depth_exceeds(text)
    assert json_loads_bounded(text)["a"] == "[" * 500


def test_many_shallow_brackets_are_not_deep():
    text = json.dumps([[1, {"a": [2]}]] * 10_000)
    assert not json_depth_exceeds(text)
    assert len(json_loads_bounded(text)) == 10_000


@pytest.mark.parametrize(
    "document", ["NaN", "[Infinity]", '{"a": -Infinity}', "1e999999999", "[-1e400]"]
)
def test_non_finite_numbers_are_refused(document):
    with pytest.raises(JSONNotFinite):
        json_loads_bounded(document)


def test_errors_are_value_errors_so_existing_not_json_handling_answers_them():
    assert issubclass(JSONTooDeep, ValueError) and issubclass(JSONNotFinite, ValueError)
    with pytest.raises(ValueError):
        json_loads_bounded("not json")
    assert json_loads_bounded("[1.5, 2, 1e308]") == [1.5, 2, 1e308]
