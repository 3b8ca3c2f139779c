"""The webhook health page, its fragments, raw JSON, admin actions, and the API."""

from __future__ import annotations

import html
import json
import time

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.webhooks.factories import (
    BOT_USER_ID,
    event,
    post_events,
    post_raw,
    stored_event,
    user_id,
)
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


def url(name, account, **kwargs):
    return reverse(
        name,
        kwargs={"workspace_slug": account.workspace.slug, "account_slug": account.slug, **kwargs},
    )


@pytest.fixture
def activity(account, line_client, process):
    now = int(time.time() * 1000)
    post_events(
        line_client,
        account,
        [
            event("follow", user=user_id(1), timestamp=now - 3_600_000),
            event("message", user=user_id(1), timestamp=now - 60_000),
            event("postback", timestamp=now, postback={"data": "a=1"}),
            event("mystery", timestamp=now),
        ],
    )
    process()
    post_raw(line_client, account, b"{}", signature="forged")


def test_health_page_shows_status_chart_and_recent_events(viewer, account, activity):
    response = client_for(viewer).get(url("webhook_health", account))
    assert response.status_code == 200
    body = response.content.decode()
    assert "vendor/plotly/plotly-basic.min.js" in body
    assert "insights/dashboards.js" in body  # draws every chart box from its JSON figure
    figure_json = body.split('id="webhook-events-chart-figure">', 1)[1].split("</script>", 1)[0]
    figure = json.loads(figure_json)
    # Legend names are the types' names; a type LINE adds later keeps its own word.
    assert {trace["name"] for trace in figure["data"]} == {
        "Follow",
        "Message",
        "Postback",
        "mystery",
    }
    assert sum(sum(trace["y"]) for trace in figure["data"]) == 4  # the four events of the fixture
    assert 'data-plotly-figure="webhook-events-chart-figure"' in body
    assert "&lt;div" not in body
    assert 'data-testid="count-processed">3<' in body
    assert 'data-testid="count-skipped">1<' in body
    assert "Last signature failure" in body
    assert body.count('data-testid="event-row"') == 4
    assert url("friend_detail", account, line_user_id=user_id(1)) in body
    assert "Reprocess failed" not in body  # viewers cannot operate the webhook


def test_health_fragment_for_htmx_polling(viewer, account, activity):
    response = client_for(viewer).get(
        url("webhook_health", account),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="webhook-status",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="webhook-status"' in body and "<html" not in body and "Plotly" not in body
    # Targets outside the whitelist are refused (render_page), never resolved as a template.
    refused = client_for(viewer).get(
        url("webhook_health", account), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="base.html"
    )
    assert refused.status_code == 400 and "<html" not in refused.content.decode()
    # A plain page load (no htmx) still gets the full page.
    assert "<html" in client_for(viewer).get(url("webhook_health", account)).content.decode()


def test_chart_csv_has_exactly_the_charted_numbers(viewer, account, activity):
    response = client_for(viewer).get(url("webhook_health", account) + "?download=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "date,event_type,label,events"
    assert any(line.split(",")[1:3] == ["follow", "Follow"] for line in lines[1:])
    assert len(lines) == 1 + 30 * 4  # 30 days x the 4 event types seen
    assert sum(int(line.rsplit(",", 1)[1]) for line in lines[1:]) == 4


def test_raw_json_on_demand(viewer, account):
    row = stored_event(account, kind="postback", postback={"data": "ünïcode=1"})
    full = client_for(viewer).get(url("webhook_event_raw", account, event_id=row.pk))
    assert full.status_code == 200 and "<html" in full.content.decode()
    fragment = client_for(viewer).get(
        url("webhook_event_raw", account, event_id=row.pk), HTTP_HX_REQUEST="true"
    )
    text = fragment.content.decode()
    assert "<html" not in text and "ünïcode=1" in text
    shown = html.unescape(text.split(">", 1)[1].rsplit("</pre>", 1)[0])
    assert json.loads(shown) == json.loads(row.payload)


def test_reprocess_failed_is_for_admins(admin_user, marketer, account, process):
    failed = stored_event(account, kind="postback", status=WebhookEvent.Status.FAILED)
    assert client_for(marketer).post(url("webhook_reprocess_failed", account)).status_code == 403
    response = client_for(admin_user).post(url("webhook_reprocess_failed", account))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == WebhookEvent.Status.PENDING
    process()
    failed.refresh_from_db()
    assert failed.status == WebhookEvent.Status.FAILED and "postback" in failed.error


def test_send_test_event_goes_through_the_signed_endpoint(admin_user, account, process):
    client = client_for(admin_user)
    response = client.post(url("webhook_send_test_event", account), follow=True)
    assert "bot user ID is unknown" in response.content.decode()
    assert not WebhookEvent.unscoped.exists()
    account.bot_user_id = BOT_USER_ID
    account.save(update_fields=["bot_user_id"])
    response = client.post(url("webhook_send_test_event", account), follow=True)
    assert "A signed test event was accepted" in response.content.decode()
    (row,) = WebhookEvent.unscoped.filter(account=account)
    assert row.event_type == "consoleTest"
    process()
    row.refresh_from_db()
    assert row.status == WebhookEvent.Status.SKIPPED


def test_health_api(viewer, account, activity):
    response = client_for(viewer).get(f"/api/v1/accounts/{account.pk}/webhook/health/")
    assert response.status_code == 200
    data = response.json()
    assert (data["processed"], data["skipped"], data["pending"], data["failed"]) == (3, 1, 0, 0)
    assert data["counts_by_type"] == {"follow": 1, "message": 1, "mystery": 1, "postback": 1}
    assert data["signature_failures"] == 1 and data["last_signature_failure_at"]
    assert data["last_event_at"] and data["average_lag_seconds"] is not None


def test_event_types_from_line_cannot_inject_script_into_the_chart(viewer, account, line_client):
    hostile = "</script><script>alert(1)</script>"[:60]
    post_events(line_client, account, [event(hostile, timestamp=int(time.time() * 1000))])
    body = client_for(viewer).get(url("webhook_health", account)).content.decode()
    figure_json = body.split('id="webhook-events-chart-figure">', 1)[1].split("</script>", 1)[0]
    assert [trace["name"] for trace in json.loads(figure_json)["data"]] == [hostile]
    assert "<script>alert(1)" not in body
