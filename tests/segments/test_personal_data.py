"""Personal-data requests: a friend's export holds data from every app; erasure leaves the
dashboards' totals as they were and the person's id and name nowhere; roles; the API."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from broadcasts.models import BroadcastBatch, Click, HeldBack, delivered_deliveries
from insights.metrics.audience import add_source_counts
from insights.metrics.broadcasts import broadcast_list
from insights.metrics.rollups import metrics_recompute
from insights.metrics.webhook_data import webhook_coverage_start
from insights.models import MetricDaily
from oa_console.models import AuditEntry
from oa_console.tenancy import tenant_scope
from segments.models import Friend, FriendErasure, FriendStatusChange, FriendTag, Interaction
from segments.personal_data import services
from segments.personal_data.tombstone import subject_hash
from segments.selectors.segments import segment_count
from segments.services import friends as segment_services
from tests.conftest import client_for, make_member
from tests.segments.personal_data_world import BYSTANDER_UID, MEMBER_ID, NAME, UID, build_world
from webhooks.selectors import webhook_event_daily_counts, webhook_health

SEGMENT_RULES = [
    {"all": [{"field": "status", "op": "eq", "value": "following"}]},
    {"all": [{"field": "message_count", "op": "gte", "value": 1}]},
    {"all": [{"field": "friendship_days", "op": "gte", "value": 1}]},
    {"all": [{"field": "received_broadcast", "op": "did", "value": {}}]},
    {"all": [{"field": "clicked", "op": "did", "value": {}}]},
    {"all": [{"field": "add_source", "op": "eq", "value": "poster"}]},
]


@pytest.fixture
def world(account, workspace):
    return build_world(account, workspace)


def _page_url(account, name: str, uid: str = UID) -> str:
    return reverse(name, args=[account.workspace.slug, account.slug, uid])


def _figures(account) -> dict:
    """What the Insights overview, friends and broadcasts pages, the webhook health page and
    segment counts show, computed the way they compute it."""
    metrics_recompute(account=account)
    today = timezone.localdate()
    with tenant_scope(workspace=account.workspace, account=account):
        rows = broadcast_list(
            account=account,
            date_from=today - timedelta(days=30),
            date_to=today,
            with_blocks=True,
        )
        health = webhook_health(account=account)
        return {
            "metrics": sorted(
                MetricDaily.unscoped.filter(account=account).values_list(
                    "metric", "source", "date", "value", "hidden"
                )
            ),
            "add_sources": add_source_counts(account=account),
            "broadcasts": [(r.key, r.delivered, r.unique_clicks, r.blocks) for r in rows],
            # Delivered (accepted) ones: a call not yet made drops the erased friend.
            "deliveries": delivered_deliveries(account=account).count(),
            "variant_deliveries": delivered_deliveries(account=account)
            .filter(variant__isnull=False)
            .count(),
            "clicks": Click.unscoped.filter(account=account).count(),
            "clickers": Click.unscoped.filter(account=account).values("friend").distinct().count(),
            "held_back": HeldBack.unscoped.filter(account=account).count(),
            "webhook_status": health.status_counts,
            "webhook_types": health.type_counts,
            "webhook_daily": webhook_event_daily_counts(account=account),
            "coverage_start": webhook_coverage_start(account),
            "segments": [segment_count(account=account, rules=rules) for rules in SEGMENT_RULES],
            "friends": Friend.unscoped.filter(account=account).count(),
            "following": Friend.unscoped.filter(account=account, status="following").count(),
            "messages": Interaction.unscoped.filter(account=account, kind="message").count(),
        }


def _dump_database() -> str:
    """Every row of every table, as the ORM reads it (JSON decoded, so escapes hide nothing)."""
    parts = []
    for model in apps.get_models():
        manager = getattr(model, "unscoped", model._base_manager)
        for row in manager.all().values():
            parts.append(repr(row))
    return "\n".join(parts)


@pytest.mark.django_db
def test_export_holds_data_from_every_app(world, account, admin_user):
    response = client_for(admin_user).get(_page_url(account, "friend_personal_data_json"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    document = json.loads(response.content)
    sections = {s["key"]: s for s in document["sections"]}
    text = json.dumps(document, ensure_ascii=False)
    for key in (
        "profile",
        "follow_history",
        "attributes",
        "tags",
        "custom_events",
        "interactions",
        "rfm",
        "campaign_attribution",
        "console_links",
        "segments",
        "audit_log",
        "webhook_events",
        "broadcast_deliveries",
        "broadcasts_held_back",
        "link_clicks",
        "import_rows",
    ):
        assert sections[key]["count"] >= 1, key
    profile = sections["profile"]["records"][0]
    assert profile["line_user_id"] == UID and profile["display_name"] == NAME
    assert profile["member_id"] == MEMBER_ID
    assert sections["tags"]["records"][0]["applied_by"] == "rule"
    assert {r["variant"] for r in sections["broadcast_deliveries"]["records"]} >= {"A"}
    assert sections["broadcasts_held_back"]["records"][0]["reason"] == "holdout"
    assert {r["file"] for r in sections["import_rows"]["records"] if "file" in r} == {
        "skipped_file"
    }
    # Messages in a group, and raw events that only list them, are theirs too.
    assert "group words of zelda" in text
    assert any(r["type"] == "memberJoined" for r in sections["webhook_events"]["records"])
    # Nobody else's data.
    assert "Bystander" not in text and "@someone hi" not in text
    entry = AuditEntry.unscoped.get(action="friend.exported")
    assert entry.actor == admin_user and entry.details["format"] == "json"
    assert NAME not in entry.target_label and UID not in entry.target_label
    assert entry.target_label == services.short_hash(account=account, line_user_id=UID)


@pytest.mark.django_db
def test_csv_export_is_one_readable_sheet(world, account, owner):
    response = client_for(owner).get(_page_url(account, "friend_personal_data_csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Data", "Record", "Field", "Value"]
    values = {(row[2], row[3]) for row in rows[1:]}
    assert ("display_name", NAME) in values
    assert ("text", "call me 090-1111") in values
    assert AuditEntry.unscoped.get(action="friend.exported").details["format"] == "csv"


@pytest.mark.django_db
def test_erasure_keeps_dashboards_and_leaves_no_trace(world, account, admin_user, settings):
    settings.PERSONAL_DATA_SALT = "pepper-for-tests"
    before = _figures(account)
    skipped = world.job.skipped_file.name
    client = client_for(admin_user)
    response = client.post(_page_url(account, "friend_personal_data"), {"confirm": "ERASE"})
    assert response.status_code == 302
    after = _figures(account)
    assert after == before

    dump = _dump_database()
    for secret in (
        UID,
        NAME,
        MEMBER_ID,
        "call me 090-1111",
        "group words of zelda",
        "size-zelda-24",
        "zelda-boots",
        "zelda-picture",
        "Zelda's status words",
    ):
        assert secret not in dump, secret
    with world.job.skipped_file.storage.open(skipped) as handle:
        assert UID not in handle.read().decode("utf-8-sig")
    # The bystander is untouched, their group message included.
    assert BYSTANDER_UID in dump and "@someone hi" in dump and "Bystander" in dump

    erasure = FriendErasure.unscoped.get(account=account)
    assert erasure.subject_hash == subject_hash(account_id=account.pk, line_user_id=UID)
    assert erasure.erased_by == admin_user and erasure.summary["segments.tags"] == 1
    entry = AuditEntry.unscoped.get(action="friend.erased")
    assert entry.target_label == erasure.short_hash and entry.actor == admin_user
    # The pending multicast no longer carries them; the sent one names the pseudonym.
    friend = Friend.unscoped.get(pk=world.friend.pk)
    assert friend.erased_at is not None and friend.line_user_id.startswith("erased-")
    assert BroadcastBatch.unscoped.get(broadcast=world.pending).line_user_ids == [BYSTANDER_UID]
    assert BroadcastBatch.unscoped.get(broadcast=world.sent, sequence=0).line_user_ids == [
        friend.line_user_id,
        BYSTANDER_UID,
    ]


@pytest.mark.django_db
def test_a_later_event_starts_a_fresh_friend(world, account, admin_user):
    erased_at = timezone.now()
    services.friend_erase(account=account, friend=world.friend, request=None)
    old = segment_services.StatusChangeInput(
        line_user_id=UID,
        event_key="01LATEOLD00000000000000000",
        kind="unfollow",
        sequence=0,
        occurred_at=erased_at - timedelta(days=1),
    )
    segment_services.friend_activity_record(account=account, status_changes=[old])
    assert not Friend.unscoped.filter(account=account, line_user_id=UID).exists()
    new = segment_services.StatusChangeInput(
        line_user_id=UID,
        event_key="01LATENEW00000000000000000",
        kind="follow",
        sequence=0,
        occurred_at=timezone.now() + timedelta(seconds=1),
    )
    segment_services.friend_activity_record(account=account, status_changes=[new])
    fresh = Friend.unscoped.get(account=account, line_user_id=UID)
    assert fresh.pk != world.friend.pk and fresh.display_name == "" and fresh.member_id == ""
    assert not FriendTag.unscoped.filter(friend=fresh).exists()
    assert FriendStatusChange.unscoped.filter(friend=fresh).count() == 1


@pytest.mark.django_db
def test_erasure_needs_the_confirmation(world, account, admin_user):
    client = client_for(admin_user)
    url = _page_url(account, "friend_personal_data")
    response = client.post(url, {"confirm": "erase please"})
    assert response.status_code == 400
    assert "Type ERASE" in response.content.decode()
    assert Friend.unscoped.get(pk=world.friend.pk).erased_at is None
    assert client.post(url, {"confirm": f" {NAME} "}).status_code == 302
    assert Friend.unscoped.get(pk=world.friend.pk).erased_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed", [("viewer", False), ("marketer", False), ("admin", True), ("owner", True)]
)
def test_only_admins_and_owners(world, workspace, account, role, allowed):
    user = make_member(workspace, role, email=f"{role}@example.com")
    client = client_for(user)
    detail = client.get(_page_url(account, "friend_detail"))
    assert ("friend-personal-data" in detail.content.decode()) is allowed
    for name in ("friend_personal_data", "friend_personal_data_json", "friend_personal_data_csv"):
        assert client.get(_page_url(account, name)).status_code == (200 if allowed else 403)
    response = client.post(_page_url(account, "friend_personal_data"), {"confirm": "ERASE"})
    assert response.status_code == (302 if allowed else 403)
    assert (Friend.unscoped.get(pk=world.friend.pk).erased_at is not None) is allowed


@pytest.mark.django_db
def test_erased_friend_pages_say_so(world, account, owner):
    services.friend_erase(account=account, friend=world.friend, request=None)
    friend = Friend.unscoped.get(pk=world.friend.pk)
    client = client_for(owner)
    page = client.get(_page_url(account, "friend_detail", friend.line_user_id)).content.decode()
    assert 'data-testid="friend-erased"' in page and "friend-personal-data" not in page
    assert (
        client.get(_page_url(account, "friend_personal_data_json", friend.line_user_id)).status_code
        == 409
    )
    response = client.post(
        _page_url(account, "friend_personal_data", friend.line_user_id), {"confirm": "ERASE"}
    )
    assert response.status_code == 200 and FriendErasure.unscoped.count() == 1
    # The old id is nobody now.
    assert client.get(_page_url(account, "friend_detail")).status_code == 404


def _api(user_or_key):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user_or_key)
    return client


@pytest.mark.django_db
def test_api_export_and_erase(world, account, admin_user, viewer):
    base = f"/api/v1/accounts/{account.pk}/friends/{UID}/"
    assert _api(viewer).get(base + "personal-data/").status_code == 403
    client = _api(admin_user)
    document = client.get(base + "personal-data/").json()
    assert {s["key"] for s in document["sections"]} >= {
        "webhook_events",
        "link_clicks",
        "import_rows",
    }
    csv_response = client.get(base + "personal-data/?output=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    bad = client.get(base + "personal-data/?output=xml")
    assert bad.status_code == 400 and bad.json()["error"]["fields"] == {
        "output": ["Use json or csv."]
    }
    refused = client.post(base + "erase/", {"confirm": "yes"}, format="json")
    assert refused.status_code == 400 and "confirm" in refused.json()["error"]["fields"]
    done = client.post(base + "erase/", {"confirm": "ERASE"}, format="json")
    assert done.status_code == 200
    body = done.json()
    assert body["tombstone"] == FriendErasure.unscoped.get().short_hash
    assert body["rows"]["segments.custom_events"] == 1
    assert client.post(base + "erase/", {"confirm": "ERASE"}, format="json").status_code == 404
    assert AuditEntry.unscoped.filter(action__in=["friend.exported", "friend.erased"]).count() == 3


def test_every_app_registers_its_provider_and_the_friend_row_goes_last():
    from segments.personal_data.registry import providers

    apps_in_order = [provider.app for provider in providers()]
    assert set(apps_in_order) == {
        "webhooks",
        "broadcasts",
        "journeys",
        "inbox",
        "insights",
        "liff_forms",
        "segments",
    }
    assert apps_in_order[-1] == "segments"


def test_segments_never_imports_the_apps_above_it():
    """The layers of docs/architecture.md: the registry's package names no higher app."""
    import pathlib

    package = pathlib.Path(services.__file__).parent
    for path in package.glob("*.py"):
        source = path.read_text()
        for higher in ("webhooks", "broadcasts", "journeys", "inbox", "insights"):
            assert f"from {higher}" not in source and f"import {higher}" not in source, path


@pytest.mark.django_db
def test_the_console_never_sends_to_an_erased_friend(world, account):
    from broadcasts.models import Broadcast
    from broadcasts.services.planning.estimate import broadcast_estimate

    draft = Broadcast.unscoped.create(
        account=account, name="Everyone", messages=[{"type": "text", "text": "Hi"}]
    )
    before = broadcast_estimate(broadcast=draft)
    services.friend_erase(account=account, friend=world.friend, request=None)
    after = broadcast_estimate(broadcast=draft)
    # Still counted among the friends, no longer among those a send reaches.
    assert after.matched == before.matched
    assert after.reachable == before.reachable - 1


@pytest.mark.django_db
def test_another_workspace_cannot_export_or_erase(world, account, other_workspace):
    stranger = make_member(other_workspace, "owner", email="stranger@example.com")
    client = client_for(stranger)
    for name in ("friend_personal_data", "friend_personal_data_json", "friend_personal_data_csv"):
        assert client.get(_page_url(account, name)).status_code == 404
    assert (
        client.post(_page_url(account, "friend_personal_data"), {"confirm": "ERASE"}).status_code
        == 404
    )
    api = _api(stranger)
    base = f"/api/v1/accounts/{account.pk}/friends/{UID}/"
    assert api.get(base + "personal-data/").status_code == 404
    assert api.post(base + "erase/", {"confirm": "ERASE"}, format="json").status_code == 404
    assert Friend.unscoped.get(pk=world.friend.pk).erased_at is None
    assert not AuditEntry.unscoped.filter(action__startswith="friend.").exists()
