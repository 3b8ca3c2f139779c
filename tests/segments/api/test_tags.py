"""API for tag families, tags, auto-tag rules (with the past-events trigger) and attribute
definitions: CRUD, pagination, the error envelope and role checks, on the hand-built OA."""

from __future__ import annotations

import pytest

from oa_console.roles import Role
from segments.models import (
    AttributeDefinition,
    FriendAttribute,
    FriendTag,
    Interaction,
    Tag,
    TagFamily,
    TagRule,
    TagRuleBackfill,
)
from tests.segments.api.test_segments import Api
from tests.segments.crm_world import build_crm_world


@pytest.fixture
def world(account):
    return build_crm_world(account)


@pytest.fixture
def api(workspace, account, world):
    return Api(workspace, account)


@pytest.fixture
def viewer(workspace, account, world):
    return Api(workspace, account, role=Role.VIEWER)


def fields(response) -> dict:
    return response.json()["error"]["fields"]


@pytest.mark.django_db
def test_families_crud_with_coverage_and_goal(api, world, account):
    listing = api.get("/tag-families/").json()
    assert listing["count"] == 1
    interest = listing["results"][0]
    # Following: A, C, D; A and D carry an "interest" tag.
    assert interest["coverage"] == {"tagged": 2, "following": 3, "share": 2 / 3}
    assert (interest["coverage_goal"], interest["tags"]) == (60, 2)

    created = api.send("post", "/tag-families/", {"name": "lifecycle", "coverage_goal": 30})
    assert created.status_code == 201
    assert created.json()["coverage"]["tagged"] == 0
    too_high = api.send("post", "/tag-families/", {"name": "x", "coverage_goal": 101})
    assert too_high.status_code == 400
    assert "coverage_goal" in fields(too_high)
    clash = api.send("post", "/tag-families/", {"name": "lifecycle"})
    assert fields(clash) == {"name": ["This name is already used in this OA."]}

    family_url = f"/tag-families/{created.json()['id']}/"
    patched = api.send("patch", family_url, {"coverage_goal": None})
    assert patched.json()["coverage_goal"] is None and patched.json()["name"] == "lifecycle"
    # Deleting a family keeps its tags, unfiled.
    interest_url = f"/tag-families/{interest['id']}/"
    assert api.send("delete", interest_url, {}).status_code == 204
    assert api.get(interest_url).status_code == 404
    assert Tag.unscoped.filter(account=account, family__isnull=True).count() == 2
    assert api.get("/tag-families/", page_size=1).json()["count"] == 1


@pytest.mark.django_db
def test_tags_crud_and_paginated_list(api, world):
    family_id = TagFamily.unscoped.get(name="interest").pk
    created = api.send("post", "/tags/", {"name": "spring", "family_id": family_id})
    assert created.status_code == 201
    body = created.json()
    assert (body["family"], body["family_id"], body["friends"]) == ("interest", family_id, 0)
    unknown = api.send("post", "/tags/", {"name": "x", "family_id": 999999})
    assert fields(unknown) == {"family_id": ["Unknown tag family."]}

    news = world.tags["news"]
    detail = api.get(f"/tags/{news.pk}/").json()
    assert detail["friends"] == 2 and detail["coverage"] == {
        "tagged": 1,
        "following": 3,
        "share": 1 / 3,
    }
    moved = api.send("patch", f"/tags/{news.pk}/", {"name": "newsletter", "family_id": None})
    assert (moved.json()["name"], moved.json()["family"]) == ("newsletter", None)
    clash = api.send("patch", f"/tags/{news.pk}/", {"name": "vip"})
    assert fields(clash) == {"name": ["This name is already used in this OA."]}

    page = api.get("/tags/", page_size=2).json()
    assert page["count"] == 3 and len(page["tags"]) == 2 and page["next"]
    assert page["coverage"]["following"] == 3 and len(page["families"]) == 1

    assert api.send("delete", f"/tags/{news.pk}/", {}).status_code == 204
    assert not FriendTag.unscoped.filter(tag_id=news.pk).exists()
    assert api.get(f"/tags/{news.pk}/").status_code == 404


@pytest.mark.django_db
def test_rules_crud_counts_and_backfill_job(
    api, world, account, django_capture_on_commit_callbacks, monkeypatch
):
    vip = world.tags["vip"]
    created = api.send(
        "post",
        "/tag-rules/",
        {"tag_id": vip.pk, "kind": "keyword", "match": "contains", "pattern": "gold"},
    )
    assert created.status_code == 201
    rule = created.json()
    assert (rule["tag"], rule["is_active"], rule["friends_tagged"]) == ("vip", True, 0)

    bad = api.send(
        "post",
        "/tag-rules/",
        {"tag_id": vip.pk, "kind": "keyword", "pattern": "x", "property_key": "sku"},
    )
    assert fields(bad) == {"property_key": ["Only custom event rules look at properties."]}
    assert fields(api.send("post", "/tag-rules/", {"tag_id": 0, "kind": "keyword", "pattern": "x"}))
    wrong_kind = api.send("post", "/tag-rules/", {"tag_id": vip.pk, "kind": "sms", "pattern": "x"})
    assert "kind" in fields(wrong_kind)

    url = f"/tag-rules/{rule['id']}/"
    paused = api.send("patch", url, {"is_active": False, "pattern": "platinum"})
    assert (paused.json()["is_active"], paused.json()["pattern"]) == (False, "platinum")
    blank = api.send("patch", url, {"pattern": "  "})
    assert fields(blank) == {"pattern": ["This field may not be blank."]}

    # C wrote "platinum please" earlier: applying the rule to past events tags C.
    Interaction.unscoped.create(
        account=account,
        friend=world.friends["C"],
        event_key="01PAST",
        kind="message",
        occurred_at=world.friends["C"].first_followed_at,
        text="platinum please",
    )
    assert api.get(url + "backfill/").status_code == 404  # never run
    sent = []
    monkeypatch.setattr(
        "segments.services.tag_rules.enqueue_best_effort",
        lambda task, args: sent.append(args) or True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        queued = api.send("post", url + "backfill/", {})
        again = api.send("post", url + "backfill/", {})
    assert (queued.status_code, again.status_code) == (202, 200)
    assert queued.json()["status"] == "queued" and again.json()["id"] == queued.json()["id"]
    assert sent == [(rule["id"], queued.json()["id"])]

    from segments.tasks import backfill_tag_rule

    backfill_tag_rule(*sent[0])
    job = api.get(url + "backfill/").json()
    assert (job["status"], job["total"], job["processed"], job["tagged"]) == ("done", 1, 1, 1)
    assert api.get(url).json()["friends_tagged"] == 1
    assert api.get("/tag-rules/").json()["results"][0]["friends_tagged"] == 1

    assert api.send("delete", url, {}).status_code == 204
    assert not TagRule.unscoped.exists() and not TagRuleBackfill.unscoped.exists()
    assert FriendTag.unscoped.filter(tag=vip, friend=world.friends["C"]).exists()


@pytest.mark.django_db
def test_attribute_definitions_crud(api, world, account):
    listing = api.get("/attributes/").json()
    by_key = {row["key"]: row for row in listing["results"]}
    assert by_key["points"]["friends"] == 2 and by_key["points"]["type"] == "number"

    created = api.send(
        "post", "/attributes/", {"key": "shoe_size", "label": "Shoe size", "type": "number"}
    )
    assert created.status_code == 201 and created.json()["friends"] == 0
    bad = api.send("post", "/attributes/", {"key": "Shoe Size", "label": "", "type": "colour"})
    assert set(fields(bad)) == {"label", "type"}
    bad_key = api.send("post", "/attributes/", {"key": "Shoe Size", "label": "x", "type": "text"})
    assert "key" in fields(bad_key)
    clash = api.send("post", "/attributes/", {"key": "points", "label": "P", "type": "text"})
    assert fields(clash) == {"key": ["This key is already used in this OA."]}

    points = world.attributes["points"]
    relabelled = api.send("patch", f"/attributes/{points.pk}/", {"label": "Loyalty points"})
    assert relabelled.json()["label"] == "Loyalty points"
    assert relabelled.json()["key"] == "points"
    # The new attribute is usable in segments at once.
    count = api.send(
        "post",
        "/segments/count/",
        {"rules": {"field": "attribute.shoe_size", "op": "is_set", "value": True}},
    )
    assert count.json() == {"count": 0, "reachable": 0}

    assert api.send("delete", f"/attributes/{points.pk}/", {}).status_code == 204
    assert not FriendAttribute.unscoped.filter(definition_id=points.pk).exists()
    assert not AttributeDefinition.unscoped.filter(pk=points.pk).exists()


@pytest.mark.django_db
def test_viewers_read_everything_and_change_nothing(viewer, world):
    rule = TagRule.unscoped.create(
        account=world.account, tag=world.tags["vip"], kind="keyword", pattern="hi"
    )
    family = TagFamily.unscoped.get(name="interest")
    reads = [
        "/tag-families/",
        f"/tag-families/{family.pk}/",
        f"/tags/{world.tags['vip'].pk}/",
        "/tag-rules/",
        f"/tag-rules/{rule.pk}/",
        "/attributes/",
        f"/attributes/{world.attributes['points'].pk}/",
    ]
    for path in reads:
        assert viewer.get(path).status_code == 200, path
    writes = [
        ("post", "/tag-families/", {"name": "x"}),
        ("patch", f"/tag-families/{family.pk}/", {"name": "x"}),
        ("delete", f"/tag-families/{family.pk}/", {}),
        ("patch", f"/tags/{world.tags['vip'].pk}/", {"name": "x"}),
        ("delete", f"/tags/{world.tags['vip'].pk}/", {}),
        (
            "post",
            "/tag-rules/",
            {"tag_id": world.tags["vip"].pk, "kind": "keyword", "pattern": "x"},
        ),
        ("patch", f"/tag-rules/{rule.pk}/", {"is_active": False}),
        ("post", f"/tag-rules/{rule.pk}/backfill/", {}),
        ("delete", f"/tag-rules/{rule.pk}/", {}),
        ("post", "/attributes/", {"key": "x", "label": "x", "type": "text"}),
        ("patch", f"/attributes/{world.attributes['points'].pk}/", {"label": "x"}),
        ("delete", f"/attributes/{world.attributes['points'].pk}/", {}),
    ]
    for method, path, body in writes:
        response = viewer.send(method, path, body)
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["code"] == "permission_denied"
    assert TagRule.unscoped.get(pk=rule.pk).is_active
    assert not TagRuleBackfill.unscoped.exists()


@pytest.mark.django_db
def test_schema_documents_the_new_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path in [
        "/api/v1/accounts/{account_id}/tag-families/",
        "/api/v1/accounts/{account_id}/tag-families/{family_id}/",
        "/api/v1/accounts/{account_id}/tags/{tag_id}/",
        "/api/v1/accounts/{account_id}/tag-rules/",
        "/api/v1/accounts/{account_id}/tag-rules/{rule_id}/",
        "/api/v1/accounts/{account_id}/tag-rules/{rule_id}/backfill/",
        "/api/v1/accounts/{account_id}/attributes/",
        "/api/v1/accounts/{account_id}/attributes/{attribute_id}/",
        "/api/v1/accounts/{account_id}/campaign-links/",
        "/api/v1/accounts/{account_id}/campaign-links/{link_id}/",
        "/api/v1/accounts/{account_id}/campaign-links/{link_id}/qr.svg",
    ]:
        assert path in schema["paths"], path
    friends = schema["paths"]["/api/v1/accounts/{account_id}/friends/"]["get"]
    assert {"tag", "tag_any", "attribute", "attribute_op", "attribute_value"} <= {
        parameter["name"] for parameter in friends["parameters"]
    }
