"""seed_demo's insight step: 400 days of exports per demo OA through the real import path."""

from datetime import timedelta

import pytest

from insights.demo import seed_insight_imports
from insights.demo.styles import API_DAYS, DAYS
from insights.models import ImportJob, InsightRecord
from oa_console.demo import demo_steps
from oa_console.management.commands.seed_demo import seed_tenancy
from oa_console.tenancy import tenant_scope
from webhooks.demo import seed_webhook_activity

pytestmark = pytest.mark.django_db


def test_demo_imports_every_report_and_agrees_with_webhook_activity():
    assert any(step.name == "seed_insight_imports" for step in demo_steps())
    demo, _created = seed_tenancy()
    seed_webhook_activity(demo)
    inserted = seed_insight_imports(demo)
    assert inserted > 4 * DAYS

    tokyo = demo.accounts["tokyo-cosmetics"]
    jobs = ImportJob.unscoped.filter(account=tokyo)
    assert jobs.count() == 11
    assert set(jobs.values_list("status", flat=True)) == {"succeeded"}
    assert set(jobs.values_list("report", flat=True)) >= {
        "friends",
        "demographics",
        "broadcasts",
        "chats",
        "coupons",
        "reward_card_usage",
        "reward_card_points",
        "reward_card_history",
        "profile_views",
        "voom_posts",
    }
    assert jobs.get(original_name="demo-friends.csv").encoding == "cp932"
    assert (
        InsightRecord.unscoped.filter(account=tokyo, report="friends", source="csv").count() == DAYS
    )
    assert InsightRecord.unscoped.filter(account=tokyo, report="broadcasts").count() == 60

    # The friends added on the webhook demo's days are its follow events.
    from insights.selectors import friends_daily
    from webhooks.selectors import webhook_event_daily_counts

    with tenant_scope(workspace=tokyo.workspace, account=tokyo):
        follows = {
            day: n
            for day, kind, n in webhook_event_daily_counts(account=tokyo, days=20)
            if kind == "follow"
        }
        yesterday = ImportJob.unscoped.get(account=tokyo, original_name="demo-friends.csv").date_to
        day = max(d for d in follows if d <= yesterday)
        (row,) = friends_daily(account=tokyo, date_from=day, date_to=day)
        assert row.added == follows[day]

    with tenant_scope(workspace=tokyo.workspace, account=tokyo):
        _assert_one_story(tokyo)

    assert seed_insight_imports(demo) == 0, "a second run imports nothing"
    assert ImportJob.unscoped.filter(account=tokyo).count() == 11


def test_demo_dates_end_yesterday_and_never_lie_in_the_future():
    demo, _created = seed_tenancy()
    seed_insight_imports(demo)
    job = ImportJob.unscoped.get(
        account=demo.accounts["kumo-tea"], original_name="demo-friends.csv"
    )
    assert (job.date_to - job.date_from) == timedelta(days=DAYS - 1)
    assert job.encoding == "utf-16"


def _current(account, report, source="csv"):
    return InsightRecord.unscoped.filter(
        account=account, report=report, source=source, is_current=True
    )


def _assert_one_story(account):
    """The exports agree with each other and with the webhook activity, figure for figure."""
    from webhooks.selectors import webhook_event_daily_counts

    # Chats: every day of the 400, and on the webhook's days its message events.
    chats = {r.date: r.values for r in _current(account, "chats")}
    assert len(chats) == DAYS
    messages = {
        day: n
        for day, kind, n in webhook_event_daily_counts(account=account, days=40)
        if kind == "message" and day in chats
    }
    assert messages
    for day, n in messages.items():
        assert chats[day]["messages_received"] == n
    for values in chats.values():
        assert values["manual_responses"] + values["auto_responses"] <= values["messages_sent"]

    # Coupons per day: views > claims > uses overall, never more claims than views on a day.
    coupons = [r.values for r in _current(account, "coupons")]
    assert len({v["date"] for v in coupons}) == DAYS
    assert all(v["views"] >= v["claimed"] >= v["used"] for v in coupons)
    totals = [sum(v[name] for v in coupons) for name in ("views", "claimed", "used")]
    assert totals[0] > totals[1] > totals[2] > 0

    # The reward card's usage report is the running total of its own point history.
    history = [r.values for r in _current(account, "reward_card_history")]
    usage = sorted(_current(account, "reward_card_usage"), key=lambda r: r.date)
    assert len(usage) == DAYS
    last = usage[-1].values
    assert last["issued_cards"] == len({v["customer_id"] for v in history})
    assert last["vouchers_used"] == sum(1 for v in history if v["points"] < 0)
    assert last["store_visit_points"] == sum(v["points"] for v in history if v["points"] > 0)
    assert 0 < last["valid_cards"] <= last["issued_cards"]
    active = [r.values["valid_cards"] for r in usage]
    assert active[0] < active[-1]

    # The Insight API's followers rows repeat LINE's CSV figures for the days since connecting.
    api = {r.date: r.values for r in _current(account, "friends", "api")}
    assert len(api) == API_DAYS
    csv_rows = {r.date: r.values for r in _current(account, "friends") if r.date in api}
    for day, values in api.items():
        for name in ("contacts", "target_reaches", "blocks"):
            assert values[name] == csv_rows[day][name]
