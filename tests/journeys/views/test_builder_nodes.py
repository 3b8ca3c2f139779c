"""Adding, editing, connecting and deleting steps in the builder, with and without htmx."""

from __future__ import annotations

import json

import pytest

from oa_console.roles import Role
from tests.conftest import client_for, make_member
from tests.journeys.views.builder_helpers import HTMX, draft, make_journey, url


@pytest.fixture
def journey(account):
    return make_journey(account)


def builder_redirect(response, journey) -> bool:
    return response.status_code == 302 and response["Location"] == url(journey)


@pytest.mark.parametrize("role", [Role.MARKETER, Role.ADMIN, Role.OWNER])
def test_editing_a_wait_saves_it_and_the_card_says_so(workspace, journey, role):
    client = client_for(make_member(workspace, role))
    form = client.get(url(journey, "journey_builder_node", "wait_1h")).content.decode()
    assert 'name="duration_amount"' in form and 'value="1"' in form
    response = client.post(
        url(journey, "journey_builder_node", "wait_1h"),
        {
            "fields": "1",
            "label": "Two hours",
            "mode": "duration",
            "duration_amount": "2",
            "duration_unit": "hours",
        },
    )
    assert builder_redirect(response, journey)
    assert draft(journey)["nodes"]["wait_1h"] == {
        "type": "wait",
        "label": "Two hours",
        "mode": "duration",
        "duration": {"amount": 2, "unit": "hours"},
    }
    page = client.get(url(journey)).content.decode()
    assert "Wait 2 hours" in page and "Two hours" in page and "Saved." in page


def test_a_bad_node_form_shows_its_errors_in_place_and_saves_nothing(owner_client, journey):
    before = draft(journey)
    response = owner_client.post(
        url(journey, "journey_builder_node", "wait_1h"),
        {"fields": "1", "mode": "duration", "duration_amount": "0", "duration_unit": "weeks"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    amount = html[html.index('name="duration_amount"') :].split("</div>")[0]
    assert "Ensure this value is greater than or equal to 1." in amount
    unit = html[html.index('name="duration_unit"') :].split("</div>")[0]
    assert "Select a valid choice." in unit
    assert draft(journey) == before


def test_an_invalid_line_message_is_saved_as_a_draft_with_lines_error_at_its_message(
    owner_client, journey
):
    sticker = {"type": "sticker", "packageId": "446"}  # no stickerId
    response = owner_client.post(
        url(journey, "journey_builder_node", "coupon"),
        {
            "fields": "1",
            "quiet_hours": "defer",
            "message_1_type": "text",
            "message_1": "Here is 10% off: CART10",
            "message_2_type": "json",
            "message_2": json.dumps(sticker),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saved. This step still has problems, shown at their fields." in html
    second = html[html.index('name="message_2"') :].split("</div>")[0]
    assert 'data-testid="field-error"' in second
    first = html[html.index('name="message_1"') :].split("</div>")[0]
    assert 'data-testid="field-error"' not in first
    assert draft(journey)["nodes"]["coupon"]["messages"][1] == sticker


def test_json_that_does_not_parse_is_refused_at_its_field(owner_client, journey):
    response = owner_client.post(
        url(journey, "journey_builder_node", "coupon"),
        {"fields": "1", "quiet_hours": "defer", "message_1_type": "json", "message_1": "{oops"},
        **HTMX,
    )
    assert response.status_code == 200  # htmx swaps only successful answers
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="journey-builder"')
    field = html[html.index('name="message_1"') :].split("</div>")[0]
    assert "This is not valid JSON" in field


def test_a_send_step_keeps_its_flex_carousel_as_json(owner_client, journey):
    html = owner_client.get(url(journey, "journey_builder_node", "reminder")).content.decode()
    assert "{displayName}, you left something in your cart." in html
    assert "&quot;carousel&quot;" in html  # message 2 is shown as its JSON
    # Its two messages and room for a third; the fourth appears once the third is saved.
    assert 'name="message_3"' in html and 'name="message_4"' not in html


def test_adding_a_step_below_a_node_inserts_it_on_that_path(owner_client, journey):
    add = url(journey, "journey_builder_node_add")
    chooser = owner_client.get(f"{add}?after=reminder&outlet=next").content.decode()
    assert 'name="node_type" value="tags"' in chooser
    form = owner_client.get(f"{add}?after=reminder&outlet=next&node_type=wait_for_event")
    assert 'name="timeout_amount"' in form.content.decode()
    response = owner_client.post(
        add,
        {
            "fields": "1",
            "after": "reminder",
            "outlet": "next",
            "node_type": "wait_for_event",
            "label": "Bought?",
            "event": "purchase",
            "timeout_amount": "2",
            "timeout_unit": "hours",
        },
    )
    graph = draft(journey)
    assert graph["nodes"]["wait_for_event_1"] == {
        "type": "wait_for_event",
        "label": "Bought?",
        "event": "purchase",
        "timeout": {"amount": 2, "unit": "hours"},
    }
    assert graph["edges"]["reminder"] == {"next": "wait_for_event_1"}
    assert graph["edges"]["wait_for_event_1"] == {"matched": "wait_24h"}
    # Its other path is open: saved, and the problem is shown on the card, not in the form.
    assert builder_redirect(response, journey)
    page = owner_client.get(url(journey)).content.decode()
    assert "Connect the path timed_out to a next step." in page
    assert "Not connected yet" in page


def test_adding_a_step_at_the_start_puts_it_before_the_old_start(owner_client, journey):
    response = owner_client.post(
        url(journey, "journey_builder_node_add"),
        {"fields": "1", "node_type": "tags", "add": [], "remove": []},
    )
    # Saved as a draft; what it still lacks is said at its field, the form stays open.
    assert response.status_code == 200
    html = response.content.decode()
    field = html[html.index("Tags to add") :].split("Tags to remove")[0]
    assert "Choose a tag to add or remove." in field
    assert draft(journey)["start"] == "tags_1"
    assert draft(journey)["edges"]["tags_1"] == {"next": "wait_1h"}
    response = owner_client.post(
        url(journey, "journey_builder_node_add"),
        {"fields": "1", "node_type": "exit", "label": "Stop"},
        **HTMX,
    )
    assert response.status_code == 200
    graph = draft(journey)
    assert graph["start"] == "exit_1" and graph["nodes"]["exit_1"] == {
        "type": "exit",
        "label": "Stop",
    }
    assert "No path from the start reaches this node." in response.content.decode()


def test_adding_on_a_path_the_node_does_not_have_is_not_found(owner_client, journey):
    add = url(journey, "journey_builder_node_add")
    assert owner_client.get(f"{add}?after=reminder&outlet=yes").status_code == 404
    assert owner_client.get(f"{add}?after=nowhere&outlet=next").status_code == 404


def test_connecting_a_path_to_an_existing_step(owner_client, journey):
    response = owner_client.post(
        url(journey, "journey_builder_connect", "wait_24h"), {"outlet_next": "end"}, **HTMX
    )
    assert response.status_code == 200
    graph = draft(journey)
    assert graph["edges"]["wait_24h"] == {"next": "end"}
    html = response.content.decode()
    assert "No path from the start reaches this node." in html  # the coupon is now cut off
    assert "Not reached from the start" in html


def test_connecting_to_a_step_that_does_not_exist_is_refused_in_place(owner_client, journey):
    response = owner_client.post(
        url(journey, "journey_builder_connect", "wait_24h"), {"outlet_next": "nowhere"}
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert draft(journey)["edges"]["wait_24h"] == {"next": "coupon"}


def test_deleting_a_step_leaves_the_paths_into_it_as_problems(owner_client, journey):
    response = owner_client.post(url(journey, "journey_builder_node_delete", "wait_24h"))
    assert builder_redirect(response, journey)
    graph = draft(journey)
    assert "wait_24h" not in graph["nodes"] and "wait_24h" not in graph["edges"]
    assert graph["edges"]["reminder"] == {"next": "wait_24h"}
    page = owner_client.get(url(journey)).content.decode()
    assert "This path leads to wait_24h, which does not exist." in page
    assert "Leads to “wait_24h”, which does not exist" in page


def test_an_unknown_step_is_not_found(owner_client, journey):
    assert owner_client.get(url(journey, "journey_builder_node", "nope")).status_code == 404
    assert owner_client.post(url(journey, "journey_builder_node_delete", "nope")).status_code == 404


def test_renaming_a_split_path_drops_the_old_edge(owner_client, account):
    journey = make_journey(account, starter="welcome_series")
    graph = journey.draft_graph
    graph["nodes"]["engaged"] = {
        "type": "split",
        "paths": [{"name": "a", "weight": 50}, {"name": "b", "weight": 50}],
    }
    graph["edges"]["engaged"] = {"a": "day_3_engaged", "b": "day_3_nudge"}
    journey.draft_graph = graph
    journey.save()
    response = owner_client.post(
        url(journey, "journey_builder_node", "engaged"),
        {
            "fields": "1",
            "path_1_name": "promo",
            "path_1_weight": "60",
            "path_2_name": "b",
            "path_2_weight": "30",
            "control_weight": "10",
        },
    )
    assert builder_redirect(response, journey)
    graph = draft(journey)
    assert graph["nodes"]["engaged"]["paths"][0] == {"name": "promo", "weight": 60}
    assert graph["nodes"]["engaged"]["control"] == {"weight": 10}
    assert graph["edges"]["engaged"] == {"b": "day_3_nudge"}


def test_split_paths_keep_their_labels_and_the_flow_shows_them(owner_client, account):
    journey = make_journey(account, starter="welcome_series")
    graph = journey.draft_graph
    graph["nodes"]["engaged"] = {
        "type": "split",
        "paths": [{"name": "a", "weight": 50}, {"name": "b", "weight": 50}],
    }
    graph["edges"]["engaged"] = {"a": "day_3_engaged", "b": "day_3_nudge"}
    journey.draft_graph = graph
    journey.save()
    response = owner_client.post(
        url(journey, "journey_builder_node", "engaged"),
        {
            "fields": "1",
            "path_1_name": "a",
            "path_1_label": "  Coupon offer ",
            "path_1_weight": "60",
            "path_2_name": "b",
            "path_2_weight": "30",
            "control_weight": "10",
            "control_label": "Holdout (no messages)",
        },
    )
    assert builder_redirect(response, journey)
    node = draft(journey)["nodes"]["engaged"]
    assert node["paths"] == [
        {"name": "a", "label": "Coupon offer", "weight": 60},
        {"name": "b", "weight": 30},
    ]
    assert node["control"] == {"weight": 10, "label": "Holdout (no messages)"}
    page = owner_client.get(url(journey)).content.decode()
    assert "Coupon offer · 60 %" in page
    assert "b · 30 %" in page
    assert "Holdout (no messages) · 10 %" in page
    assert "Split: Coupon offer 60 %, b 30 %, Holdout (no messages) 10 %" in page
    form = owner_client.get(url(journey, "journey_builder_node", "engaged")).content.decode()
    assert 'value="Coupon offer"' in form and 'value="Holdout (no messages)"' in form


def test_split_weights_that_do_not_add_up_are_shown_at_the_paths(owner_client, account):
    journey = make_journey(account, starter="welcome_series")
    graph = journey.draft_graph
    graph["nodes"]["engaged"] = {"type": "split", "paths": [{"name": "a", "weight": 50}]}
    journey.draft_graph = graph
    journey.save()
    response = owner_client.post(
        url(journey, "journey_builder_node", "engaged"),
        {
            "fields": "1",
            "path_1_name": "a",
            "path_1_weight": "50",
            "path_2_name": "b",
            "path_2_weight": "20",
        },
    )
    html = response.content.decode()
    weight = html[html.index('name="path_1_weight"') :].split("</div>")[0]
    assert "The weights must add up to 100 (they add up to 70)." in weight


def test_a_step_added_on_a_path_to_a_deleted_step_repairs_it(owner_client, journey):
    owner_client.post(url(journey, "journey_builder_node_delete", "wait_24h"))
    owner_client.post(
        url(journey, "journey_builder_node_add"),
        {
            "fields": "1",
            "after": "reminder",
            "outlet": "next",
            "node_type": "wait",
            "mode": "duration",
            "duration_amount": "1",
            "duration_unit": "days",
        },
    )
    graph = draft(journey)
    assert graph["edges"]["reminder"] == {"next": "wait_1"}
    assert "wait_1" not in graph["edges"]  # its own path is open, not led to the deleted step
    page = owner_client.get(url(journey)).content.decode()
    assert "which does not exist" not in page
