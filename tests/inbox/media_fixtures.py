"""Fixtures of the chat media tests: a private chat media storage and LINE's content answers."""

from __future__ import annotations

import pytest

from tests.fakes.line_content import ContentScript


@pytest.fixture
def chat_media(settings, tmp_path):
    """The ``chat_media`` storage in a temporary folder (its files are inspected)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "chat_media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "chat-media")},
        },
    }
    return tmp_path / "chat-media"


@pytest.fixture
def line_content(fake_line) -> ContentScript:
    """LINE's content endpoint on the fake server; ``line_content.server`` is the server."""
    script = ContentScript().install(fake_line)
    script.server = fake_line
    return script


def media_event(message_id: str, message_type: str, *, at_ms: int, **fields) -> dict:
    """A friend's image, video, audio or file message (LINE's webhook shape)."""
    from tests.inbox.helpers import text_event

    event = text_event("", at_ms=at_ms)
    event["message"] = {"id": message_id, "type": message_type, **fields}
    return event
