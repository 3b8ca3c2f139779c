"""Broadcast rules on messages ({displayName} needs a segment, demographic filters) and tracked
links; LINE's schema validation itself is tested in tests/oa_console/line/test_messages.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from broadcasts.messages import rewrite_links, tracked_urls
from broadcasts.models import Broadcast
from broadcasts.services import workflow
from oa_console.line.messages import messages_errors
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
