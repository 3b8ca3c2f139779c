"""Every rule value is validated to what the compiler can evaluate (issue 14, defect 3).

``{"field": "age", "op": "gte", "value": 3000}`` used to pass validation and then crash every
evaluation (``date.replace(year=-974)``). Each field and operator of the catalogue is walked
here at the edges of its value: the last accepted value must compile and count on the
database, the first refused one must be reported at its JSON path. A property test then
throws arbitrary values at every field and operator: whatever validation accepts must count.
"""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segments.rules.fields import (
    ATTRIBUTE_OPS,
    ATTRIBUTE_PREFIX,
    DATE_MAX,
    DATE_MIN,
    FIELDS,
    MAX_CONDITIONS,
    MAX_LIST,
    MAX_VALUES,
)
from segments.rules.validation import RuleContext, rules_errors
from segments.selectors.segments import segment_count
from tests.segments.crm_world import NOW, build_crm_world

ATTRIBUTE_OF_TYPE = {"number": "points", "text": "city", "date": "signup", "boolean": "newsletter"}


def c(field, op, value):
    return {"field": field, "op": op, "value": value}


def _field_ops() -> list[tuple[str, str, dict]]:
    """Every (field, operator, value schema) of the language, attributes by type."""
    cases = [(name, op, schema) for name, spec in FIELDS.items() for op, schema in spec.ops.items()]
    for kind, ops in ATTRIBUTE_OPS.items():
        name = ATTRIBUTE_PREFIX + ATTRIBUTE_OF_TYPE[kind]
        cases += [(name, op, schema) for op, schema in ops.items()]
    return cases


FIELD_OPS = _field_ops()


def _edges(schema: dict) -> tuple[list, list]:
    """The values at the edges of a value schema: (last accepted ones, first refused ones)."""
    if "prefixItems" in schema:
        accepted_items, refused_items = _edges(schema["prefixItems"][0])
        low, high = accepted_items[0], accepted_items[-1]
        return [[low, high], [low, low]], [[low, bad] for bad in refused_items] + [[high, low]]
    kind = schema.get("type")
    if "enum" in schema:
        return [schema["enum"][0], schema["enum"][-1]], ["not-a-choice", 1]
    if kind == "array":
        items, refused_items = _edges(schema["items"])
        full = [items[i % len(items)] for i in range(schema["maxItems"])]
        if schema["items"].get("type") == "integer" and "enum" not in schema["items"]:
            full = list(range(1, schema["maxItems"] + 1))  # distinct ids
        refused = [[], full + full[:1], *([bad] for bad in refused_items)]
        return [items[:1], full], refused
    if kind == "integer":
        low, high = schema["minimum"], schema["maximum"]
        return [low, high], [low - 1, high + 1, float(low), 10**400, "1", True]
    if kind == "number":
        low, high = schema["minimum"], schema["maximum"]
        refused = [low - 1, high + 1, high * 10.0, math.nan, math.inf, -math.inf, "1"]
        return [low, high, 0.000001, -2.5], refused
    if kind == "string" and schema.get("format") == "date":
        refused = ["1899-12-31", "3000-01-01", "0001-01-01", "9999-12-31", "2025-02-30", "x"]
        return [DATE_MIN, DATE_MAX, "2024-02-29"], refused
    if kind == "string":
        return ["a", "é" * schema["maxLength"]], ["", "a" * (schema["maxLength"] + 1), 1]
    if kind == "boolean":
        return [True, False], ["true", 1]
    return [], []  # objects: see OBJECT_EDGES


# Object values (events, broadcasts, clicks, RFM scores): their edges by hand.
EVENT_OK = {"name": "purchase"}
OBJECT_EDGES: dict[str, tuple[list, list[tuple[dict, str]]]] = {
    "event": (
        [
            EVENT_OK,
            {"name": "e" * 64, "within_days": 36500, "min_count": 1_000_000},
            {"name": "purchase", "where": {"sku": "s" * 500, "n": -99_999_999_999_999, "b": True}},
            {"name": "purchase", "where": {"amount": 99_999_999_999_999, "x": 0.5}},
        ],
        [
            ({"name": "e" * 65}, "$.value.name"),
            ({"name": "p", "within_days": 36501}, "$.value.within_days"),
            ({"name": "p", "within_days": 7.0}, "$.value.within_days"),
            ({"name": "p", "min_count": 1_000_001}, "$.value.min_count"),
            ({"name": "p", "where": {"n": 10**20}}, "$.value.where.n"),
            ({"name": "p", "where": {"n": math.nan}}, "$.value.where.n"),
            ({"name": "p", "where": {"n": -math.inf}}, "$.value.where.n"),
            ({"name": "p", "where": {"s": "s" * 501}}, "$.value.where.s"),
            ({"name": "p", "where": {f"k{i}": 1 for i in range(11)}}, "$.value.where"),
        ],
    ),
    "received_broadcast": (
        [{}, {"broadcast_ids": [1, 2**63 - 1]}],
        [
            ({"broadcast_ids": [2**63]}, "$.value.broadcast_ids[0]"),
            ({"broadcast_ids": [0]}, "$.value.broadcast_ids[0]"),
            ({"broadcast_ids": [1.0]}, "$.value.broadcast_ids[0]"),
            ({"broadcast_ids": list(range(1, MAX_LIST + 2))}, "$.value.broadcast_ids"),
        ],
    ),
    "clicked": (
        [{}, {"within_days": 36500, "broadcast_ids": [2**63 - 1]}],
        [
            ({"within_days": 36501}, "$.value.within_days"),
            ({"within_days": 0}, "$.value.within_days"),
            ({"broadcast_ids": [10**30]}, "$.value.broadcast_ids[0]"),
        ],
    ),
    "rfm": (
        [{"r": [1, 5]}, {"r": [5, 5], "f": [1, 1], "m": [2, 4]}],
        [
            ({"r": [0, 5]}, "$.value.r[0]"),
            ({"r": [1, 6]}, "$.value.r[1]"),
            ({"r": [1.0, 5]}, "$.value.r[0]"),
            ({}, "$.value"),
        ],
    ),
}


@pytest.fixture
def world(account, scope):
    return build_crm_world(account)


def _counts(account, rules) -> None:
    """Evaluate the tree on the database (the count runs the compiled SQL)."""
    result = segment_count(account=account, rules=rules, now=NOW)
    assert 0 <= result.reachable <= result.count


def _valid_tag_value(world, op: str):
    ids = [tag.pk for tag in world.tags.values()]
    return ids[0] if op == "has" else ids


@pytest.mark.django_db
@pytest.mark.parametrize("name,op,schema", FIELD_OPS, ids=[f"{n}-{o}" for n, o, _ in FIELD_OPS])
def test_every_field_and_operator_at_its_limits(world, account, name, op, schema):
    context = RuleContext.for_account(account)
    if name == "tag":
        accepted, refused = [_valid_tag_value(world, op)], _edges(schema)[1]
    elif schema.get("type") == "object":
        object_key = "rfm" if op == "scores" else name
        accepted, refused_cases = OBJECT_EDGES[object_key]
        refused = [value for value, _path in refused_cases]
    else:
        accepted, refused = _edges(schema)
    assert accepted and refused, (name, op)
    for value in accepted:
        rules = c(name, op, value)
        assert rules_errors(rules, context=context) == [], value
        _counts(account, {"all": [rules, {"not": rules}]})
    for value in refused:
        errors = rules_errors(c(name, op, value), context=context)
        assert errors, (name, op, value)
        assert errors[0].path.startswith("$.value"), errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key,value,path",
    [(key, value, path) for key, (_ok, cases) in OBJECT_EDGES.items() for value, path in cases],
)
def test_object_values_name_the_bad_member(world, account, key, value, path):
    op = "scores" if key == "rfm" else "did"
    errors = rules_errors(c(key, op, value), context=RuleContext.for_account(account))
    assert errors and errors[0].path == path, errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rules,path,message",
    [
        (c("age", "gte", 3000), "$.value", "Must be at most 150."),
        (c("age", "between", [20, 151]), "$.value[1]", "Must be at most 150."),
        (c("age", "gte", 30.0), "$.value", "Expected a whole number."),
        (c("friendship_days", "gt", 36501), "$.value", "Must be at most 36500."),
        (c("followed_at", "since", "0001-01-01"), "$.value", "from 1900-01-01 to 2999-12-31"),
        (c("followed_at", "between", ["2025-01-01", "9999-12-31"]), "$.value[1]", "YYYY-MM-DD"),
        (c("attribute.points", "gt", math.nan), "$.value", "Must be a finite number."),
        (c("attribute.points", "gt", math.inf), "$.value", "Must be at most"),
        (c("attribute.points", "in", [1, -math.inf]), "$.value[1]", "Must be at least"),
        (c("attribute.signup", "lt", "3000-01-01"), "$.value", "YYYY-MM-DD"),
        (c("region", "in", ["a", "b\x00"]), "$.value[1]", "NUL character"),
        (c("event", "did", {"name": "p", "where": {"k": "\x00"}}), "$.value.where.k", "NUL"),
        ({"any": [{"all": [c("status", "eq", "following")]}]}, None, None),
    ],
)
def test_the_issue_values_are_refused_with_their_path(world, account, rules, path, message):
    errors = rules_errors(rules, context=RuleContext.for_account(account))
    if path is None:
        assert errors == []
        return
    assert [error.path for error in errors] == [path]
    assert message in errors[0].message


@pytest.mark.django_db
def test_a_tree_is_bounded_in_conditions_and_listed_values(world, account):
    context = RuleContext.for_account(account)
    condition = c("status", "eq", "following")
    assert rules_errors({"all": [condition] * MAX_CONDITIONS}, context=context) == []
    too_many = rules_errors({"all": [condition] * (MAX_CONDITIONS + 1)}, context=context)
    assert [e.path for e in too_many] == [f"$.all[{MAX_CONDITIONS}]"]

    regions = c("region", "in", [f"r{i}" for i in range(MAX_LIST)])
    per_tree = MAX_VALUES // MAX_LIST
    at_limit = {"all": [regions] * per_tree}
    assert rules_errors(at_limit, context=context) == []
    _counts(account, at_limit)
    over = rules_errors({"all": [regions] * per_tree + [c("region", "in", ["x"])]}, context=context)
    assert [e.path for e in over] == [f"$.all[{per_tree}].value"]


# Property test ---------------------------------------------------------------------------------

# Wide on purpose: far outside every limit, the edges themselves, and the values JSON cannot
# carry but Python's json module reads (NaN, Infinity).
ANY_SCALAR = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-3, max_value=200),
    st.sampled_from([0, 1, 5, 150, 151, 36500, 36501, 99_999_999_999_999, 2**63 - 1, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["1900-01-01", "2999-12-31", "1899-12-31", "3000-01-01", "9999-12-31"]),
    st.text(max_size=20),
    st.text(min_size=499, max_size=502, alphabet="ab"),
    st.booleans(),
    st.sampled_from(["following", "blocked", "female", "champions", "lost", "purchase"]),
)
ANY_VALUE = st.recursive(
    ANY_SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                ["name", "within_days", "min_count", "where", "broadcast_ids", "r", "f", "m", "sku"]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=8,
)
CONDITIONS = st.builds(
    c,
    st.sampled_from(sorted({name for name, _op, _schema in FIELD_OPS})),
    st.sampled_from(sorted({op for _name, op, _schema in FIELD_OPS})),
    ANY_VALUE,
)


def from_schema(schema: dict) -> st.SearchStrategy:
    """Values around a value schema: its whole range and a step beyond it, of its type and of
    neighbouring ones (a float for an integer), so most reach the compiler and some do not."""
    if "prefixItems" in schema:
        item = from_schema(schema["prefixItems"][0])
        return st.lists(item, min_size=1, max_size=3)
    if "anyOf" in schema:
        return st.one_of([from_schema(branch) for branch in schema["anyOf"]])
    if "enum" in schema:
        return st.one_of(st.sampled_from(schema["enum"]), st.text(max_size=5))
    kind = schema.get("type")
    if kind == "integer":
        low, high = schema["minimum"], schema["maximum"]
        inside = st.integers(min_value=low, max_value=high)
        near = st.integers(min_value=low - 2, max_value=high + 2)
        return st.one_of(inside, inside, near, near.map(float), st.sampled_from([low, high]))
    if kind == "number":
        low, high = schema["minimum"], schema["maximum"]
        return st.one_of(
            st.integers(min_value=low, max_value=high),
            st.floats(min_value=low, max_value=high),
            st.integers(min_value=low * 2, max_value=high * 2),
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from([low, high]),
        )
    if kind == "string" and schema.get("format") == "date":
        return st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat)
    if kind == "string":
        limit = schema.get("maxLength", 500)
        return st.one_of(st.text(max_size=8), st.text(min_size=limit - 1, max_size=limit + 1))
    if kind == "boolean":
        return st.one_of(st.booleans(), st.just("true"))
    if kind == "array":
        return st.lists(from_schema(schema["items"]), min_size=0, max_size=4)
    if kind == "object":
        properties = schema.get("properties", {})
        members = {key: from_schema(sub) for key, sub in properties.items()}
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            members["sku"] = from_schema(extra)
            members["count"] = from_schema(extra)
        required = schema.get("required", [])
        return st.fixed_dictionaries(
            {key: members[key] for key in required},
            optional={key: strategy for key, strategy in members.items() if key not in required},
        )
    return ANY_VALUE


# Also conditions of the right field and operator, with values drawn from the operator's own
# schema, so most of them reach the compiler.
MATCHED_CONDITIONS = st.sampled_from(FIELD_OPS).flatmap(
    lambda case: st.builds(
        c, st.just(case[0]), st.just(case[1]), st.one_of(*[from_schema(case[2])] * 4, ANY_VALUE)
    )
)
TREES = st.recursive(
    st.one_of(CONDITIONS, *[MATCHED_CONDITIONS] * 6),
    lambda inner: st.one_of(
        st.builds(lambda children: {"all": children}, st.lists(inner, max_size=3)),
        st.builds(lambda children: {"any": children}, st.lists(inner, max_size=3)),
        st.builds(lambda child: {"not": child}, inner),
    ),
    max_leaves=5,
)


@pytest.mark.django_db
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rules=st.one_of(MATCHED_CONDITIONS, TREES))
def test_any_tree_validation_accepts_counts_without_error(world, account, rules):
    context = RuleContext.for_account(account)
    if rules_errors(rules, context=context):
        return
    _counts(account, rules)
