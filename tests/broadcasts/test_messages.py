"""Message validation against LINE's schema, personalisation and tracked links."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from broadcasts.messages import messages_errors, rewrite_links, tracked_urls
from broadcasts.models import Broadcast
from broadcasts.services import workflow
from tests.broadcasts.conftest import everyone_segment

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


@pytest.mark.django_db
def test_display_name_needs_a_segment_audience(account):
    with pytest.raises(ValidationError) as excinfo:
        workflow.broadcast_create(
            account=account,
            created_by=None,
            name="Hi",
            messages=[{"type": "text", "text": "Hi {displayName}"}],
            audience_kind=Broadcast.AudienceKind.ALL,
        )
    assert "needs a saved segment" in excinfo.value.message_dict["messages"][0]
    broadcast = workflow.broadcast_create(
        account=account,
        created_by=None,
        name="Hi",
        messages=[{"type": "text", "text": "Hi {displayName}"}],
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment_id=everyone_segment(account).pk,
    )
    assert broadcast.status == Broadcast.Status.DRAFT


@pytest.mark.django_db
def test_a_demographic_filter_is_checked_against_the_spec(account):
    with pytest.raises(ValidationError) as excinfo:
        workflow.broadcast_create(
            account=account,
            created_by=None,
            name="Young",
            messages=[{"type": "text", "text": "hi"}],
            audience_kind=Broadcast.AudienceKind.DEMOGRAPHIC,
            demographic={"type": "age", "gte": "age_21"},
        )
    assert "age_21" in excinfo.value.message_dict["demographic"][0]


def test_links_are_rewritten_in_text_and_actions():
    messages = [{"type": "text", "text": "See https://a.example/x and https://a.example/x"}, FLEX]
    assert tracked_urls(messages) == ["https://a.example/x", "https://shop.example/new"]
    rewritten = rewrite_links(
        messages, broadcast_id=7, friend_id=None, redirect_url=lambda token: f"https://c/r/{token}"
    )
    assert "https://a.example" not in rewritten[0]["text"]
    uri = rewritten[1]["contents"]["body"]["contents"][0]["action"]["uri"]
    assert uri.startswith("https://c/r/")
    assert messages_errors(rewritten) == []
