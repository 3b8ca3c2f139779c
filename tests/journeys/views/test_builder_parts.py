"""Editing a journey's trigger (and first step), entry rules and goal in the builder."""

from __future__ import annotations

import pytest

from oa_console.roles import Role
from segments.models import Tag
from tests.conftest import client_for, make_member
from tests.journeys.views.builder_helpers import HTMX, HTMX_EDITOR, draft, make_journey, url


@pytest.fixture
def journey(account):
    return make_journey(account)


def test_the_trigger_form_shows_the_current_trigger(owner_client, journey):
    html = owner_client.get(url(journey, "journey_builder_trigger")).content.decode()
    assert 'value="cart_abandoned"' in html
    assert "cart_id, items, total, checkout_url" in html
    assert 'name="start"' in html


def test_choosing_another_kind_shows_its_fields_before_anything_is_saved(owner_client, journey):
    response = owner_client.get(
        url(journey, "journey_builder_trigger") + "?kind=tag", **HTMX_EDITOR
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="journey-editor"')
    assert 'name="tag_id"' in html and 'name="change"' in html
    assert draft(journey)["trigger"]["kind"] == "custom_event"


def test_saving_a_tag_trigger(owner_client, account, journey):
    tag = Tag.unscoped.create(account=account, name="VIP")
    response = owner_client.post(
        url(journey, "journey_builder_trigger"),
        {
            "fields": "1",
            "kind": "tag",
            "tag_id": str(tag.pk),
            "change": "added",
            "start": "wait_1h",
        },
    )
    assert response.status_code == 302
    assert draft(journey)["trigger"] == {"kind": "tag", "tag_id": tag.pk, "change": "added"}
    page = owner_client.get(url(journey)).content.decode()
    assert "When the tag “VIP” is added" in page


def test_a_bad_trigger_shows_its_errors_in_place(owner_client, journey):
    before = draft(journey)
    response = owner_client.post(
        url(journey, "journey_builder_trigger"),
        {"fields": "1", "kind": "custom_event", "event": "no spaces allowed", "start": "wait_1h"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    event = html[html.index('name="event"') :].split("</div>")[0]
    assert "This value has the wrong format." in event
    assert draft(journey) == before


def test_the_first_step_can_be_changed_with_the_trigger(owner_client, journey):
    owner_client.post(
        url(journey, "journey_builder_trigger"),
        {"fields": "1", "kind": "custom_event", "event": "cart_abandoned", "start": "reminder"},
    )
    graph = draft(journey)
    assert graph["start"] == "reminder"
    assert graph["trigger"] == {"kind": "custom_event", "event": "cart_abandoned"}
    html = owner_client.get(url(journey)).content.decode()
    # The template's variables the trigger no longer declares are shown at the send steps.
    assert "Unknown variable {event.checkout_url}." in html


def test_entry_rules_round_trip(owner_client, journey):
    form = owner_client.get(url(journey, "journey_builder_entry")).content.decode()
    assert 'value="cart_id"' in form
    response = owner_client.post(
        url(journey, "journey_builder_entry"),
        {
            "following_only": "on",
            "policy": "after_days",
            "days": "30",
            "dedupe_property": "cart_id",
            "max_concurrent": "2",
            "audience": "",
        },
    )
    assert response.status_code == 302
    assert draft(journey)["entry"] == {
        "following_only": True,
        "reentry": {"policy": "after_days", "days": 30},
        "dedupe_property": "cart_id",
        "max_concurrent": 2,
    }


def test_entry_problems_are_said_at_their_field(owner_client, journey):
    response = owner_client.post(
        url(journey, "journey_builder_entry"), {"policy": "once", "days": "5"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    days = html[html.index('name="days"') :].split("</div>")[0]
    assert "Give the number of days only when friends may enter again after some days." in days
    assert draft(journey)["entry"]["reentry"] == {"policy": "once", "days": 5}


def test_the_goal_can_be_removed_and_set_again(owner_client, journey):
    goal_url = url(journey, "journey_builder_goal")
    assert owner_client.post(goal_url, {}).status_code == 302
    assert "goal" not in draft(journey)
    response = owner_client.post(goal_url, {"has_goal": "on", "event": "purchase"})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "This field is required." in html[html.index('name="window_amount"') :].split("</div>")[0]
    )
    owner_client.post(
        goal_url,
        {
            "has_goal": "on",
            "event": "purchase",
            "window_amount": "3",
            "window_unit": "days",
            "exit_on_goal": "on",
            "revenue_property": "total",
        },
    )
    assert draft(journey)["goal"] == {
        "event": "purchase",
        "window": {"amount": 3, "unit": "days"},
        "exit_on_goal": True,
        "revenue_property": "total",
    }
    page = owner_client.get(url(journey)).content.decode()
    assert "purchase within 3 days (the friend then leaves)" in page


def test_a_viewer_cannot_open_or_post_the_parts(workspace, journey):
    client = client_for(make_member(workspace, Role.VIEWER))
    for name in ("journey_builder_trigger", "journey_builder_entry", "journey_builder_goal"):
        assert client.get(url(journey, name)).status_code == 403
        assert client.post(url(journey, name), {"fields": "1"}).status_code == 403


def test_event_conditions_are_rows_of_property_comparison_and_value(owner_client, account):
    journey = make_journey(account, starter="first_purchase")
    form = owner_client.get(url(journey, "journey_builder_trigger")).content.decode()
    assert 'name="conditions_1_property" value="order_number"' in form
    assert 'name="conditions_2_property"' in form and 'name="conditions_3_property"' not in form
    response = owner_client.post(
        url(journey, "journey_builder_trigger"),
        {
            "fields": "1",
            "kind": "custom_event",
            "event": "purchase",
            "start": "wait_2h",
            "conditions_1_property": "total",
            "conditions_1_op": "gte",
            "conditions_1_value": "1000",
            "conditions_2_property": "channel",
            "conditions_2_op": "in",
            "conditions_2_value": "web, app",
        },
    )
    assert response.status_code == 302
    assert draft(journey)["trigger"]["conditions"] == [
        {"property": "total", "op": "gte", "value": 1000},
        {"property": "channel", "op": "in", "value": ["web", "app"]},
    ]


def test_a_condition_without_its_value_or_property_is_said_at_its_row(owner_client, account):
    journey = make_journey(account, starter="first_purchase")
    response = owner_client.post(
        url(journey, "journey_builder_trigger"),
        {
            "fields": "1",
            "kind": "custom_event",
            "event": "purchase",
            "start": "wait_2h",
            "conditions_1_property": "",
            "conditions_1_op": "eq",
            "conditions_1_value": "5",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    row = html[html.index('name="conditions_1_property"') :].split("</div>")[0]
    assert "Name the property this condition is about." in row
    response = owner_client.post(
        url(journey, "journey_builder_trigger"),
        {
            "fields": "1",
            "kind": "custom_event",
            "event": "purchase",
            "start": "wait_2h",
            "conditions_1_property": "total",
            "conditions_1_op": "gt",
            "conditions_1_value": "",
        },
    )
    html = response.content.decode()
    value = html[html.index('name="conditions_1_value"') :].split("</div>")[0]
    assert "This condition needs a value." in value
