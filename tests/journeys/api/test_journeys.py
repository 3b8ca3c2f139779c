"""The journeys API: CRUD, the workflow per role, invalid graphs named by node and field,
stranded friends counted, copy, enrol and enrolments."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from journeys.models import Enrolment, Journey
from tests.api_helpers import account_url, api
from tests.factories import LineAccountFactory
from tests.journeys.journey_rows import JourneyFactory, enrol, publish, send, step
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


def url(account, name="api_journeys", journey=None) -> str:
    return account_url(account, name, journey=journey)


def test_marketer_creates_from_a_starter_lists_and_renames(account, marketer):
    client = api(marketer)
    created = client.post(
        url(account), {"name": "Cart", "starter": "cart_abandonment"}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["graph"]["start"] == "wait_1h"
    assert set(body["node_stats"]) >= {"wait_1h", "reminder", "coupon"}
    listed = client.get(url(account), {"status": "draft"}).json()
    assert listed["count"] == 1 and listed["results"][0]["name"] == "Cart"
    journey_id = body["id"]
    renamed = client.patch(
        url(account, "api_journey_detail", journey_id), {"name": "Cart v2"}, format="json"
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Cart v2"
    assert client.get(url(account), {"status": "nope"}).status_code == 400


def test_an_invalid_graph_is_400_naming_node_and_field(account, marketer):
    journey = JourneyFactory(account=account)
    graph = journey.draft_graph
    graph["nodes"]["reminder"]["messages"] = []
    graph["edges"]["coupon"] = {"next": "nowhere"}
    response = api(marketer).patch(
        url(account, "api_journey_detail", journey), {"graph": graph}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid_graph"
    where = {(p["node_id"], p["field"]) for p in body["problems"]}
    assert ("reminder", "messages") in where
    assert any(p["node_id"] == "coupon" for p in body["problems"])
    assert "nodes.reminder.messages" in body["error"]["fields"]
    # Saved anyway when the caller asks for a draft to fix later.
    loose = api(marketer).patch(
        url(account, "api_journey_detail", journey),
        {"graph": graph, "strict": False},
        format="json",
    )
    assert loose.status_code == 200
    assert loose.json()["graph"]["nodes"]["reminder"]["messages"] == []


def test_create_with_an_invalid_graph_is_refused(account, marketer):
    graph = JourneyFactory.build().draft_graph
    graph["trigger"] = {"kind": "tag", "tag_id": 999999, "change": "added"}
    response = api(marketer).post(url(account), {"name": "x", "graph": graph}, format="json")
    assert response.status_code == 400
    assert response.json()["problems"][0]["field"] == "trigger.tag_id"
    assert not Journey.unscoped.exists()


def test_workflow_by_role(account, marketer, admin_user, viewer):
    journey = JourneyFactory(account=account)
    assert api(viewer).post(url(account, "api_journey_submit", journey)).status_code == 403
    submitted = api(marketer).post(url(account, "api_journey_submit", journey))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert api(marketer).post(url(account, "api_journey_activate", journey)).status_code == 403
    activated = api(admin_user).post(url(account, "api_journey_activate", journey))
    assert activated.status_code == 200
    assert activated.json()["status"] == "active" and activated.json()["active_version"] == 1
    again = api(admin_user).post(url(account, "api_journey_submit", journey))
    assert again.status_code == 409 and again.json()["error"]["code"] == "no_edit"
    paused = api(marketer).post(url(account, "api_journey_pause", journey))
    assert paused.json()["status"] == "paused"
    resumed = api(admin_user).post(url(account, "api_journey_resume", journey))
    assert resumed.json()["status"] == "active"
    archived = api(admin_user).post(url(account, "api_journey_archive", journey))
    assert archived.json()["status"] == "archived"
    assert api(admin_user).delete(url(account, "api_journey_detail", journey)).status_code == 409


def test_an_edit_that_strands_friends_is_409_with_the_count(account, owner):
    journey = JourneyFactory(account=account)
    publish(journey)
    enrol(journey, "wait_24h")
    enrol(journey, "wait_24h")
    graph = journey.draft_graph
    del graph["nodes"]["wait_24h"], graph["edges"]["wait_24h"]
    graph["edges"]["reminder"] = {"next": "coupon"}
    client = api(owner)
    assert (
        client.patch(url(account, "api_journey_detail", journey), {"graph": graph}, format="json")
    ).status_code == 200
    response = client.post(url(account, "api_journey_activate", journey))
    assert response.status_code == 409
    body = response.json()
    assert body["count"] == 2 and body["node_ids"] == ["wait_24h"]
    assert body["error"]["code"] == "stranded_friends"
    assert client.get(url(account, "api_journey_detail", journey)).json()["active_version"] == 1


def test_detail_carries_node_stats(account, viewer):
    journey = JourneyFactory(account=account)
    publish(journey)
    enrolment = enrol(journey, "wait_24h")
    step(enrolment, "reminder", "entered")
    send(enrolment, "reminder")
    body = api(viewer).get(url(account, "api_journey_detail", journey)).json()
    assert body["node_stats"]["reminder"]["delivered"] == 1
    assert body["node_stats"]["wait_24h"]["waiting"] == 1
    assert body["summary"]["enrolled"] == 1
    assert [s["key"] for s in body["funnel"]] == ["enrolled", "reminder", "coupon", "converted"]


def test_copy_to_a_sibling_oa(workspace, account, owner, other_account):
    sibling = LineAccountFactory(workspace=workspace, slug="alpha-osaka")
    journey = JourneyFactory(account=account, name="Cart")
    response = api(owner).post(
        url(account, "api_journey_copy", journey), {"account": sibling.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["problems"] == []
    assert Journey.unscoped.get(account=sibling).name == "Cart"
    foreign = api(owner).post(
        url(account, "api_journey_copy", journey), {"account": other_account.pk}, format="json"
    )
    assert foreign.status_code == 404
    assert not Journey.unscoped.filter(account=other_account).exists()


def test_enrol_friends_by_line_user_id_or_member_id(account, marketer):
    journey = JourneyFactory(account=account, draft_graph=_api_graph())
    publish(journey)
    anna = FriendFactory(account=account)
    ben = FriendFactory(account=account, member_id="M-7")
    response = api(marketer).post(
        url(account, "api_journey_enrol", journey),
        {"friends": [anna.line_user_id, "M-7", "U-nobody"], "properties": {"cart_id": "c1"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["enrolled"] == 2
    statuses = {r["ref"]: r["status"] for r in body["results"]}
    assert statuses == {anna.line_user_id: "enrolled", "M-7": "enrolled", "U-nobody": "unknown"}
    assert Enrolment.unscoped.filter(journey=journey).count() == 2

    listed = api(marketer).get(url(account, "api_journey_enrolments", journey), {"friend": "M-7"})
    results = listed.json()["results"]
    assert len(results) == 1 and results[0]["line_user_id"] == ben.line_user_id
    none = api(marketer).get(url(account, "api_journey_enrolments", journey), {"friend": "x"})
    assert none.json()["count"] == 0
    # PostgreSQL cannot compare a NUL character: refused with the field named, never a 500.
    nul = api(marketer).get(url(account, "api_journey_enrolments", journey), {"friend": "a\x00b"})
    assert nul.status_code == 400 and "friend" in nul.content.decode()


def test_enrol_needs_friends(account, marketer):
    journey = JourneyFactory(account=account)
    response = api(marketer).post(
        url(account, "api_journey_enrol", journey), {"friends": []}, format="json"
    )
    assert response.status_code == 400


def _api_graph() -> dict:
    return {
        "version": 1,
        "trigger": {"kind": "api"},
        "entry": {"following_only": True, "reentry": {"policy": "every_time"}},
        "start": "wait",
        "nodes": {
            "wait": {
                "type": "wait",
                "mode": "duration",
                "duration": {"amount": 1, "unit": "hours"},
            },
            "end": {"type": "exit"},
        },
        "edges": {"wait": {"next": "end"}},
    }


def test_an_admin_api_key_activates_and_the_audit_log_names_the_key(workspace, account):
    from oa_console.models import AuditEntry
    from oa_console.roles import Role
    from oa_console.services.api_keys import api_key_create

    journey = JourneyFactory(account=account)
    _key, raw = api_key_create(workspace=workspace, name="shop", role=Role.ADMIN)
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post(url(account, "api_journey_activate", journey))
    assert response.status_code == 200, response.content
    entry = AuditEntry.unscoped.get(action="journey.activated")
    assert entry.api_key is not None and entry.actor is None
    marketer_key = api_key_create(workspace=workspace, name="m", role=Role.MARKETER)[1]
    refused = APIClient(HTTP_AUTHORIZATION=f"Bearer {marketer_key}").post(
        url(account, "api_journey_archive", journey)
    )
    assert refused.status_code == 403
