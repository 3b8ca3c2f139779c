"""The builder's send-step form offers how its links are tracked, in words, and saves it."""

from __future__ import annotations

from tests.journeys.views.builder_helpers import draft, make_journey, url


def test_a_send_step_saves_its_click_tracking(owner_client, account):
    journey = make_journey(account)  # the cart abandonment starter: its sends track per friend
    html = owner_client.get(url(journey, "journey_builder_node", "coupon")).content.decode()
    field = html[html.index('name="click_tracking"') :].split("</select>")[0]
    assert "per friend (sent one by one)" in field
    assert 'value="friend" selected' in field
    assert "instead of in multicasts" in html  # the trade-off, next to the field
    response = owner_client.post(
        url(journey, "journey_builder_node", "coupon"),
        {
            "fields": "1",
            "quiet_hours": "defer",
            "click_tracking": "node",
            "message_1_type": "text",
            "message_1": "Here is 10% off: https://shop.example/cart",
        },
    )
    assert response.status_code == 302
    assert draft(journey)["nodes"]["coupon"]["click_tracking"] == "node"


def test_a_branch_step_saves_the_steps_whose_clicks_it_needs(owner_client, account):
    journey = make_journey(account, starter="welcome_series")
    response = owner_client.post(
        url(journey, "journey_builder_node", "engaged"),
        {"fields": "1", "rules:type": "all", "clicked": "day_0\nday_3_nudge"},
    )
    assert response.status_code == 302
    assert draft(journey)["nodes"]["engaged"]["clicked"] == ["day_0", "day_3_nudge"]
