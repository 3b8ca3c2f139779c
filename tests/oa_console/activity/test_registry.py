"""Subscriber names key the cursors in the database: one handler per name, and the deployed
names stay as they are."""

from __future__ import annotations

import pytest

from oa_console.activity import registry

KINDS = ("custom_event",)


def _first(rows) -> None:
    """A handler."""


def _second(rows) -> None:
    """Another handler."""


@pytest.fixture
def cleanup():
    names: list[str] = []
    yield names
    for name in names:
        registry.unregister(name)


def test_a_name_taken_by_another_handler_is_refused(cleanup):
    cleanup.append("test.taken")
    registry.register("test.taken", KINDS, _first)
    registry.register("test.taken", ["tag_added"], _first)  # ready() again: replaced
    assert registry.subscriber("test.taken").kinds == frozenset({"tag_added"})
    with pytest.raises(ValueError, match="already registered"):
        registry.register("test.taken", KINDS, _second)
    assert registry.subscriber("test.taken").handler is _first


def test_a_name_the_cursor_column_cannot_hold_is_refused():
    with pytest.raises(ValueError, match="1 to 100 characters"):
        registry.register("", KINDS, _first)
    with pytest.raises(ValueError, match="1 to 100 characters"):
        registry.register("x" * 101, KINDS, _first)
    assert {"", "x" * 101}.isdisjoint(s.name for s in registry.subscribers())


def test_the_apps_subscribers_keep_their_deployed_names():
    """Renaming one would start a new cursor: the log replayed to it, or skipped."""
    assert {s.name for s in registry.subscribers()} >= {
        "segments.services.campaigns",
        "segments.services.tag_rules",
        "segments.services.friend_links",
        "insights.metrics",
    }
