"""The published schema.json is the registry's schema, and it is what validation uses."""

import json

import jsonschema

from journeys.graph.nodes import NODE_TYPES
from journeys.graph.schema import SCHEMA_FILE, graph_schema, schema_text
from journeys.graph.triggers import TRIGGER_KINDS
from journeys.graph.validation import validate_graph
from journeys.starters import STARTERS
from tests.journeys.graph.helpers import graph, problems


def test_published_schema_matches_the_registry():
    assert SCHEMA_FILE.read_text() == schema_text(), (
        "journeys/graph/schema.json is stale: regenerate it (see journeys/graph/schema.py)"
    )


def test_schema_defines_each_node_type_and_trigger_kind_once():
    definitions = json.loads(SCHEMA_FILE.read_text())["$defs"]
    assert {name[5:] for name in definitions if name.startswith("node_")} == set(NODE_TYPES)
    assert {name[8:] for name in definitions if name.startswith("trigger_")} == set(TRIGGER_KINDS)
    node_enum = graph_schema()["properties"]["nodes"]["additionalProperties"]["properties"]
    assert node_enum["type"]["enum"] == list(NODE_TYPES)


def test_published_schema_is_draft_2020_12_and_accepts_the_starters():
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for starter in STARTERS.values():
        assert list(validator.iter_errors(starter.graph())) == [], starter.key


def test_missing_parts_are_each_named():
    assert problems({}) == {
        (None, name, "schema")
        for name in ("version", "trigger", "entry", "start", "nodes", "edges")
    }


def test_schema_problems_name_the_node_and_field():
    bad = graph()
    bad["nodes"]["wait"]["duration"]["amount"] = 1.5
    bad["nodes"]["send"]["colour"] = "red"
    bad["trigger"]["event"] = "has spaces"
    assert problems(bad) == {
        ("wait", "duration.amount", "schema"),
        ("send", "colour", "schema"),
        (None, "trigger.event", "schema"),
    }


def test_unknown_node_type_is_refused_at_its_type():
    bad = graph()
    bad["nodes"]["end"] = {"type": "teleport"}
    assert problems(bad) == {("end", "type", "schema")}


def test_bad_node_id_is_refused():
    bad = graph()
    bad["nodes"]["Bad Id"] = {"type": "exit"}
    assert (None, "nodes", "schema") in problems(bad)


def test_schema_messages_are_sentences_not_codes():
    bad = graph()
    bad["nodes"]["wait"]["duration"]["amount"] = 1.5
    bad["nodes"]["send"]["colour"] = "red"
    messages = {(p.node_id, p.message) for p in validate_graph(bad)}
    assert messages == {
        ("wait", "This must be a whole number."),
        ("send", "Unknown field: colour."),
    }
