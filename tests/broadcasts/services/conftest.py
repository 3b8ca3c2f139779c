"""Fixtures of the aggregation unit tests: the setting switched on, and the Insight fake."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache

from broadcasts.services import results
from insights.sync import daily
from tests.fakes.line_insight import InsightScript


@pytest.fixture
def units_on(rules):
    rules.use_aggregation_units = True
    rules.save()
    return rules


@pytest.fixture
def insight(fake_line, settings, monkeypatch):
    cache.clear()
    settings.LINE_RATE_LIMITS = {"insight": (2000, 3600)}
    monkeypatch.setattr(daily, "BACKFILL_DAYS", 1)
    # These tests fetch right after sending; the wait for LINE's publication is
    # test_results_loop.py's.
    monkeypatch.setattr(results, "PUBLICATION_DELAY", timedelta(0))
    return InsightScript().install(fake_line)
