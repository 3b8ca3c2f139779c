"""Out-of-range rule values never reach the compiler (issue 14, defect 3), end to end.

The issue's reproduction, ``{"field": "age", "op": "gte", "value": 3000}``, answered 500 on
count, the segment page, the export, the members API and the broadcast estimate. Now the API
answers 400 with the JSON path, the builder shows the error beside the condition, and a
segment saved before the limit existed (already in the database) is shown as invalid, with
the reason, wherever it is used.
"""

from __future__ import annotations

import json
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from segments.models import Friend, Segment
from tests.conftest import client_for
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db

AGE_3000 = {"field": "age", "op": "gte", "value": 3000}
REASON = "Must be at most 150."


@pytest.fixture
def api(workspace, account):
    _key, raw = api_key_create(workspace=workspace, name="k", role=Role.MARKETER)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(api, path: str, body: dict):
    return api.post(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def stored(account):
    """A segment saved before the limit existed: written past validation, as the old code did."""
    FriendFactory(account=account)
    return Segment.unscoped.create(account=account, name="Old age", rules={"all": [AGE_3000]})


def test_api_refuses_the_value_with_its_json_path(api, account):
    base = f"/api/v1/accounts/{account.pk}/segments/"
    count = _post(api, base + "count/", {"rules": {"all": [AGE_3000]}})
    assert count.status_code == 400
    assert count.json()["error"]["fields"]["$.all[0].value"] == [REASON]
    created = _post(api, base, {"name": "x", "rules": AGE_3000})
    assert created.status_code == 400
    assert created.json()["error"]["fields"]["$.value"] == [REASON]
    assert not Segment.unscoped.exists()
    nan = api.post(
        base + "count/",
        '{"rules": {"field": "attribute.x", "op": "gt", "value": NaN}}',
        content_type="application/json",
    )
    assert nan.status_code == 400


def test_builder_shows_the_error_beside_the_condition(marketer, workspace, account):
    client = client_for(marketer)
    url = reverse("segment_new", args=[workspace.slug, account.slug])
    form = {
        "name": "Too old",
        "action": "save",
        "n:type": "all",
        "n-0:type": "cond",
        "n-0:field": "age",
        "n-0:shown_field": "age",
        "n-0:op": "gte",
        "n-0:value": "3000",
    }
    response = client.post(url, form)
    assert response.status_code == 400
    assert REASON in unescape(response.content.decode())
    assert not Segment.unscoped.exists()
    # A number too long for Python to convert is a field error too, not a 500.
    response = client.post(url, {**form, "n-0:value": "9" * 5000})
    assert response.status_code == 400
    assert "Expected a whole number." in unescape(response.content.decode())


def test_a_stored_invalid_segment_says_why_and_never_500s(
    api, marketer, workspace, account, stored
):
    pages = client_for(marketer)
    edit = pages.get(reverse("segment_edit", args=[workspace.slug, account.slug, stored.pk]))
    assert edit.status_code == 200
    assert REASON in unescape(edit.content.decode())

    export = pages.get(reverse("segment_export", args=[workspace.slug, account.slug, stored.pk]))
    assert export.status_code == 302
    followed = pages.get(export["Location"])
    assert "no longer valid" in unescape(followed.content.decode())

    base = f"/api/v1/accounts/{account.pk}/segments/{stored.pk}/"
    members = api.get(base + "members/")
    assert members.status_code == 400
    assert members.json()["error"]["fields"]["$.all[0].value"] == [REASON]
    assert api.get(base).status_code == 200  # reading the saved tree itself is fine

    friend = Friend.unscoped.filter(account=account).first()
    profile = pages.get(
        reverse("friend_detail", args=[workspace.slug, account.slug, friend.line_user_id])
    )
    assert profile.status_code == 200
