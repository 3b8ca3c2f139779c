"""The inbox's fixtures: the fake LINE API (validated against LINE's specs) with its chat
answers installed."""

import pytest

from tests.fakes.line_chat import ChatScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)
from tests.inbox.media_fixtures import chat_media, line_content  # noqa: F401  (fixtures)


@pytest.fixture
def line_chat(fake_line) -> ChatScript:  # noqa: F811
    """Reply tokens that answer once, mark-as-read and the loading animation; the server is
    ``line_chat.server``."""
    script = ChatScript().install(fake_line)
    script.server = fake_line
    return script
