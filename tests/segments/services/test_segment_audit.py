"""Audit entries of segments (created, changed, deleted through the API and the builder page)
and of friend-level downloads (the friends list and a segment's members as CSV)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from oa_console.models import AuditAction
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from segments.models import Friend, Segment
from tests.audit_helpers import FROM, assert_entry, only_entry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
A = AuditAction
RULES = {"all": [{"field": "status", "op": "eq", "value": "following"}]}


def test_segment_created_changed_and_deleted_through_the_api_name_the_key(workspace, account):
    api_key, raw = api_key_create(workspace=workspace, name="CRM sync", role=Role.MARKETER)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    base = f"/api/v1/accounts/{account.pk}/segments/"
    actor = f"API key CRM sync ({api_key.prefix}…)"
    created = client.post(
        base, {"name": "Followers", "rules": RULES}, content_type="application/json", **FROM
    )
    assert created.status_code == 201, created.json()
    segment_id = created.json()["id"]
    entry = assert_entry(
        A.SEGMENT_CREATED, workspace=workspace, actor=actor, target="Followers", account=account
    )
    assert entry.api_key == api_key and entry.details == {"conditions": 1}

    changed = client.patch(
        f"{base}{segment_id}/", {"name": "All followers"}, content_type="application/json", **FROM
    )
    assert changed.status_code == 200
    entry = assert_entry(
        A.SEGMENT_EDITED, workspace=workspace, actor=actor, target="All followers", account=account
    )
    assert entry.details == {"changed": {"name": ["Followers", "All followers"]}}

    assert client.delete(f"{base}{segment_id}/", **FROM).status_code == 204
    assert_entry(
        A.SEGMENT_DELETED, workspace=workspace, actor=actor, target="All followers", account=account
    )


def test_a_segment_saved_and_deleted_in_the_builder_is_recorded(workspace, account, marketer):
    client = client_for(marketer)
    new = reverse("segment_new", args=["alpha", account.slug])
    # The builder's form for "every friend" (an empty "all" group), saved under a name.
    response = client.post(new, {"action": "save", "name": "VIPs", "n:type": "all"}, **FROM)
    assert response.status_code == 302, response.content.decode()[:500]
    segment = Segment.unscoped.get(name="VIPs")
    assert_entry(
        A.SEGMENT_CREATED, workspace=workspace, actor=marketer.email, target="VIPs", account=account
    )
    client.post(reverse("segment_delete", args=["alpha", account.slug, segment.pk]), **FROM)
    assert_entry(
        A.SEGMENT_DELETED, workspace=workspace, actor=marketer.email, target="VIPs", account=account
    )


def test_downloading_friends_and_segment_members_is_recorded(workspace, account, viewer):
    Friend.unscoped.create(account=account, line_user_id="U" + "a" * 32, display_name="Ana")
    segment = Segment.unscoped.create(account=account, name="Everyone", rules={"all": []})
    client = client_for(viewer)
    friends = client.get(
        reverse("friend_export", args=["alpha", account.slug]), {"q": "Ana"}, **FROM
    )
    assert friends.status_code == 200
    b"".join(friends.streaming_content)
    entry = only_entry(A.DATA_EXPORTED)
    assert (entry.actor_label, entry.ip_address, entry.account_id) == (
        viewer.email,
        FROM["REMOTE_ADDR"],
        account.pk,
    )
    assert entry.details == {"export": "friends", "filters": "q=Ana"}
    entry.delete()

    members = client.get(
        reverse("segment_export", args=["alpha", account.slug, segment.pk]), **FROM
    )
    assert members.status_code == 200
    entry = assert_entry(
        A.DATA_EXPORTED, workspace=workspace, actor=viewer.email, target="Everyone", account=account
    )
    assert entry.details == {"export": "segment_members"}
