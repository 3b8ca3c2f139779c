"""seed_demo's insight step: 400 days of exports per demo OA through the real import path."""

from datetime import timedelta

import pytest

from insights.demo import DAYS, seed_insight_imports
from insights.models import ImportJob, InsightRecord
from oa_console.management.commands.seed_demo import SEED_STEPS, seed_tenancy
from oa_console.tenancy import tenant_scope
from webhooks.demo import seed_webhook_activity

pytestmark = pytest.mark.django_db


def test_demo_imports_every_report_and_agrees_with_webhook_activity():
    assert any(step.__name__ == "_seed_insight_imports" for step in SEED_STEPS)
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
    assert InsightRecord.unscoped.filter(account=tokyo, report="friends").count() == DAYS
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
