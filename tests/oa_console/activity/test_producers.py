"""Each producer publishes its activity kinds, through its public service or endpoint."""

from __future__ import annotations

import pytest
from django.test import Client

from broadcasts.messages import click_token
from oa_console.activity.models import Activity
from oa_console.models import Role
from segments.models import Friend, Tag
from segments.services import campaigns, events, tagging
from tests.broadcasts.conftest import make_broadcast, make_friends
from tests.conftest import make_member
from tests.insights.conftest import media_root  # noqa: F401  (fixture)
from tests.insights.imports.conftest import apply_path  # noqa: F401  (fixture)
from tests.insights.imports.member_files import import_members
from tests.segments.crm_world import build_crm_world
from tests.segments.services.test_friend_links import issue, send_from_phone
from tests.webhooks.factories import event, post_events, user_id
from webhooks.services import webhook_events_process_pending

pytestmark = pytest.mark.django_db


def kinds(account) -> list[str]:
    return list(
        Activity.unscoped.filter(account=account).order_by("pk").values_list("kind", flat=True)
    )


def test_webhook_processing_publishes_follows_blocks_unblocks_messages_and_postbacks(account):
    user = user_id(3)
    batch = [
        event("follow", user=user, timestamp=1_700_000_000_000),
        event("message", user=user, timestamp=1_700_000_001_000),
        event("postback", user=user, timestamp=1_700_000_002_000, postback={"data": "a=1"}),
        event("unfollow", user=user, timestamp=1_700_000_003_000),
        event("follow", user=user, timestamp=1_700_000_004_000, follow={"isUnblocked": True}),
    ]
    assert post_events(Client(), account, batch).status_code == 200
    webhook_events_process_pending(account_id=account.pk)
    assert sorted(kinds(account)) == sorted(
        ["follow", "message", "postback", "unfollow", "unblock"]
    )
    friend = Friend.unscoped.get(account=account, line_user_id=user)
    message = Activity.unscoped.get(account=account, kind="message")
    assert (message.friend_id, message.payload["text"]) == (friend.pk, "hello")
    postback = Activity.unscoped.get(account=account, kind="postback")
    assert postback.payload["data"] == {"data": "a=1"}


def test_custom_events_publish_custom_event(account):
    (friend,) = make_friends(account, 1)
    result = events.custom_events_record(
        account=account,
        events=[
            {
                "friend": {"line_user_id": friend.line_user_id},
                "name": "signup",
                "occurred_at": "2026-01-02T03:04:05+09:00",
                "idempotency_key": "k1",
                "properties": {"channel": "store"},
            }
        ],
    )
    assert result.accepted == 1
    activity = Activity.unscoped.get(account=account, kind="custom_event")
    assert activity.friend_id == friend.pk
    assert activity.payload["name"] == "signup"


def test_tagging_publishes_tags_added_and_removed_once_each(account):
    tag = Tag.unscoped.create(account=account, name="vip")
    friends = make_friends(account, 2)
    ids = [f.pk for f in friends]
    assert tagging.friend_tags_add(account=account, tag=tag, friend_ids=ids, source="manual") == 2
    assert tagging.friend_tags_add(account=account, tag=tag, friend_ids=ids, source="manual") == 0
    assert tagging.friend_tags_remove(account=account, tag=tag, friend_ids=ids[:1]) == 1
    assert kinds(account) == ["tag_added", "tag_added", "tag_removed"]
    assert Activity.unscoped.get(kind="tag_removed").friend_id == ids[0]


def test_a_link_click_publishes_link_click(account):
    (friend,) = make_friends(account, 1)
    broadcast = make_broadcast(
        account, messages=[{"type": "text", "text": "Sale https://shop.example/sale"}]
    )
    token = click_token(broadcast_id=broadcast.pk, url_index=0, friend_id=friend.pk)
    assert Client().get(f"/r/{token}").status_code == 302
    activity = Activity.unscoped.get(account=account, kind="link_click")
    assert (activity.friend_id, activity.payload["url"]) == (friend.pk, "https://shop.example/sale")


def test_a_campaign_visit_publishes_campaign_visit(account):
    account.basic_id = "@alpha"
    account.save(update_fields=["basic_id"])
    link = campaigns.campaign_link_create(account=account, name="Poster", source="poster")
    assert (
        Client().get(f"/a/{link.token}", HTTP_USER_AGENT="Mozilla/5.0 (iPhone)").status_code == 302
    )
    activity = Activity.unscoped.get(account=account, kind="campaign_visit")
    assert activity.payload["link_id"] == link.pk


def test_redeeming_a_link_code_publishes_member_id_linked(account, workspace):
    user = make_member(workspace, Role.MARKETER, email="kai@alpha.example")
    code = issue(account, user)
    send_from_phone(account, code.code)
    activity = Activity.unscoped.get(account=account, kind="member_id_linked")
    assert activity.payload == {"console_user_id": user.pk}


@pytest.mark.usefixtures("apply_path", "media_root")
def test_a_member_import_publishes_attribute_changes_and_member_ids_in_bulk(account):
    world = build_crm_world(account)
    a, c, d = world.friends["A"], world.friends["C"], world.friends["D"]
    mapping = {"user id": "line_user_id", "member id": "member_id", "tier": "member_tier"}
    job = import_members(
        account,
        f"user id,member id,tier\n{c.line_user_id},M1,\n{a.line_user_id},,platinum\n"
        f"{d.line_user_id},M7,\n",
        mapping,
    )
    assert job.status == "succeeded", (job.failure_code, job.errors)
    linked = Activity.unscoped.filter(account=account, kind="member_id_linked")
    assert {(row.friend_id, row.payload["member_id"]) for row in linked} == {
        (c.pk, "M1"),
        (d.pk, "M7"),
    }
    changed = Activity.unscoped.filter(account=account, kind="attribute_changed")
    assert {row.friend_id for row in changed} == {a.pk, c.pk, d.pk}
    assert all(row.payload["source"] == "member_import" for row in changed)
