"""LINE message validation against LINE's own schema, shared by broadcasts and journeys, and
personalisation by the friend's name."""

from __future__ import annotations

from oa_console.line.messages import (
    is_personalised,
    messages_errors,
    personalise,
    schema_component,
)

FLEX = {
    "type": "flex",
    "altText": "New arrivals",
    "contents": {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {
                    "type": "button",
                    "action": {"type": "uri", "label": "Shop", "uri": "https://shop.example/new"},
                }
            ],
        },
    },
}


def test_the_composer_bubble_kinds_are_accepted():
    messages = [
        {"type": "text", "text": "Hello {displayName}"},
        {
            "type": "image",
            "originalContentUrl": "https://cdn.example/a.jpg",
            "previewImageUrl": "https://cdn.example/a-small.jpg",
        },
        {"type": "sticker", "packageId": "446", "stickerId": "1988"},
        FLEX,
    ]
    assert messages_errors(messages) == []


def test_more_than_five_bubbles_is_refused():
    errors = messages_errors([{"type": "text", "text": str(n)} for n in range(6)])
    assert [e.message for e in errors] == ["At most 5 messages can be sent at once."]


def test_invalid_flex_names_the_bubble_and_the_path():
    broken = {**FLEX, "contents": {"type": "bubble", "body": {"type": "box", "contents": []}}}
    errors = messages_errors([{"type": "text", "text": "hi"}, broken])
    assert [(e.bubble, e.path) for e in errors] == [(2, "contents/body")]
    assert "'layout' is a required property" in str(errors[0])
    assert str(errors[0]).startswith("Bubble 2 (contents/body)")


def test_unknown_flex_component_type_is_refused():
    broken = {**FLEX, "contents": {"type": "bubblez"}}
    assert messages_errors([broken])[0].message == "type must be one of bubble, carousel"


def test_image_needs_https_and_a_preview():
    errors = messages_errors([{"type": "image", "originalContentUrl": "http://cdn.example/a.jpg"}])
    assert {e.path for e in errors} == {"", "originalContentUrl"}


def test_types_outside_the_composers_are_refused_by_name():
    errors = messages_errors([{"type": "video", "originalContentUrl": "https://a.example/v.mp4"}])
    assert [(e.bubble, e.path) for e in errors] == [(1, "type")]
    assert messages_errors([]) and messages_errors("hi")  # not a list, or empty


def test_links_that_are_not_web_links_are_refused_where_they_are():
    button = {
        "type": "button",
        "action": {"type": "uri", "label": "Go", "uri": "javascript:alert(1)"},
    }
    flex = {
        **FLEX,
        "contents": {
            **FLEX["contents"],
            "body": {**FLEX["contents"]["body"], "contents": [button]},
        },
    }
    errors = messages_errors([{"type": "text", "text": "See http://exa mple"}, flex])
    assert (2, "contents/body/contents/0/action/uri") in {(e.bubble, e.path) for e in errors}


def test_display_name_is_replaced_in_text_bubbles_only():
    messages = [{"type": "text", "text": "Hi {displayName}!"}, FLEX]
    assert is_personalised(messages) and not is_personalised([FLEX])
    assert personalise(messages, "Aiko") == [{"type": "text", "text": "Hi Aiko!"}, FLEX]
    assert personalise(messages, "")[0]["text"] == "Hi there!"


def test_schema_components_come_from_lines_document():
    assert "age_20" in str(schema_component("AgeDemographic"))


def test_a_type_that_is_not_a_string_is_an_error_not_a_crash():
    """A Flex ``type`` sent as a list or an object (API input) is reported, not a 500."""
    for tag in ([], {"a": 1}, 3):
        broken = {**FLEX, "contents": {"type": tag, "contents": []}}
        errors = messages_errors([broken])
        assert {e.path for e in errors} <= {"contents", "contents/type"}, tag
        assert "type must be one of bubble, carousel" in [e.message for e in errors]


EMOJI = {"productId": "5ac1bfd5040ab15980c9b435", "emojiId": "001"}


def test_a_line_emoji_off_its_dollar_is_refused_before_line_sees_it():
    good = {"type": "text", "text": "🍣 $", "emojis": [{"index": 3, **EMOJI}]}
    off = {"type": "text", "text": "🍣 $", "emojis": [{"index": 2, **EMOJI}]}
    assert messages_errors([good]) == []
    [error] = messages_errors([off])
    assert (error.bubble, error.path) == (1, "emojis/0/index")
    assert "not the position of a $" in error.message


def test_personalising_moves_the_line_emoji_with_the_text():
    """A name before a placeholder shifts it; a $ or a 🍣 in the name is plain text."""
    message = {
        "type": "text",
        "text": "{displayName} $ thanks $",
        "emojis": [{"index": 14, **EMOJI}, {"index": 23, **EMOJI, "emojiId": "002"}],
    }
    assert messages_errors([message]) == []
    [sent] = personalise([message], "A$🍣")
    assert sent["text"] == "A$🍣 $ thanks $"
    assert [e["index"] for e in sent["emojis"]] == [5, 14]
    assert [e["emojiId"] for e in sent["emojis"]] == ["001", "002"]
    assert messages_errors([sent]) == []
    assert message["text"] == "{displayName} $ thanks $"  # the stored message is unchanged
