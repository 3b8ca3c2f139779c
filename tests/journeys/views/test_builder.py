"""The builder page: the draft drawn as a flow with its problems, edit controls by role."""

from __future__ import annotations

import pytest

from journeys.models import Journey
from oa_console.roles import Role
from tests.conftest import client_for, make_member
from tests.journeys.views.builder_helpers import HTMX, HTMX_EDITOR, make_journey, url


@pytest.fixture
def journey(account):
    return make_journey(account)


@pytest.mark.parametrize("role", [Role.MARKETER, Role.ADMIN, Role.OWNER])
def test_editors_see_the_flow_with_edit_controls(workspace, journey, role):
    client = client_for(make_member(workspace, role))
    response = client.get(url(journey))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="journey-flow"' in html
    for node_id in ("wait_1h", "reminder", "wait_24h", "coupon", "end"):
        assert f'id="flow-node-{node_id}"' in html
    assert "Wait 1 hour" in html and "Send 2 messages" in html
    assert url(journey, "journey_builder_node", "reminder") in html
    assert 'data-testid="edit-trigger"' in html
    assert "No problems: this journey can be submitted and activated." in html


def test_a_viewer_gets_the_read_only_flow_and_may_not_edit(workspace, journey):
    client = client_for(make_member(workspace, Role.VIEWER))
    response = client.get(url(journey))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="flow-node-reminder"' in html
    assert "You can look at this journey but not change it." in html
    assert 'data-testid="edit-step"' not in html and 'data-testid="edit-trigger"' not in html
    assert client.get(url(journey, "journey_builder_node", "reminder")).status_code == 403
    before = journey.draft_graph
    response = client.post(
        url(journey, "journey_builder_node", "wait_1h"),
        {"fields": "1", "mode": "duration", "duration_amount": "5", "duration_unit": "hours"},
    )
    assert response.status_code == 403
    journey.refresh_from_db()
    assert journey.draft_graph == before


def test_an_archived_journey_is_shown_read_only(owner_client, account):
    archived = make_journey(account, status=Journey.Status.ARCHIVED)
    html = owner_client.get(url(archived)).content.decode()
    assert "An archived journey cannot be edited." in html
    assert 'data-testid="edit-step"' not in html


def test_problems_show_on_their_node_and_the_journeys_own_on_top(owner_client, account):
    journey = make_journey(account)
    graph = journey.draft_graph
    graph["nodes"]["coupon"]["messages"] = [{"type": "text", "text": "x" * 5001}]
    graph["edges"]["wait_24h"] = {"next": "gone"}
    graph["trigger"]["conditions"] = [{"property": "total", "op": "gte"}]
    journey.draft_graph = graph
    journey.save()
    html = owner_client.get(url(journey)).content.decode()
    coupon_card = html[html.index('id="flow-node-coupon"') :].split("</article>")[0]
    assert "flow-problems" in coupon_card
    assert "Leads to “gone”, which does not exist" in html
    top = html[html.index('data-testid="builder-problems"') :].split("</section>")[0]
    assert "This condition needs a value." in top
    assert "problems to fix before this journey can be activated" in top


def test_htmx_asks_for_the_builder_area_or_the_editor_only(owner_client, journey):
    area = owner_client.get(url(journey), **HTMX).content.decode()
    assert area.lstrip().startswith('<div id="journey-builder"')
    assert "<html" not in area
    editor = owner_client.get(url(journey, "journey_builder_node", "wait_1h"), **HTMX_EDITOR)
    body = editor.content.decode()
    assert body.lstrip().startswith('<div id="journey-editor"')
    assert 'data-testid="editor-form"' in body and "flow-node-" not in body
    unknown = owner_client.get(url(journey), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="main")
    assert unknown.status_code == 400


def test_another_oas_journey_is_not_found(owner_client, other_account):
    foreign = make_journey(other_account)
    own_slugs = (
        url(foreign)
        .replace(other_account.workspace.slug, "alpha")
        .replace(other_account.slug, "alpha-tokyo")
    )
    assert owner_client.get(own_slugs).status_code == 404
    assert (
        owner_client.post(own_slugs.replace("/edit/", "/edit/steps/end/delete/")).status_code == 404
    )
    assert owner_client.get(url(foreign)).status_code == 404


def test_a_half_written_draft_still_opens(owner_client, account):
    journey = make_journey(account)
    journey.draft_graph = {"version": 1, "nodes": {"x": {"type": "wait"}}, "edges": []}
    journey.save()
    response = owner_client.get(url(journey))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="flow-node-x"' in html and "Not reached from the start" in html
