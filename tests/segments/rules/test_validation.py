"""Invalid rule trees are refused with the JSON path of each problem."""

from __future__ import annotations

import jsonschema
import pytest

from segments.rules.schema import rules_schema
from segments.rules.validation import RuleContext, rules_errors
from tests.segments.crm_world import build_crm_world


def c(field, op, value):
    return {"field": field, "op": op, "value": value}


def nested(depth: int) -> dict:
    rules: dict = c("status", "eq", "following")
    for _ in range(depth - 1):
        rules = {"all": [rules]}
    return rules


@pytest.fixture
def context(account, scope):
    world = build_crm_world(account)
    context = RuleContext.for_account(account)
    context.world = world
    return context


INVALID = [
    (c("colour", "eq", "red"), "$.field", "Unknown field “colour”."),
    ({"all": [c("tag", "gt", 3)]}, "$.all[0].op", "“gt” is not an operator of tag"),
    ({"any": [c("message_count", "gt", "3")]}, "$.any[0].value", "Expected a whole number."),
    ({"not": c("status", "eq", "gone")}, "$.not.value", "Must be one of: following, blocked."),
    (c("status", "in", ["following", 3]), "$.value[1]", "Expected text."),
    (c("friendship_days", "between", [30, 7]), "$.value", "must not be greater"),
    (c("friendship_days", "between", [7]), "$.value", "Expected a pair [from, to]."),
    (c("friendship_days", "gte", -1), "$.value", "Must be at least 0."),
    (c("followed_at", "since", "2025-02-30"), "$.value", "Expected a date as YYYY-MM-DD"),
    (c("followed_at", "since", "15/06/2025"), "$.value", "Expected a date as YYYY-MM-DD"),
    (c("tag", "has_any", []), "$.value", "Give at least 1 value(s)."),
    (c("tag", "has", 999999), "$.value", "No tag with id 999999."),
    (c("attribute.shoe_size", "eq", 42), "$.field", "Unknown attribute “shoe_size”."),
    (c("attribute.points", "eq", "many"), "$.value", "Expected a number."),
    (c("attribute.points", "contains", "1"), "$.op", "is not an operator of attribute.points"),
    (c("attribute.city", "gt", "A"), "$.op", "is not an operator of attribute.city"),
    (c("attribute.newsletter", "eq", "yes"), "$.value", "Expected true or false."),
    (c("attribute.signup", "lt", "2025-13-01"), "$.value", "Expected a date as YYYY-MM-DD"),
    (c("event", "did", {"within_days": 3}), "$.value", "Missing: name."),
    (c("event", "did", {"name": "x", "within_days": "3"}), "$.value.within_days", "whole"),
    (c("event", "did", {"name": "x", "where": {"a__b": 1}}), "$.value.where", "Not allowed"),
    (c("event", "did", {"name": "x", "colour": 1}), "$.value", "Unknown key."),
    (c("rfm", "in_cells", ["royalty"]), "$.value[0]", "Must be one of"),
    (c("rfm", "scores", {"r": [5, 1]}), "$.value.r", "must not be greater"),
    (c("rfm", "scores", {"r": [0, 1]}), "$.value.r[0]", "Must be at least 1."),
    ({"all": [{"field": "status", "op": "eq"}]}, "$.all[0].value", "Missing."),
    ({"all": [{"field": "status", "op": "eq", "value": "x", "x": 1}]}, "$.all[0].x", "Unknown"),
    ({"all": c("status", "eq", "following")}, "$.all", "Expected a list"),
    ({"all": [], "any": []}, "$.any", "exactly one key"),
    ({"all": ["status"]}, "$.all[0]", "Expected a group"),
    ([], "$", "Expected a group"),
    (nested(11), "$" + ".all[0]" * 10, "deeper than 10 levels"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("rules,path,message", INVALID, ids=[case[1] for case in INVALID])
def test_invalid_rules_name_the_path(context, rules, path, message):
    errors = rules_errors(rules, context=context)
    assert errors, rules
    assert errors[0].path == path
    assert message in errors[0].message


@pytest.mark.django_db
def test_ten_levels_are_allowed(context):
    assert rules_errors(nested(10), context=context) == []


@pytest.mark.django_db
def test_every_error_of_a_tree_is_reported(context):
    rules = {"all": [c("colour", "eq", 1), {"any": [c("age", "gte", "old")]}]}
    paths = [error.path for error in rules_errors(rules, context=context)]
    assert paths == ["$.all[0].field", "$.all[1].any[0].value"]


VALID = [
    {"all": []},
    {"any": [c("status", "eq", "following"), {"not": c("tag", "has_none", [1, 2])}]},
    c("event", "did", {"name": "purchase", "within_days": 30, "min_count": 2, "where": {"a": 1}}),
    c("rfm", "scores", {"r": [4, 5], "m": [1, 5]}),
    c("attribute.anything", "between", ["2024-01-01", "2024-12-31"]),
    c("attribute.anything", "in", [1, 2.5]),
    c("followed_at", "between", ["2025-01-01", "2025-01-31"]),
]


@pytest.mark.parametrize("rules", VALID)
def test_published_schema_accepts_what_the_validator_accepts(rules):
    jsonschema.Draft202012Validator.check_schema(rules_schema())
    validator = jsonschema.Draft202012Validator(rules_schema())
    assert list(validator.iter_errors(rules)) == []
    assert rules_errors(rules, context=None) == []


# What only the OA knows (tags, attribute types) and what a static schema cannot express
# (ordered pairs, depth) is checked by the validator alone.
STATIC_INVALID = [
    case
    for case in INVALID
    if not (
        isinstance(case[0], dict)
        and str(case[0].get("field", "")).startswith(("attribute.", "tag"))
    )
    and "must not be greater" not in case[2]
    and "deeper" not in case[2]
]


@pytest.mark.parametrize("rules,path,message", STATIC_INVALID)
def test_published_schema_refuses_static_mistakes(rules, path, message):
    validator = jsonschema.Draft202012Validator(
        rules_schema(), format_checker=jsonschema.FormatChecker()
    )
    assert list(validator.iter_errors(rules)), rules
