"""The Insight API sync against the fake LINE server (requests validated against insight.yml)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from insights import selectors
from insights.models import InsightRecord, InsightSyncState
from insights.sync import broadcasts as sync_broadcasts
from insights.sync import daily, passes
from insights.sync.line import TransientLineError
from insights.sync.passes import insight_sync_run
from insights.sync.records import today_jst
from tests.conftest import client_for
from tests.fakes.line_insight import InsightScript, followers_for
from tests.insights.conftest import upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def insight(fake_line, settings, monkeypatch):
    cache.clear()
    settings.LINE_RATE_LIMITS = {"insight": (2000, 3600)}
    monkeypatch.setattr(daily, "BACKFILL_DAYS", 10)
    return InsightScript().install(fake_line)


def api_rows(account, report):
    return {
        r.key: r.values
        for r in InsightRecord.unscoped.filter(account=account, report=report, source="api")
    }


def state(account, endpoint):
    return InsightSyncState.unscoped.get(account=account, endpoint=endpoint)


def test_first_sync_backfills_missing_days_and_records_outcomes(account, insight, fake_line):
    result = insight_sync_run(account_id=account.pk)
    assert result.retry_in is None
    yesterday = today_jst() - timedelta(days=1)
    followers = api_rows(account, "friends")
    assert len(followers) == 10
    assert followers[yesterday.isoformat()] == {
        "date": yesterday.isoformat(),
        "contacts": followers_for(yesterday)["followers"],
        "target_reaches": followers_for(yesterday)["targetedReaches"],
        "blocks": followers_for(yesterday)["blocks"],
    }
    assert len(api_rows(account, "message_deliveries")) == 10
    demographics = api_rows(account, "demographics")
    assert any(
        v.get("gender") == "female" and v["percentage"] == 61.5 for v in demographics.values()
    )
    assert any(v.get("os") == "ios" for v in demographics.values())
    assert state(account, "followers").outcome == "ok"
    assert state(account, "followers").synced_through == yesterday
    assert state(account, "demographic").outcome == "ok"
    # Dates asked are JST days in LINE's yyyyMMdd format; the token is the OA's own.
    call = fake_line.calls("getNumberOfFollowers")[0]
    assert call.query["date"] == [yesterday.strftime("%Y%m%d")]
    assert call.headers["Authorization"] == f"Bearer {account.access_token}"

    again = len(fake_line.requests)
    insight_sync_run(account_id=account.pk)
    assert len(fake_line.requests) == again, "nothing missing: no calls"


def test_backfill_is_spread_over_hours_by_the_rate_limit(
    account, insight, fake_line, settings, monkeypatch
):
    monkeypatch.setattr(daily, "BACKFILL_DAYS", 365)
    settings.LINE_RATE_LIMITS = {"insight": (60, 3600)}
    result = insight_sync_run(account_id=account.pk)
    assert len(fake_line.requests) == 60, "never more than LINE's 60 Insight requests an hour"
    assert 0 < result.retry_in <= 3600
    assert len(api_rows(account, "friends")) == 60
    assert state(account, "followers").outcome == "partial"
    # Newest days first: the dashboards get yesterday before last year.
    assert (today_jst() - timedelta(days=1)).isoformat() in api_rows(account, "friends")
    insight_sync_run(account_id=account.pk)
    assert len(fake_line.requests) == 60, "the same hour: no more calls"


def test_unready_day_is_retried_later(account, insight, fake_line):
    yesterday = today_jst() - timedelta(days=1)
    insight.unready.add(yesterday)
    result = insight_sync_run(account_id=account.pk)
    assert result.retry_in == passes.UNREADY_RETRY
    assert yesterday.isoformat() not in api_rows(account, "friends")
    assert state(account, "followers").outcome == "unready"
    insight.unready.clear()
    insight_sync_run(account_id=account.pk)
    assert yesterday.isoformat() in api_rows(account, "friends")
    assert state(account, "followers").outcome == "ok"


def test_out_of_service_is_recorded_and_not_asked_again(account, insight, fake_line):
    day = today_jst() - timedelta(days=2)
    insight.out_of_service.add(day)
    insight_sync_run(account_id=account.pk)
    assert api_rows(account, "friends")[day.isoformat()] == {
        "date": day.isoformat(),
        "status": "out_of_service",
    }
    assert state(account, "followers").outcome == "out_of_service"
    before = len(fake_line.calls("getNumberOfFollowers"))
    insight_sync_run(account_id=account.pk)
    assert len(fake_line.calls("getNumberOfFollowers")) == before


def test_line_429_waits_for_retry_after(account, insight, fake_line):
    fake_line.fail_next("getNumberOfFollowers", 429, retry_after=120)
    result = insight_sync_run(account_id=account.pk)
    assert result.retry_in == 120
    assert state(account, "followers").outcome == "rate_limited"
    assert api_rows(account, "friends") == {}


def test_line_5xx_is_recorded_and_retried_by_the_task(account, insight, fake_line):
    fake_line.fail_next("getNumberOfFollowers", 500)
    with pytest.raises(TransientLineError):
        insight_sync_run(account_id=account.pk)
    failed = state(account, "followers")
    assert failed.outcome == "error"
    assert "500" in failed.message
    from insights.tasks import sync_account_insights

    assert TransientLineError in sync_account_insights.autoretry_for


def test_demographics_unavailable_below_20_targeted_friends(account, insight):
    insight.demographic_available = False
    insight_sync_run(account_id=account.pk)
    assert state(account, "demographic").outcome == "unavailable"
    assert api_rows(account, "demographics") == {}


def test_broadcast_statistics_for_the_oas_own_request_ids(account, insight, fake_line):
    sync_broadcasts.broadcast_request_register(
        account=account, request_id="f70dd685-499a-4231-a441-f24b8d4fba21", sent_at=timezone.now()
    )
    insight.message_events["f70dd685-499a-4231-a441-f24b8d4fba21"] = {
        "overview": {
            "requestId": "f70dd685-499a-4231-a441-f24b8d4fba21",
            "timestamp": 1568214000,
            "delivered": 320,
            "uniqueImpression": 82,
            "uniqueClick": None,
            "uniqueMediaPlayed": None,
            "uniqueMediaPlayed100Percent": None,
        },
        "messages": [{"seq": 1, "impression": 136}],
        "clicks": [],
    }
    insight_sync_run(account_id=account.pk)
    values = api_rows(account, "broadcasts")["f70dd685-499a-4231-a441-f24b8d4fba21"]
    assert (values["delivered"], values["unique_impressions"], values["impressions"]) == (
        320,
        82,
        136,
    )
    assert values["unique_clicks"] is None, "hidden below 20, never 0"
    assert [c.query["requestId"] for c in fake_line.calls("getMessageEvent")] == [
        ["f70dd685-499a-4231-a441-f24b8d4fba21"]
    ]


def test_csv_and_api_figures_are_both_kept_and_api_is_shown(account, insight, scope):
    yesterday = today_jst() - timedelta(days=1)
    upload_file(account, f"date,contacts\n{yesterday:%Y%m%d},5\n")
    insight_sync_run(account_id=account.pk)
    sources = InsightRecord.unscoped.filter(
        account=account, report="friends", key=yesterday.isoformat()
    )
    assert sorted(sources.values_list("source", flat=True)) == ["api", "csv"]
    (day,) = selectors.friends_daily(account=account, date_from=yesterday, date_to=yesterday)
    assert day.source == "api"
    assert day.contacts == followers_for(yesterday)["followers"]
    assert day.csv_contacts == 5
    assert day.added == 10


def test_sync_now_button_and_last_outcome_on_the_settings_page(
    account, insight, marketer, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        passes, "enqueue_best_effort", lambda task, args, **kw: sent.append(args) or True
    )
    client = client_for(marketer)
    kwargs = {"workspace_slug": account.workspace.slug, "account_slug": account.slug}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("insight_sync_now", kwargs=kwargs))
    assert response.status_code == 302
    assert sent == [(account.pk,)]
    insight_sync_run(account_id=account.pk)
    page = client.get(reverse("account_settings", kwargs=kwargs)).content.decode()
    assert 'data-testid="insight-sync"' in page
    assert "Up to date" in page
    assert "Sync now" in page


def test_viewer_cannot_trigger_a_sync(account, viewer):
    kwargs = {"workspace_slug": account.workspace.slug, "account_slug": account.slug}
    client = client_for(viewer)
    assert client.post(reverse("insight_sync_now", kwargs=kwargs)).status_code == 403
    page = client.get(reverse("account_settings", kwargs=kwargs)).content.decode()
    assert reverse("insight_sync_now", kwargs=kwargs) not in page  # no Insight "Sync now" form


def test_a_refused_token_is_shown_and_other_endpoints_still_run(account, insight, fake_line):
    fake_line.fail_next("getFriendsDemographics", 401, message="Authentication failed")
    insight_sync_run(account_id=account.pk)
    failed = state(account, "demographic")
    assert failed.outcome == "error"
    assert failed.message.startswith("LINE answered 401")
    assert "Authentication failed" in failed.message
    assert state(account, "followers").outcome == "ok"
    assert state(account, "message_event").outcome == "ok"


def test_sweep_enqueues_a_pass_per_oa(account, other_account, monkeypatch):
    sent = []
    monkeypatch.setattr(
        passes, "enqueue_best_effort", lambda task, args, **kw: sent.append(args) or True
    )
    assert passes.insight_sync_sweep() == 2
    assert sorted(sent) == sorted([(account.pk,), (other_account.pk,)])
