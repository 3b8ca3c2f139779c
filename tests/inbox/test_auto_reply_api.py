"""The auto-replies API: CRUD with 400 naming the field, the tester, business hours, roles."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from inbox.models import AutoReplyRule, BusinessHours
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from segments.models import Tag

pytestmark = pytest.mark.django_db


def _client(workspace, role=Role.MARKETER) -> Client:
    _api_key, raw = api_key_create(workspace=workspace, name=role, role=role)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


RULE = {
    "name": "Booking",
    "kind": "keyword",
    "match": "regex",
    "patterns": [r"予約\s*\d+"],
    "messages": [{"type": "text", "text": "Thanks {displayName}!"}],
}


def test_create_read_replace_and_delete(account):
    client = _client(account.workspace)
    tag = Tag.unscoped.create(account=account, name="booking")
    listing = reverse("api_auto_reply_list", args=[account.pk])
    created = client.post(listing, {**RULE, "tag_ids": [tag.pk]}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert (body["kind"], body["patterns"], body["tag_ids"], body["priority"]) == (
        "keyword",
        [r"予約\s*\d+"],
        [tag.pk],
        10,
    )
    detail = reverse("api_auto_reply_detail", args=[account.pk, body["id"]])
    replaced = client.put(
        detail, {**RULE, "kind": "fallback", "enabled": False}, content_type="application/json"
    )
    assert replaced.status_code == 200
    assert (replaced.json()["kind"], replaced.json()["match"], replaced.json()["patterns"]) == (
        "fallback",
        "",
        [],
    )
    assert client.get(listing).json()["count"] == 1
    assert client.delete(detail).status_code == 204
    assert not AutoReplyRule.unscoped.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"patterns": ["order(\\d+"]}, "patterns"),  # malformed
        ({"patterns": ["(a+)+$"]}, "patterns"),  # catastrophic
        ({"patterns": []}, "patterns"),
        ({"match": "prefix"}, "match"),  # prefix is for postbacks
        ({"messages": []}, "messages"),
        ({"messages": [{"type": "text"}]}, "messages"),
        ({"tag_ids": [999_999]}, "tag_ids"),
    ],
)
def test_a_refused_rule_answers_400_naming_the_field(account, change, field):
    response = _client(account.workspace).post(
        reverse("api_auto_reply_list", args=[account.pk]),
        {**RULE, **change},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert not AutoReplyRule.unscoped.exists()


def test_the_tester(account):
    client = _client(account.workspace, Role.AGENT)
    AutoReplyRule.unscoped.create(
        account=account,
        name="Hi",
        kind="greeting",
        on_follow=True,
        on_refollow=False,
        messages=[{"type": "text", "text": "Hi"}],
    )
    url = reverse("api_auto_reply_test", args=[account.pk])
    follow = client.post(url, {"event": "follow"}, content_type="application/json").json()
    assert (follow["rule"]["name"], follow["open"]) == ("Hi", True)
    refollow = client.post(url, {"event": "refollow"}, content_type="application/json").json()
    assert refollow["rule"] is None
    bad = client.post(url, {"event": "wave"}, content_type="application/json")
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["event"]


def test_business_hours_get_and_put(account):
    client = _client(account.workspace)
    url = reverse("api_business_hours", args=[account.pk])
    assert client.get(url).json() == {
        "time_zone": account.time_zone,
        "windows": [],
        "closed_dates": [],
    }
    windows = [{"weekday": 4, "start": "13:00", "end": "18:00"}]
    saved = client.put(
        url, {"windows": windows, "closed_dates": ["2026-12-31"]}, content_type="application/json"
    )
    assert saved.status_code == 200 and saved.json()["windows"] == windows
    bad = client.put(
        url,
        {"windows": [{"weekday": 7, "start": "09:00", "end": "10:00"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["windows"]
    assert BusinessHours.unscoped.get(account=account).windows == windows


@pytest.mark.parametrize("role", [Role.AGENT, Role.VIEWER])
def test_agents_and_viewers_read_but_cannot_write(account, role):
    client = _client(account.workspace, role)
    listing = reverse("api_auto_reply_list", args=[account.pk])
    assert client.get(listing).status_code == 200
    assert client.post(listing, RULE, content_type="application/json").status_code == 403
    hours = reverse("api_business_hours", args=[account.pk])
    assert client.get(hours).status_code == 200
    assert client.put(hours, {"windows": []}, content_type="application/json").status_code == 403
