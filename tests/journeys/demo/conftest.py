"""A small Tokyo OA with the demo journeys seeded at a fixed moment."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest

from journeys.demo.seed import journeys_demo_seed
from oa_console.tenancy import tenant_scope
from segments.models import Friend
from tests.factories import LineAccountFactory

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def tokyo(workspace):
    account = LineAccountFactory(
        workspace=workspace, slug="tokyo-cosmetics", display_name="Hanami", time_zone="Asia/Tokyo"
    )
    Friend.unscoped.bulk_create(
        [
            Friend(
                account=account,
                line_user_id=f"U{index:032x}",
                status=Friend.Status.FOLLOWING,
                display_name=f"佐藤 {index}",
                first_followed_at=NOW - timedelta(days=index % 150),
                # A birthday for one friend in three, on a day of the last months.
                birthday=date(1990, 1 + index % 12, 1 + index % 28) if index % 3 == 0 else None,
            )
            for index in range(300)
        ]
    )
    return account


@pytest.fixture
def seeded(tokyo, scope_for):
    with scope_for(tokyo):
        created = journeys_demo_seed(account=tokyo, now=NOW)
        yield tokyo, created


@pytest.fixture
def scope_for(workspace):
    @contextmanager
    def enter(account):
        with tenant_scope(workspace=workspace, account=account):
            yield

    return enter
