"""The nightly CRM jobs: due once per OA-local day after 02:00, idempotent, snapshot + RFM."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from segments.models import RfmScore, TagCoverageSnapshot
from segments.selectors import tags as tag_selectors
from segments.services import nightly
from tests.segments.crm_world import build_crm_world


@pytest.mark.django_db
def test_due_after_local_two_and_once_per_day(account):
    build_crm_world(account)
    # 16:30 UTC is 01:30 in Tokyo: not yet; 17:30 UTC is 02:30: due.
    assert account.pk not in nightly.crm_nightly_due(now=datetime(2025, 6, 15, 16, 30, tzinfo=UTC))
    at = datetime(2025, 6, 15, 17, 30, tzinfo=UTC)
    assert account.pk in nightly.crm_nightly_due(now=at)
    assert nightly.crm_nightly_run(account_id=account.pk, now=at) is True
    assert nightly.crm_nightly_run(account_id=account.pk, now=at) is False
    assert account.pk not in nightly.crm_nightly_due(now=at)
    assert RfmScore.unscoped.filter(account=account).count() == 4
    overall = TagCoverageSnapshot.unscoped.get(account=account, scope="all")
    assert (overall.date, overall.tagged, overall.following) == (date(2025, 6, 16), 2, 3)
    assert TagCoverageSnapshot.unscoped.filter(account=account).count() == 1 + 1 + 2


@pytest.mark.django_db
def test_trend_reads_snapshots(account, scope):
    build_crm_world(account)
    nightly.crm_nightly_run(account_id=account.pk, now=datetime(2025, 6, 14, 18, tzinfo=UTC))
    nightly.crm_nightly_run(account_id=account.pk, now=datetime(2025, 6, 15, 18, tzinfo=UTC))
    trend = tag_selectors.tag_coverage_trend(account=account)
    assert [day for day, _coverage in trend["all"]] == [date(2025, 6, 15), date(2025, 6, 16)]
    assert trend["all"][0][1].percent == pytest.approx(66.7)
