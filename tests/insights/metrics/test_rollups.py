"""Rollup rules beyond the golden set: local days per OA time zone, running totals across a gap,
hidden values, and the debounced refresh that imports and webhook batches trigger."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from insights.metrics import refresh
from insights.metrics.rollups import metrics_recompute
from insights.metrics.series import metric_series
from insights.models import MetricDaily, MetricRefreshState
from oa_console.tenancy import tenant_scope
from tests.factories import LineAccountFactory
from tests.insights.conftest import upload_file
from tests.webhooks.factories import event, post_events, user_id
from webhooks.services import webhook_events_process_pending

pytestmark = pytest.mark.django_db


def _ms(*args) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


def _daily(account, metric, date_from, date_to, **kwargs):
    with tenant_scope(workspace=account.workspace, account=account):
        series = metric_series(
            account=account, names=[metric], date_from=date_from, date_to=date_to, **kwargs
        )[metric]
    return {p.period: (p.value, p.hidden) for p in series.points}


def test_same_utc_event_lands_on_each_oas_local_day(workspace):
    """2025-03-01 16:30 UTC is 23:30 on 1 March in Bangkok (UTC+7), 01:30 on 2 March in Tokyo."""
    bangkok = LineAccountFactory(workspace=workspace, slug="bkk", time_zone="Asia/Bangkok")
    tokyo = LineAccountFactory(workspace=workspace, slug="tyo", time_zone="Asia/Tokyo")
    for account in (bangkok, tokyo):
        events = [
            event("follow", user=user_id(7), timestamp=_ms(2025, 3, 1, 16, 30)),
            event("message", user=user_id(7), timestamp=_ms(2025, 3, 1, 16, 31)),
        ]
        assert post_events(Client(), account, events).status_code == 200
        webhook_events_process_pending(account_id=account.pk)
        metrics_recompute(account=account)
    first, second = date(2025, 3, 1), date(2025, 3, 2)
    assert _daily(bangkok, "friends.follows_webhook", first, second) == {
        first: (1, False),
        second: (0, False),
    }
    assert _daily(tokyo, "friends.follows_webhook", first, second) == {
        first: (None, False),  # before the webhook's first event: no data, not zero
        second: (1, False),
    }
    assert _daily(bangkok, "chats.received", first, first) == {first: (1, False)}
    assert _daily(tokyo, "chats.received", second, second) == {second: (1, False)}


def test_running_totals_across_a_gap(account):
    upload_file(
        account,
        "date,contacts,targetReaches,blocks\n"
        "20250110,500,400,10\n"
        "20250111,520,410,12\n"
        # 12 .. 14 January never imported
        "20250115,580,450,20\n"
        "20250116,585,452,21\n",
        report="friends",
    )
    metrics_recompute(account=account)
    adds = _daily(account, "friends.adds", date(2025, 1, 10), date(2025, 1, 16))
    assert [adds[date(2025, 1, d)][0] for d in range(10, 17)] == [None, 20, None, None, None, 60, 5]
    weekly = _daily(
        account, "friends.adds", date(2025, 1, 10), date(2025, 1, 16), granularity="week"
    )
    # Week of 6 Jan: 10-12; week of 13 Jan: 13-16. The sum still telescopes: 585 - 500 = 85.
    assert weekly == {date(2025, 1, 6): (20, False), date(2025, 1, 13): (65, False)}
    totals = _daily(account, "friends.total", date(2025, 1, 12), date(2025, 1, 14))
    assert set(totals.values()) == {(None, False)}  # a gap, never a zero


def test_a_partial_range_recompute_fixes_the_next_days_difference(account):
    upload_file(
        account, "date,contacts,targetReaches,blocks\n20250110,500,400,10\n20250112,530,410,12\n"
    )
    metrics_recompute(account=account)
    assert _daily(account, "friends.adds", date(2025, 1, 12), date(2025, 1, 12)) == {
        date(2025, 1, 12): (30, False)
    }
    upload_file(account, "date,contacts,targetReaches,blocks\n20250111,510,405,11\n")
    metrics_recompute(account=account, date_from=date(2025, 1, 11), date_to=date(2025, 1, 11))
    adds = _daily(account, "friends.adds", date(2025, 1, 11), date(2025, 1, 12))
    assert adds == {date(2025, 1, 11): (10, False), date(2025, 1, 12): (20, False)}


def test_hidden_values_are_never_zero_and_stay_out_of_rates(account):
    job = upload_file(
        account,
        "date,coupon_id,coupon_name,views,claimed,used\n"
        "20250201,A,Ten off,<20,<20,<20\n"
        "20250202,A,Ten off,90,40,10\n",
        report="coupons",
    )
    assert job.status == "succeeded"
    metrics_recompute(account=account)
    stored = MetricDaily.unscoped.get(account=account, metric="coupons.used", date=date(2025, 2, 1))
    assert (stored.value, stored.hidden) == (None, True)
    with tenant_scope(workspace=account.workspace, account=account):
        series = metric_series(
            account=account,
            names=["coupons.usage_rate"],
            date_from=date(2025, 2, 1),
            date_to=date(2025, 2, 2),
            granularity="month",
        )["coupons.usage_rate"]
    (point,) = series.points
    # The coupon is left out on 02-01 (one coupon-day), never counted as 0 used of 0 claimed.
    assert (point.value, point.excluded_days, point.excluded_items) == (25.0, 0, 1)


def test_recompute_command(account, capsys):
    upload_file(account, "date,contacts,targetReaches,blocks\n20250110,500,400,10\n")
    call_command("recompute_metrics", "--account", str(account.pk), "--from", "2025-01-01")
    assert "Recomputed" in capsys.readouterr().out
    assert MetricDaily.unscoped.filter(account=account, metric="friends.total").count() == 1


def test_recompute_command_names_a_missing_oa(account):
    with pytest.raises(CommandError, match=f"No OA with id {account.pk + 1000}"):
        call_command("recompute_metrics", "--account", str(account.pk + 1000))


def test_imports_and_webhook_batches_share_one_debounced_refresh(
    account, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        refresh, "enqueue_best_effort", lambda task, args, **kw: sent.append((task.name, args, kw))
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload_file(account, "date,contacts,targetReaches,blocks\n20250110,500,400,10\n")
    with django_capture_on_commit_callbacks(execute=True):
        post_events(Client(), account, [event("follow", timestamp=_ms(2025, 1, 20, 3, 0))])
        webhook_events_process_pending(account_id=account.pk)
    assert [name for name, _args, _kw in sent] == ["insights.metrics.tasks.refresh_account_metrics"]
    assert sent[0][2]["countdown"] == refresh.DEBOUNCE_SECONDS
    state = MetricRefreshState.unscoped.get(account=account)
    assert state.pending
    assert (state.dirty_from, state.dirty_to) == (date(2025, 1, 9), date(2025, 1, 21))

    refresh.metrics_refresh_run(account_id=account.pk)
    state.refresh_from_db()
    assert not state.pending and state.last_rows > 0
    assert MetricDaily.unscoped.filter(account=account, metric="friends.total").exists()
    assert MetricDaily.unscoped.filter(
        account=account, metric="friends.follows_webhook", date=date(2025, 1, 20), value=1
    ).exists()
    # A redelivered task finds nothing pending and does nothing.
    assert refresh.metrics_refresh_run(account_id=account.pk) is None
