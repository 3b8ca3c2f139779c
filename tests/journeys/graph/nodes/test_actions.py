"""Tags, set-attribute and webhook nodes."""

from journeys.graph.validation import validate_graph
from tests.journeys.graph.helpers import oa_context, problems, with_node


def tags(**fields):
    return with_node("tagging", {"type": "tags", **fields}, {"next": "send"})


def test_tags_add_and_remove_known_tags():
    assert problems(tags(add=[1], remove=[2]), oa_context()) == set()


def test_tags_need_something_to_do():
    assert problems(tags()) == {("tagging", "add", "no_tags")}
    assert problems(tags(add=[], remove=[])) == {("tagging", "add", "no_tags")}


def test_tag_added_and_removed_by_one_node():
    bad = tags(add=[1, 2], remove=[2])
    assert problems(bad) == {("tagging", "remove[0]", "tag_added_and_removed")}


def test_unknown_tags_named_by_position():
    bad = tags(add=[1, 5], remove=[6])
    assert problems(bad, oa_context()) == {
        ("tagging", "add[1]", "unknown_tag"),
        ("tagging", "remove[0]", "unknown_tag"),
    }


def attribute(**fields):
    return with_node("setter", {"type": "set_attribute", **fields}, {"next": "send"})


def test_set_attribute_to_a_value_of_its_type():
    context = oa_context()
    assert problems(attribute(attribute="points", value=10), context) == set()
    assert problems(attribute(attribute="birthday", value="2000-01-31"), context) == set()
    assert problems(attribute(attribute="points", value="ten"), context) == {
        ("setter", "value", "value_type")
    }
    assert problems(attribute(attribute="points", value=True), context) == {
        ("setter", "value", "value_type")
    }


def test_set_attribute_from_an_event_property():
    assert problems(attribute(attribute="points", from_event="total"), oa_context()) == set()
    assert problems(attribute(attribute="points", from_event="size"), oa_context()) == {
        ("setter", "from_event", "unknown_variable")
    }


def test_set_attribute_value_or_event_property():
    assert problems(attribute(attribute="points")) == {("setter", "value", "value_or_event")}
    both = attribute(attribute="points", value=1, from_event="total")
    assert problems(both) == {("setter", "value", "value_or_event")}


def test_set_attribute_of_the_oa():
    bad = attribute(attribute="shoe_size", value=42)
    assert problems(bad, oa_context()) == {("setter", "attribute", "unknown_attribute")}


def webhook(edges=None, **fields):
    node = {
        "type": "webhook",
        "url": "https://hooks.brand.example/line",
        "secret_ref": "crm",
        **fields,
    }
    return with_node("call", node, edges or {"next": "send", "failed": "send"})


def test_webhook_with_retries_and_answer_mapping():
    good = webhook(retries=3, timeout_seconds=10, response_attributes={"tier": "nickname"})
    assert problems(good, oa_context()) == set()


def test_webhook_needs_a_failure_path():
    assert problems(webhook(edges={"next": "send"})) == {("call", "edges.failed", "missing_outlet")}


def test_webhook_url_must_be_https():
    assert problems(webhook(url="http://hooks.brand.example/")) == {("call", "url", "webhook_url")}


def test_webhook_limits():
    bad = webhook(retries=11, timeout_seconds=0, secret_ref="Not A Ref")
    assert problems(bad) == {
        ("call", "retries", "schema"),
        ("call", "timeout_seconds", "schema"),
        ("call", "secret_ref", "schema"),
    }


def test_webhook_answer_sets_attributes_of_the_oa():
    bad = webhook(response_attributes={"tier": "loyalty_tier"})
    assert problems(bad, oa_context()) == {
        ("call", "response_attributes.tier", "unknown_attribute")
    }


def test_value_type_message_names_the_type():
    (problem,) = validate_graph(attribute(attribute="points", value="ten"), context=oa_context())
    assert problem.message == "The attribute points takes a value of type “Number”."
