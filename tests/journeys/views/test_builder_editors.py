"""The builder's rule trees and mapping rows in use: their buttons re-open the form changed
and save nothing (a plain post as well as htmx), saving stores the value, and a problem found
after saving is shown at its condition or row."""

from __future__ import annotations

import re

import pytest

from journeys.models import WebhookSecret
from segments.models import AttributeDefinition
from tests.journeys.forms.posted import posted_by
from tests.journeys.views.builder_helpers import HTMX_EDITOR, draft, make_journey, url

ENGAGED = "engaged"  # the welcome series' branch: {"all": []} and the clicks of day_0


def editor_form(html: str) -> str:
    """The editor's save form as drawn on the page."""
    start = html.rindex("<form", 0, html.index('data-testid="editor-form"'))
    return html[start : html.index("</form>", start)]


def form_data(client, address: str, **changes):
    return posted_by(editor_form(client.get(address).content.decode()), **changes)


@pytest.fixture
def welcome(account):
    return make_journey(account, starter="welcome_series")


def test_add_condition_without_javascript_reopens_the_step_unsaved(owner_client, welcome):
    address = url(welcome, "journey_builder_node", ENGAGED)
    before = draft(welcome)
    response = owner_client.post(
        address, form_data(owner_client, address, action="add-condition:rules")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="rule-condition"') == 1
    assert draft(welcome) == before
    # Saving what is now shown stores the new condition next to the clicks.
    saved = owner_client.post(address, posted_by(editor_form(html)))
    assert saved.status_code == 302
    assert draft(welcome)["nodes"][ENGAGED] == {
        "type": "branch",
        "label": "Clicked the welcome?",
        "rules": {"all": [{"field": "status", "op": "eq", "value": "following"}]},
        "clicked": ["day_0"],
    }


def test_over_htmx_the_tree_buttons_swap_the_editor_only(owner_client, welcome):
    address = url(welcome, "journey_builder_node", ENGAGED)
    data = form_data(owner_client, address, action="add-group:rules")
    response = owner_client.post(address, data, **HTMX_EDITOR)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="journey-editor"')
    assert 'id="journey-builder"' not in html
    assert html.count('data-testid="rule-group"') == 2


def test_changing_a_rules_field_over_htmx_redraws_its_operators(owner_client, welcome, account):
    address = url(welcome, "journey_builder_node", ENGAGED)
    html = owner_client.post(
        address, form_data(owner_client, address, action="add-condition:rules")
    ).content.decode()
    before = draft(welcome)
    data = posted_by(editor_form(html), **{"rules-0:field": "tag"})
    response = owner_client.post(address, data, HTTP_HX_TRIGGER_NAME="rules-0:field", **HTMX_EDITOR)
    redrawn = response.content.decode()
    assert '<option value="has" selected>' in redrawn
    assert draft(welcome) == before


def test_a_rule_problem_after_saving_is_shown_at_its_condition(owner_client, welcome):
    address = url(welcome, "journey_builder_node", ENGAGED)
    html = owner_client.post(
        address, form_data(owner_client, address, action="add-condition:rules")
    ).content.decode()
    data = posted_by(
        editor_form(html),
        **{"rules-0:field": "friendship_days", "rules-0:shown_field": "friendship_days"},
    )
    data.setlist("rules-0:op", ["gte"])
    data.setlist("rules-0:value", ["soon"])
    response = owner_client.post(address, data)
    html = response.content.decode()
    assert draft(welcome)["nodes"][ENGAGED]["rules"] == {
        "all": [{"field": "friendship_days", "op": "gte", "value": "soon"}]
    }
    slot = re.search(r'<small id="error-rules-0" class="field-error" role="alert">([^<]*)<', html)
    assert slot and slot.group(1).strip(), "the problem is beside the condition"
    assert "This step still has problems" in html


def test_the_entry_audience_is_a_rule_tree(owner_client, welcome, account):
    address = url(welcome, "journey_builder_entry")
    html = owner_client.post(
        address, form_data(owner_client, address, action="add-condition:audience")
    ).content.decode()
    assert 'name="audience-0:field"' in html
    response = owner_client.post(address, posted_by(editor_form(html)))
    assert response.status_code == 302
    assert draft(welcome)["entry"]["audience"] == {
        "all": [{"field": "status", "op": "eq", "value": "following"}]
    }


@pytest.fixture
def with_webhook(account):
    AttributeDefinition.unscoped.create(account=account, key="tier", label="Tier", type="text")
    AttributeDefinition.unscoped.create(
        account=account, key="points", label="Points", type="number"
    )
    WebhookSecret.unscoped.create(account=account, name="shop", secret="z" * 20)
    journey = make_journey(account)
    graph = journey.draft_graph
    first = graph["start"]
    graph["nodes"]["hook"] = {
        "type": "webhook",
        "url": "https://shop.example/hook",
        "secret_ref": "shop",
        "response_attributes": {"tier": "tier", "score": "gone"},
    }
    graph["edges"]["hook"] = {"next": first}
    graph["start"] = "hook"
    journey.draft_graph = graph
    journey.save()
    return journey


def test_a_webhook_mapping_is_rows_with_add_and_remove(owner_client, with_webhook):
    address = url(with_webhook, "journey_builder_node", "hook")
    before = draft(with_webhook)
    added = owner_client.post(
        address, form_data(owner_client, address, action="add-row:response_attributes")
    ).content.decode()
    assert added.count('data-testid="mapping-row"') == 3
    removed = owner_client.post(
        address, posted_by(editor_form(added), action="remove-row:response_attributes:2")
    ).content.decode()
    assert removed.count('data-testid="mapping-row"') == 2
    assert draft(with_webhook) == before
    data = posted_by(
        editor_form(removed),
        response_attributes_2_key="level",
        response_attributes_2_attribute="points",
    )
    assert owner_client.post(address, data).status_code == 302
    assert draft(with_webhook)["nodes"]["hook"]["response_attributes"] == {
        "tier": "tier",
        "level": "points",
    }


def test_a_mapping_problem_after_saving_is_at_its_row(owner_client, with_webhook):
    address = url(with_webhook, "journey_builder_node", "hook")
    response = owner_client.post(address, form_data(owner_client, address))
    html = response.content.decode()
    row = html[html.index('name="response_attributes_2_attribute"') :].split("</div>")[0]
    assert "No attribute gone." in row
