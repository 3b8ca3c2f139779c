"""Hostile values: a fixed list that always runs, and hypothesis strategies for more."""

from __future__ import annotations

import json

from hypothesis import strategies as st

DEEP = 10_000
DEEP_JSON = "[" * DEEP + "]" * DEEP

# Query-string values; a list means the parameter is repeated (a list where a scalar is read).
FIXED_QUERY_VALUES: list[str | list[str]] = [
    "NaN",
    "Infinity",
    "-Infinity",
    "-inf",
    "\x00",
    "a\x00b",
    "1e999999999",
    "-1",
    "99999999999999999999",
    "x" * 10_000,
    "9999-12-31",
    "0001-01-01",
    '{"all": [{"field": "age", "op": "gte", "value": 1}]}',
    DEEP_JSON,
    ["1", "NaN"],
]

_numbers_as_text = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["nan", "inf", "+Infinity", "1e309", "-0", "0x10", "1_000", "١٢٣"]),
)
_dates_as_text = st.one_of(
    st.dates().map(str),
    st.tuples(
        st.integers(min_value=-99999, max_value=99999),
        st.integers(min_value=-1, max_value=99),
        st.integers(min_value=-1, max_value=99),
    ).map(lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"),
)
_json_as_text = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
).map(lambda value: json.dumps(value, allow_nan=True))

# Text the query string can carry (no lone surrogates: they cannot be UTF-8 encoded).
query_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)

query_values = st.one_of(
    query_text,
    _numbers_as_text,
    _dates_as_text,
    _json_as_text,
    st.sampled_from(FIXED_QUERY_VALUES),
    st.lists(_numbers_as_text | query_text, min_size=2, max_size=4),
)

# JSON values with wrong types and hostile contents, for one field of a body.
HUGE_INT = 10**40
hostile_json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([-1, 0, 2**31, 2**63, HUGE_INT, -HUGE_INT, 1e308]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200),
    st.sampled_from(["\x00", "a\x00b", "x" * 10_000, "NaN", "9999-12-31T99:99", ""]),
    st.lists(st.integers() | st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3),
)
