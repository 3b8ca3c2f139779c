"""The golden data set through the rollups and the metrics API: every figure as computed by hand
(tests/insights/metrics_golden.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insights.metrics.catalogue import PUBLIC_NAMES
from insights.metrics.rollups import metrics_recompute
from insights.models import MetricDaily
from tests.insights import metrics_golden as golden

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(account):
    golden.load_golden(account)
    metrics_recompute(account=account)
    return account


def _api(client, account, metrics, granularity="day", **params):
    url = reverse("api_account_metrics", kwargs={"account_id": account.pk})
    query = {
        "metric": metrics,
        "from": golden.FROM.isoformat(),
        "to": golden.TO.isoformat(),
        "granularity": granularity,
        **params,
    }
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return {m["name"]: m for m in response.json()["metrics"]}


def test_every_daily_value_through_the_api(loaded, owner_client):
    body = _api(owner_client, loaded, list(golden.DAILY))
    for name, expected in golden.DAILY.items():
        points = body[name]["points"]
        assert [p["period"] for p in points] == [f"2025-03-0{n}" for n in range(1, 6)], name
        for position, (point, want) in enumerate(zip(points, expected, strict=True)):
            if want == golden.H:
                assert (point["value"], point["hidden"]) == (None, True), (name, position)
            else:
                assert point["value"] == want, (name, position, point)
                partly = (name, position) in golden.PARTLY_HIDDEN
                assert point["hidden"] is partly, (name, position, point)


def test_every_total_through_the_api(loaded, owner_client):
    # One period covering the range: granularity month over days of one month.
    body = _api(owner_client, loaded, list(golden.TOTALS), granularity="month")
    for name, expected in golden.TOTALS.items():
        (point,) = body[name]["points"]
        assert point["value"] == expected, (name, point)


def test_rates_say_how_many_days_they_left_out(loaded, owner_client):
    body = _api(owner_client, loaded, ["coupons.usage_rate", "chats.manual_share"], "month")
    # A hidden coupon leaves out that coupon on that day, not the day.
    assert body["coupons.usage_rate"]["excluded_days"] == 0
    assert body["coupons.usage_rate"]["excluded_items"] == 1
    assert body["chats.manual_share"]["excluded_days"] == 1
    assert body["chats.manual_share"]["excluded_items"] == 0


def test_sources_are_kept(loaded, owner_client):
    body = _api(owner_client, loaded, ["chats.received", "friends.adds"])
    sources = [p["sources"] for p in body["chats.received"]["points"]]
    assert sources == [["csv"], ["csv"], ["webhook"], ["webhook"], ["webhook"]]
    webhook_only = _api(owner_client, loaded, ["chats.received"], source="webhook")
    # The webhook saw 2 messages on 03-02 where the CSV says 7: the reconciliation chart.
    assert [p["value"] for p in webhook_only["chats.received"]["points"]] == [None, 2, 1, 0, 0]
    assert {p["sources"][0] for p in body["friends.adds"]["points"] if p["sources"]} == {"csv"}


def test_weekly_periods_start_on_monday(loaded, owner_client):
    body = _api(owner_client, loaded, ["friends.adds", "friends.total"], granularity="week")
    # 2025-03-01 is a Saturday: the first week is 02-24 (01, 02), the next 03-03 (03 .. 05).
    assert [p["period"] for p in body["friends.adds"]["points"]] == ["2025-02-24", "2025-03-03"]
    assert [p["value"] for p in body["friends.adds"]["points"]] == [10, 40]
    assert [p["value"] for p in body["friends.total"]["points"]] == [1010, 1050]


def test_recompute_is_idempotent(loaded):
    def snapshot():
        return sorted(
            MetricDaily.unscoped.filter(account=loaded).values_list(
                "metric", "source", "date", "value", "hidden"
            )
        )

    first = snapshot()
    metrics_recompute(account=loaded)
    metrics_recompute(account=loaded, date_from=golden.FROM, date_to=golden.TO)
    assert snapshot() == first


def test_every_public_metric_has_a_golden_expectation():
    """A metric added to the catalogue without a hand-computed figure fails here."""
    covered = set(golden.DAILY) | set(golden.TOTALS)
    assert set(PUBLIC_NAMES) - covered == set()
