"""Retention of raw webhook events (issue 14): each OA's processed events older than its own
period are pruned nightly in small batches; unprocessed events, recent ones and other OAs'
stay, and the day webhook figures start from is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insights.metrics.webhook_data import webhook_coverage_start
from oa_console.models import AuditEntry
from tests.conftest import client_for
from tests.webhooks.factories import stored_event
from webhooks.models import WebhookEvent
from webhooks.services.retention import raw_events_prune, raw_events_prune_all

pytestmark = pytest.mark.django_db


def _events(account, *, days_ago: int, status: str = "processed", n: int = 1) -> list[int]:
    ids = []
    for _ in range(n):
        event = stored_event(account, status=status)
        at = timezone.now() - timedelta(days=days_ago)
        WebhookEvent.unscoped.filter(pk=event.pk).update(received_at=at, occurred_at=at)
        ids.append(event.pk)
    return ids


def _left(account) -> set[int]:
    return set(WebhookEvent.unscoped.filter(account=account).values_list("pk", flat=True))


def test_old_processed_events_are_pruned_the_rest_stays(account):
    old_done = _events(account, days_ago=200, n=2) + _events(
        account, days_ago=181, status="skipped"
    )
    old_pending = _events(account, days_ago=200, status="pending")
    old_failed = _events(account, days_ago=300, status="failed")
    recent = _events(account, days_ago=179)
    result = raw_events_prune(account=account)
    assert result.deleted == len(old_done) == 3
    assert _left(account) == set(old_pending + old_failed + recent)


def test_each_oa_keeps_its_own_period_and_another_oas_events_are_untouched(account, other_account):
    other_account.raw_event_retention_days = 365
    other_account.save(update_fields=["raw_event_retention_days"])
    mine = _events(account, days_ago=200)
    theirs = _events(other_account, days_ago=200)
    raw_events_prune(account=account)
    assert _left(account) == set()
    assert _left(other_account) == set(theirs)
    assert raw_events_prune_all() == 0, "200 days is within the other OA's 365"
    assert mine and _left(other_account) == set(theirs)


def test_the_delete_runs_in_small_batches_by_id(account):
    _events(account, days_ago=400, n=12)
    with CaptureQueriesContext(connection) as queries:
        result = raw_events_prune(account=account, batch_size=5)
    deletes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("DELETE")]
    assert (result.deleted, result.batches) == (12, 3)
    assert len(deletes) == 3, "one DELETE per batch, never one for everything"
    assert all(" IN (" in sql for sql in deletes), "deleted by id"
    assert _left(account) == set()


def test_the_start_of_webhook_figures_survives_the_prune(account):
    _events(account, days_ago=400)
    _events(account, days_ago=10)
    before = webhook_coverage_start(account)
    raw_events_prune(account=account)
    account.refresh_from_db()
    assert account.webhook_first_event_at is not None
    assert webhook_coverage_start(account) == before


def test_the_prune_is_scheduled_nightly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["prune-raw-webhook-events"]
    assert entry["task"] == "webhooks.tasks.prune_raw_webhook_events"
    from webhooks.tasks import prune_raw_webhook_events

    assert prune_raw_webhook_events.name == entry["task"]


def test_an_admin_changes_the_period_on_the_settings_page_audited(account, admin_user):
    client = client_for(admin_user)
    kwargs = {"workspace_slug": account.workspace.slug, "account_slug": account.slug}
    page = client.get(reverse("account_settings", kwargs=kwargs)).content.decode()
    assert 'name="raw_event_retention_days"' in page and 'value="180"' in page
    url = reverse("account_retention", kwargs=kwargs)
    response = client.post(url, {"raw_event_retention_days": "90"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.raw_event_retention_days == 90
    entry = AuditEntry.unscoped.get(action="retention.changed")
    assert entry.details == {"setting": "raw_event_retention_days", "from": 180, "to": 90}
    assert (entry.account_id, entry.actor_id) == (account.pk, admin_user.pk)


def test_a_period_out_of_range_is_refused_beside_the_field(account, admin_user):
    client = client_for(admin_user)
    kwargs = {"workspace_slug": account.workspace.slug, "account_slug": account.slug}
    response = client.post(
        reverse("account_retention", kwargs=kwargs), {"raw_event_retention_days": "3"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ensure this value is greater than or equal to 7." in html
    assert 'data-testid="retention-panel"' in html
    account.refresh_from_db()
    assert account.raw_event_retention_days == 180
    assert not AuditEntry.unscoped.exists()


def test_a_marketer_sees_the_period_but_cannot_change_it(account, marketer):
    client = client_for(marketer)
    kwargs = {"workspace_slug": account.workspace.slug, "account_slug": account.slug}
    page = client.get(reverse("account_settings", kwargs=kwargs)).content.decode()
    assert "Processed webhook events are kept for 180 days" in page
    assert 'name="raw_event_retention_days"' not in page
    response = client.post(
        reverse("account_retention", kwargs=kwargs), {"raw_event_retention_days": "30"}
    )
    assert response.status_code == 403
    account.refresh_from_db()
    assert account.raw_event_retention_days == 180


def test_the_api_reads_and_sets_the_period(account, admin_user, marketer):
    url = f"/api/v1/accounts/{account.pk}/"
    admin = client_for(admin_user)
    assert admin.get(url).json()["raw_event_retention_days"] == 180
    response = admin.patch(url, {"raw_event_retention_days": 30}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["raw_event_retention_days"] == 30
    bad = admin.patch(url, {"raw_event_retention_days": 5000}, content_type="application/json")
    assert bad.status_code == 400
    assert "raw_event_retention_days" in bad.json()["error"]["fields"]
    refused = client_for(marketer).patch(
        url, {"raw_event_retention_days": 60}, content_type="application/json"
    )
    assert refused.status_code == 403
    account.refresh_from_db()
    assert account.raw_event_retention_days == 30
    assert AuditEntry.unscoped.filter(action="retention.changed").count() == 1
