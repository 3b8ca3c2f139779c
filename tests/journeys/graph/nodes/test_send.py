"""Send nodes: LINE's message limits and the template variables."""

import pytest

from journeys.graph.line_messages import MAX_ALT_TEXT, MAX_CAROUSEL_BUBBLES, MAX_TEXT
from journeys.graph.validation import validate_graph
from tests.journeys.graph.helpers import problems, with_node

BUBBLE = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": []}}


def send(messages, **fields):
    node = {"type": "send", "quiet_hours": "defer", "messages": messages, **fields}
    return with_node("msg", node, {"next": "send"})


def text(value):
    return {"type": "text", "text": value}


def flex(contents, alt="Your cart"):
    return {"type": "flex", "altText": alt, "contents": contents}


def carousel(count):
    return flex({"type": "carousel", "contents": [BUBBLE] * count})


def test_the_limits_hold_exactly():
    assert MAX_TEXT == 5000
    assert MAX_ALT_TEXT == 1500
    assert MAX_CAROUSEL_BUBBLES == 12


def test_one_to_five_messages():
    assert problems(send([text("hi")] * 5)) == set()
    assert problems(send([])) == {("msg", "messages", "message_count")}
    assert problems(send([text("hi")] * 6)) == {("msg", "messages", "message_count")}


def test_text_length():
    assert problems(send([text("a" * 5000)])) == set()
    assert problems(send([text("a" * 5001)])) == {("msg", "messages[0].text", "message_invalid")}
    assert problems(send([text("  ")])) == {("msg", "messages[0].text", "message_invalid")}


def test_carousel_of_at_most_12_bubbles():
    assert problems(send([carousel(12)])) == set()
    assert problems(send([text("hi"), carousel(13)])) == {
        ("msg", "messages[1].contents.contents", "message_invalid")
    }
    assert problems(send([carousel(0)])) == {
        ("msg", "messages[0].contents.contents", "message_invalid")
    }


def test_carousel_holds_only_bubbles():
    bad = flex({"type": "carousel", "contents": [BUBBLE, {"type": "box"}]})
    assert problems(send([bad])) == {
        ("msg", "messages[0].contents.contents[1].type", "message_invalid")
    }


def test_flex_alt_text():
    assert problems(send([flex(BUBBLE, alt="a" * 1501)])) == {
        ("msg", "messages[0].altText", "message_invalid")
    }
    assert problems(send([flex({"type": "video"})])) == {
        ("msg", "messages[0].contents.type", "message_invalid")
    }


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ({"type": "image", "originalContentUrl": "http://a.example/1.png"}, "originalContentUrl"),
        ({"type": "sticker", "packageId": "446"}, "stickerId"),
    ],
)
def test_image_and_sticker(message, field):
    found = problems(send([message]))
    assert ("msg", f"messages[0].{field}", "message_invalid") in found


def test_image_over_https_accepted():
    image = {
        "type": "image",
        "originalContentUrl": "https://cdn.example/1.png",
        "previewImageUrl": "https://cdn.example/1s.png",
    }
    assert problems(send([image])) == set()


def test_unknown_message_type():
    assert problems(send([{"type": "audio"}])) == {("msg", "messages[0].type", "message_type")}


def test_quiet_hours_policy_is_required():
    bad = send([text("hi")])
    del bad["nodes"]["msg"]["quiet_hours"]
    assert problems(bad) == {("msg", "quiet_hours", "schema")}


def test_known_variables():
    good = send([text("{displayName}: cart {event.cart_id}, {event.total}")])
    assert problems(good) == set()


def body_text(value: str) -> dict:
    """A bubble whose body is one text component."""
    return {**BUBBLE, "body": {**BUBBLE["body"], "contents": [{"type": "text", "text": value}]}}


def test_unknown_variables_named_where_they_are():
    bad = send([text("Hi {firstName}"), flex(body_text("{event.coupon}"))])
    assert problems(bad) == {
        ("msg", "messages[0].text", "unknown_variable"),
        ("msg", "messages[1].contents.body.contents[0].text", "unknown_variable"),
    }


def test_item_variables_only_inside_the_repeated_carousel():
    product = body_text("{item.name}")
    repeated = flex({"type": "carousel", "contents": [product]})
    good = send(
        [text("{displayName}"), repeated], carousel_from={"message": 2, "property": "items"}
    )
    assert problems(good) == set()
    outside = send(
        [text("{item.name}"), repeated], carousel_from={"message": 2, "property": "items"}
    )
    assert problems(outside) == {("msg", "messages[0].text", "unknown_variable")}


def test_carousel_from_needs_a_one_bubble_carousel_and_a_known_property():
    two = flex({"type": "carousel", "contents": [BUBBLE, BUBBLE]})
    bad = send([two], carousel_from={"message": 1, "property": "products"})
    assert problems(bad) == {
        ("msg", "carousel_from.message", "carousel_template"),
        ("msg", "carousel_from.property", "unknown_variable"),
    }


def test_carousel_from_at_most_10_items():
    repeated = flex({"type": "carousel", "contents": [BUBBLE]})
    bad = send([repeated], carousel_from={"message": 1, "property": "items", "limit": 11})
    assert problems(bad) == {("msg", "carousel_from.limit", "schema")}


def button(uri: str) -> dict:
    action = {"type": "uri", "label": "Open", "uri": uri}
    body = {**BUBBLE["body"], "contents": [{"type": "button", "action": action}]}
    return {**BUBBLE, "body": body}


def test_a_flex_bubble_line_would_refuse_is_named_at_its_path():
    """The full LINE schema check (the one broadcasts use): a box needs its layout."""
    broken = {**BUBBLE, "body": {"type": "box", "contents": []}}
    found = problems(send([text("hi"), flex(broken)]))
    assert found == {("msg", "messages[1].contents.body", "message_invalid")}
    carousel_of_broken = flex({"type": "carousel", "contents": [BUBBLE, broken]})
    assert problems(send([carousel_of_broken])) == {
        ("msg", "messages[0].contents.contents[1].body", "message_invalid")
    }


def test_one_sentence_per_mistake():
    """A field the focused check reports is not reported again by LINE's schema."""
    long_text = send([text("a" * 5001)])
    graph_problems = validate_graph(long_text)
    assert [(p.field, p.code) for p in graph_problems] == [("messages[0].text", "message_invalid")]
    assert "at most 5000 characters" in graph_problems[0].message


def test_variables_in_links_are_checked_as_sample_links():
    """A product's link or image only exists when the message is sent: ``{item.url}`` is not
    refused as an invalid link, but the rest of a link still is."""
    product = button("{item.url}")
    product["hero"] = {"type": "image", "url": "{item.image_url}"}
    repeated = flex({"type": "carousel", "contents": [product]})
    image = {
        "type": "image",
        "originalContentUrl": "{event.cart_id}",
        "previewImageUrl": "https://cdn.example/p/{event.cart_id}.png",
    }
    good = send(
        [repeated, image, flex(button("{event.cart_id}?utm_source=line"))],
        carousel_from={"message": 1, "property": "items"},
    )
    assert problems(good) == set()
    bad = send([flex(button("javascript:{event.cart_id}"))])
    assert problems(bad) == {
        ("msg", "messages[0].contents.body.contents[0].action.uri", "message_invalid")
    }
    insecure = {**image, "previewImageUrl": "http://cdn.example/{event.cart_id}.png"}
    assert problems(send([insecure])) == {("msg", "messages[0].previewImageUrl", "message_invalid")}
