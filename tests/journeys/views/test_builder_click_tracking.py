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


def clicked_field(html: str) -> str:
    """The branch editor's "clicked a link sent by these steps" field: its checkboxes, help
    and error (the rules tree follows it)."""
    start = html.index('name="clicked"')
    return html[html.rindex('<div class="field', 0, start) : html.index("builder-rules", start)]


def test_a_branch_offers_the_send_steps_by_their_titles(owner_client, account):
    journey = make_journey(account, starter="welcome_series")
    html = owner_client.get(url(journey, "journey_builder_node", "engaged")).content.decode()
    field = clicked_field(html)
    assert field.count('type="checkbox"') == 4  # the four send steps, nothing else
    for title in ("Day 0: welcome", "Day 3: more picks", "Day 3: nudge", "Day 7: first-order"):
        assert title in field
    assert "3 days" not in field  # a wait is not offered
    checked = [part for part in field.split("<input")[1:] if "checked" in part.split(">")[0]]
    assert len(checked) == 1 and 'value="day_0"' in checked[0]
    assert '<textarea name="clicked"' not in html


def test_a_branch_step_saves_the_steps_whose_clicks_it_needs(owner_client, account):
    journey = make_journey(account, starter="welcome_series")
    response = owner_client.post(
        url(journey, "journey_builder_node", "engaged"),
        {"fields": "1", "rules:type": "all", "clicked": ["day_0", "day_3_nudge"]},
    )
    assert response.status_code == 302
    assert draft(journey)["nodes"]["engaged"]["clicked"] == ["day_0", "day_3_nudge"]
    # None ticked: the branch no longer looks at clicks (the graph has no empty list).
    owner_client.post(
        url(journey, "journey_builder_node", "engaged"), {"fields": "1", "rules:type": "all"}
    )
    assert "clicked" not in draft(journey)["nodes"]["engaged"]


def test_a_step_that_is_not_a_send_step_is_refused_at_the_field(owner_client, account):
    journey = make_journey(account, starter="welcome_series")
    before = draft(journey)
    response = owner_client.post(
        url(journey, "journey_builder_node", "engaged"),
        {"fields": "1", "rules:type": "all", "clicked": ["day_0", "wait_3d"]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“wait_3d” is not a send step of this journey." in clicked_field(html)
    assert draft(journey) == before


def test_a_step_the_branch_names_that_is_gone_stays_ticked_and_is_named(owner_client, account):
    journey = make_journey(account, starter="welcome_series")
    graph = journey.draft_graph
    graph["nodes"]["engaged"]["clicked"] = ["day_0", "old_send"]
    journey.draft_graph = graph
    journey.save()
    address = url(journey, "journey_builder_node", "engaged")
    field = clicked_field(owner_client.get(address).content.decode())
    assert "old_send (not a send step)" in field
    assert field.count("checked") == 2
    # Saved as it is, the graph's own problem is shown at the field.
    response = owner_client.post(
        address, {"fields": "1", "rules:type": "all", "clicked": ["day_0", "old_send"]}
    )
    assert response.status_code == 200
    assert "old_send is not a send step of this journey." in clicked_field(
        response.content.decode()
    )
