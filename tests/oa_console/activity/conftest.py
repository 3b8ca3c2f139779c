from __future__ import annotations

import pytest

from oa_console.activity import registry


@pytest.fixture
def recorder():
    """A test subscriber that records what it is given; removed afterwards."""
    names: list[str] = []

    def make(name: str, kinds=("custom_event",), start=registry.FROM_NOW, fail=None, ahead=False):
        seen: list[int] = []

        def handler(rows):
            if fail is not None:
                fail(rows)
            seen.extend(row.pk for row in rows)

        registry.register(name, kinds, handler, start=start, ahead=ahead)
        names.append(name)
        return seen

    yield make
    for name in names:
        registry.unregister(name)
