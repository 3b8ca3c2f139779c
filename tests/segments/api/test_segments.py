"""The segments, custom events and tags API: counts, CRUD, members, 400s with JSON paths."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from segments.models import CustomEvent, FriendTag, Segment, Tag, TagRule
from tests.segments.crm_world import build_crm_world


def c(field, op, value):
    return {"field": field, "op": op, "value": value}


class Api:
    def __init__(self, workspace, account, role=Role.MARKETER):
        _key, raw = api_key_create(workspace=workspace, name=f"key {role}", role=role)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.base = f"/api/v1/accounts/{account.pk}"

    def get(self, path, **params):
        return self.client.get(self.base + path, params)

    def send(self, method, path, body):
        return getattr(self.client, method)(
            self.base + path, json.dumps(body), content_type="application/json"
        )


@pytest.fixture
def world(account):
    return build_crm_world(account)


@pytest.fixture
def api(workspace, account, world):
    return Api(workspace, account)


@pytest.mark.django_db
def test_count_answers_matching_and_reachable(api, world):
    response = api.send(
        "post", "/segments/count/", {"rules": c("tag", "has", world.tags["news"].pk)}
    )
    assert response.status_code == 200
    assert response.json() == {"count": 2, "reachable": 1}  # A follows, B blocked


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rules,path",
    [
        ({"all": [c("colour", "eq", 1)]}, "$.all[0].field"),
        ({"all": [{"any": [c("tag", "gt", 1)]}]}, "$.all[0].any[0].op"),
        ({"not": c("message_count", "gte", "ten")}, "$.not.value"),
        (
            {
                "all": [
                    {
                        "all": [
                            {
                                "all": [
                                    {
                                        "all": [
                                            {
                                                "all": [
                                                    {
                                                        "all": [
                                                            {
                                                                "all": [
                                                                    {
                                                                        "all": [
                                                                            {
                                                                                "all": [
                                                                                    {
                                                                                        "all": [
                                                                                            c(
                                                                                                "status",
                                                                                                "eq",
                                                                                                "following",
                                                                                            )
                                                                                        ]
                                                                                    }
                                                                                ]
                                                                            }
                                                                        ]
                                                                    }
                                                                ]
                                                            }
                                                        ]
                                                    }
                                                ]
                                            }
                                        ]
                                    }
                                ]
                            }
                        ]
                    }
                ]
            },
            "$" + ".all[0]" * 10,
        ),
    ],
)
def test_invalid_rules_are_a_400_with_the_path(api, rules, path):
    response = api.send("post", "/segments/count/", {"rules": rules})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "The rules are not valid."
    assert list(error["fields"]) == [path]


@pytest.mark.django_db
def test_segment_crud_and_members(api, world):
    rules = {"any": [c("tag", "has", world.tags["vip"].pk), c("status", "eq", "blocked")]}
    created = api.send("post", "/segments/", {"name": "VIP or gone", "rules": rules})
    assert created.status_code == 201, created.content
    segment_id = created.json()["id"]
    assert created.json()["rules"] == rules

    clash = api.send("post", "/segments/", {"name": "VIP or gone", "rules": rules})
    assert clash.status_code == 400
    assert "name" in clash.json()["error"]["fields"]

    bad = api.send("patch", f"/segments/{segment_id}/", {"rules": {"any": [c("age", "lt", -3)]}})
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["$.any[0].value"]

    renamed = api.send("patch", f"/segments/{segment_id}/", {"name": "Watch list"})
    assert renamed.json()["name"] == "Watch list"
    assert api.get("/segments/").json()["results"][0]["name"] == "Watch list"

    members = api.get(f"/segments/{segment_id}/members/", page_size=2)
    assert members.status_code == 200
    body = members.json()
    assert body["count"] == 3  # A and D (vip), B (blocked)
    assert len(body["results"]) == 2
    second = api.get(f"/segments/{segment_id}/members/", page_size=2, page=2).json()
    names = {f["display_name"] for f in body["results"] + second["results"]}
    assert names == {"Friend A", "Friend B", "Friend D"}

    assert api.send("delete", f"/segments/{segment_id}/", {}).status_code == 204
    assert not Segment.unscoped.filter(pk=segment_id).exists()
    assert api.get(f"/segments/{segment_id}/").status_code == 404


@pytest.mark.django_db
def test_viewers_read_but_cannot_write(workspace, account, world):
    viewer = Api(workspace, account, role=Role.VIEWER)
    assert viewer.send("post", "/segments/count/", {"rules": {"all": []}}).status_code == 200
    assert viewer.send("post", "/segments/", {"name": "x", "rules": {"all": []}}).status_code == 403
    assert viewer.send("post", "/events/", {"events": []}).status_code == 403
    assert viewer.get("/tags/").status_code == 200


def purchase(key, **overrides):
    event = {
        "friend": {"line_user_id": "U" + "C" * 32},
        "name": "purchase",
        "occurred_at": "2025-06-14T10:00:00+09:00",
        "properties": {"sku": "S-1"},
        "amount": 1200,
        "currency": "JPY",
        "idempotency_key": key,
    }
    event.update(overrides)
    return event


@pytest.mark.django_db
def test_events_are_stored_once_per_idempotency_key(api, account):
    before = CustomEvent.unscoped.filter(account=account).count()
    batch = {"events": [purchase("order-1"), purchase("order-2"), purchase("order-1")]}
    first = api.send("post", "/events/", batch)
    assert first.status_code == 200
    assert first.json() == {"accepted": 2, "duplicates": 1, "rejected": []}
    again = api.send("post", "/events/", batch)
    assert again.json() == {"accepted": 0, "duplicates": 3, "rejected": []}
    assert CustomEvent.unscoped.filter(account=account).count() == before + 2
    stored = CustomEvent.unscoped.get(account=account, idempotency_key="order-1")
    assert (str(stored.amount), stored.currency, stored.properties) == (
        "1200.00",
        "JPY",
        {"sku": "S-1"},
    )


@pytest.mark.django_db
def test_each_event_is_validated_on_its_own(api, account):
    events = [
        purchase("ok-1"),
        purchase("no-amount", amount=None),
        purchase("bad-currency", currency="yen"),
        purchase("naive-time", occurred_at="2025-06-14T10:00:00"),
        purchase("stranger", friend={"line_user_id": "U" + "9" * 32}),
        purchase("by-member", friend={"member_id": "M1"}),
        {"name": "cart_abandoned", "friend": {"member_id": "M1"}},
        "not an object",
        purchase("two-ids", friend={"line_user_id": "U" + "C" * 32, "member_id": "M1"}),
    ]
    response = api.send("post", "/events/", {"events": events})
    body = response.json()
    assert response.status_code == 200
    assert body["accepted"] == 2
    rejected = {item["index"]: item for item in body["rejected"]}
    assert set(rejected) == {1, 2, 3, 4, 6, 7, 8}
    assert list(rejected[1]["errors"]) == ["amount"]
    assert list(rejected[2]["errors"]) == ["currency"]
    assert list(rejected[3]["errors"]) == ["occurred_at"]
    assert rejected[4]["errors"] == {"friend": ["No friend of this OA has this id."]}
    assert set(rejected[6]["errors"]) == {"occurred_at", "idempotency_key"}
    assert rejected[6]["idempotency_key"] is None
    assert list(rejected[8]["errors"]) == ["friend"]
    assert CustomEvent.unscoped.filter(account=account, idempotency_key="by-member").exists()


@pytest.mark.django_db
def test_more_than_10000_events_is_a_400(api):
    response = api.send("post", "/events/", {"events": [purchase(f"k{i}") for i in range(10_001)]})
    assert response.status_code == 400
    assert "events" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_custom_event_rules_tag_on_arrival(api, account, world):
    tag = Tag.unscoped.create(account=account, name="buyer")
    TagRule.unscoped.create(account=account, tag=tag, kind="custom_event", pattern="purchase")
    api.send("post", "/events/", {"events": [purchase("order-9")]})
    friend_tag = FriendTag.unscoped.get(tag=tag)
    assert friend_tag.friend == world.friends["C"]
    assert friend_tag.source == "rule"


@pytest.mark.django_db
def test_tags_api_gives_counts_and_coverage(api, world):
    body = api.get("/tags/").json()
    # Following: A, C, D. Tagged among them: A (vip, news), D (vip).
    assert body["coverage"] == {"tagged": 2, "following": 3, "share": 2 / 3}
    tags = {tag["name"]: tag for tag in body["tags"]}
    assert tags["news"]["friends"] == 2  # A and B (blocked)
    assert tags["news"]["coverage"]["tagged"] == 1
    assert tags["vip"]["family"] == "interest"
    assert body["families"][0]["coverage_goal"] == 60


@pytest.mark.django_db
def test_tag_friends_from_the_api(api, world):
    news = world.tags["news"]
    response = api.send(
        "post",
        f"/tags/{news.pk}/friends/",
        {"add": ["U" + "C" * 32, "U" + "Z" * 32], "remove": ["U" + "B" * 32]},
    )
    assert response.json() == {"added": 1, "removed": 1, "unknown": ["U" + "Z" * 32]}
    sources = dict(
        FriendTag.unscoped.filter(tag=news).values_list("friend__display_name", "source")
    )
    assert sources == {"Friend A": "manual", "Friend C": "api"}
