"""Broadcast pages: list, composer with live preview and errors in place, detail with the
cost panel, workflow buttons per role, calendar with drag-to-reschedule permissions, and the
sending-rules page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from broadcasts.models import Broadcast
from segments.models import SendingRules
from tests.broadcasts.conftest import make_broadcast, make_friends
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
Status = Broadcast.Status


def page(account, name, *args) -> str:
    return reverse(name, args=[account.workspace.slug, account.slug, *args])


def composer_data(**overrides) -> dict:
    data = {
        "name": "Summer sale",
        "goal": "Sell sandals",
        "audience_kind": "all",
        "track_clicks": "on",
        "bubble_1_type": "text",
        "bubble_1_text": "Hello {displayName}!",
    }
    data.update(overrides)
    return data


def test_list_shows_broadcasts_with_status(account, marketer):
    make_broadcast(account, status=Status.IN_REVIEW)
    response = client_for(marketer).get(page(account, "account_broadcasts"))
    assert response.status_code == 200
    assert "Spring sale" in response.content.decode()
    assert "In review" in response.content.decode()


def test_live_preview_renders_the_typed_bubbles(account, marketer):
    response = client_for(marketer).post(
        page(account, "broadcast_new"),
        composer_data(),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="broadcast-preview",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="broadcast-preview">')
    assert "Hello Aiko!" in body  # {displayName} shown with a sample name


def test_a_preview_request_carrying_the_add_variant_button_still_previews(account, marketer):
    """htmx sends the last clicked submit button with the form's later requests."""
    response = client_for(marketer).post(
        page(account, "broadcast_new"),
        {**composer_data(), "variant_action": "add"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="broadcast-preview",
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="broadcast-preview">')


def test_saving_shows_errors_beside_the_bubble(account, marketer):
    response = client_for(marketer).post(
        page(account, "broadcast_new"),
        composer_data(
            audience_kind="segment",
            bubble_1_text="Hi",
            bubble_2_type="flex",
            bubble_2_alt="New",
            bubble_2_flex='{"type": "bubble", "body": {"type": "box", "contents": []}}',
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "body: &#x27;layout&#x27; is a required property" in body
    assert 'id="id_bubble_2_flex_error"' in body
    assert 'id="id_segment_error"' in body
    assert not Broadcast.unscoped.exists()


def test_saving_a_draft_redirects_to_it(account, marketer):
    response = client_for(marketer).post(
        page(account, "broadcast_new"), composer_data(bubble_1_text="Hello friends")
    )
    broadcast = Broadcast.unscoped.get()
    assert response.status_code == 302
    assert response["Location"] == page(account, "broadcast_detail", broadcast.pk)
    assert broadcast.messages == [{"type": "text", "text": "Hello friends"}]
    assert broadcast.created_by == marketer


def test_viewers_cannot_compose(account, viewer):
    assert client_for(viewer).get(page(account, "broadcast_new")).status_code == 403


def test_cost_panel_counts_recipients_and_reads_lines_quota(account, rules, marketer, line):
    make_friends(account, 12)
    line.consumption = 345
    broadcast = make_broadcast(account)
    response = client_for(marketer).get(
        page(account, "broadcast_detail", broadcast.pk),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="broadcast-cost",
    )
    body = response.content.decode()
    assert 'data-testid="to-send">12<' in body
    assert "345 / 10000" in body
    assert line.server.calls("getMessageQuota") and line.server.calls("getMessageQuotaConsumption")


def test_approval_buttons_follow_the_role(account, marketer, admin_user):
    broadcast = make_broadcast(account, status=Status.IN_REVIEW)
    detail = page(account, "broadcast_detail", broadcast.pk)
    assert 'data-testid="approve"' not in client_for(marketer).get(detail).content.decode()
    assert 'data-testid="approve"' in client_for(admin_user).get(detail).content.decode()
    approve = page(account, "broadcast_approve", broadcast.pk)
    assert client_for(marketer).post(approve).status_code == 403
    assert client_for(admin_user).post(approve, {"comment": "Nice"}).status_code == 302
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.review_comment) == (Status.APPROVED, "Nice")


def test_reject_needs_a_comment_shown_in_place(account, admin_user):
    broadcast = make_broadcast(account, status=Status.IN_REVIEW)
    response = client_for(admin_user).post(page(account, "broadcast_reject", broadcast.pk))
    assert response.status_code == 400
    assert 'id="id_comment_error"' in response.content.decode()


def test_schedule_form_uses_the_oa_time_zone(account, marketer):
    account.time_zone = "Asia/Tokyo"
    account.save()
    broadcast = make_broadcast(account, status=Status.APPROVED)
    local = (
        (timezone.now() + timedelta(days=3))
        .astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
        .replace(hour=9, minute=30, second=0, microsecond=0)
    )
    response = client_for(marketer).post(
        page(account, "broadcast_schedule", broadcast.pk),
        {"send_at": local.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    broadcast.refresh_from_db()
    assert broadcast.status == Status.SCHEDULED
    assert broadcast.send_at == local.astimezone(UTC)


def test_calendar_shows_planned_broadcasts(account, marketer):
    account.time_zone = "UTC"
    account.save()
    make_broadcast(account, status=Status.SCHEDULED, send_at=datetime(2030, 5, 14, 9, tzinfo=UTC))
    response = client_for(marketer).get(page(account, "broadcast_calendar") + "?date=2030-05-01")
    body = response.content.decode()
    assert 'data-testid="day-2030-05-14"' in body
    assert "09:00 Spring sale" in body and "data-move-url" in body
    week = client_for(marketer).get(
        page(account, "broadcast_calendar") + "?view=week&date=2030-05-15"
    )
    assert "Spring sale" in week.content.decode()


def test_calendar_drag_checks_permission_and_state(account, marketer, viewer):
    account.time_zone = "UTC"
    account.save()
    broadcast = make_broadcast(
        account, status=Status.SCHEDULED, send_at=datetime(2030, 5, 14, 9, tzinfo=UTC)
    )
    move = page(account, "broadcast_reschedule", broadcast.pk)
    assert client_for(viewer).post(move, {"date": "2030-05-20"}).status_code == 403
    response = client_for(marketer).post(
        move, {"date": "2030-05-20"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="calendar-grid"
    )
    assert response.status_code == 200
    broadcast.refresh_from_db()
    assert broadcast.send_at == datetime(2030, 5, 20, 9, tzinfo=UTC)
    Broadcast.unscoped.filter(pk=broadcast.pk).update(status=Status.SENDING)
    refused = client_for(marketer).post(
        move, {"date": "2030-05-21"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="calendar-grid"
    )
    assert refused.status_code == 400
    broadcast.refresh_from_db()
    assert broadcast.send_at == datetime(2030, 5, 20, 9, tzinfo=UTC)


def test_sending_rules_are_edited_by_admins(account, marketer, admin_user):
    url = page(account, "broadcast_settings")
    data = {
        "cap_enabled": "on",
        "cap_messages": "3",
        "cap_days": "14",
        "quiet_enabled": "on",
        "quiet_start": "21:00",
        "quiet_end": "09:00",
    }
    assert client_for(marketer).post(url, data).status_code == 403
    assert client_for(admin_user).post(url, data).status_code == 302
    rules = SendingRules.unscoped.get(account=account)
    assert (rules.cap_messages, rules.cap_days, rules.quiet_start.hour) == (3, 14, 21)
    invalid = client_for(admin_user).post(url, {**data, "quiet_end": "21:00"})
    assert invalid.status_code == 400
    assert "Quiet hours must end" in invalid.content.decode()


def test_workspace_calendar_spans_the_oas_a_login_may_see(account, marketer):
    from tests.conftest import make_member
    from tests.factories import LineAccountFactory

    account.time_zone = "Asia/Tokyo"
    account.save()
    osaka = LineAccountFactory(
        workspace=account.workspace, slug="alpha-osaka", display_name="Alpha Osaka", time_zone="UTC"
    )
    make_broadcast(account, status=Status.SCHEDULED, send_at=datetime(2030, 5, 14, 1, tzinfo=UTC))
    other = make_broadcast(
        osaka, status=Status.SCHEDULED, send_at=datetime(2030, 5, 14, 9, tzinfo=UTC)
    )
    Broadcast.unscoped.filter(pk=other.pk).update(name="Osaka fair")
    url = (
        reverse("workspace_broadcast_calendar", args=[account.workspace.slug]) + "?date=2030-05-01"
    )
    body = client_for(marketer).get(url).content.decode()
    assert "10:00 Spring sale" in body  # 01:00 UTC is 10:00 in Tokyo
    assert "09:00 Osaka fair" in body
    client = make_member(account.workspace, "viewer", email="client@x.example", accounts=[account])
    limited = client_for(client).get(url).content.decode()
    assert "Spring sale" in limited and "Osaka fair" not in limited
