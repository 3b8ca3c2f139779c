"""The broadcasts API: CRUD, the workflow per role, 409 for actions the state forbids, the
detail with counts and per-batch outcomes, scheduling in the OA's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from broadcasts.models import Broadcast
from broadcasts.services import sending
from segments.models import Friend
from tests.api_helpers import account_url, api
from tests.broadcasts.conftest import TEXT, everyone_segment, make_broadcast, make_friends

pytestmark = pytest.mark.django_db
Status = Broadcast.Status


def url(account, name="api_broadcasts", broadcast=None) -> str:
    return account_url(account, name, broadcast=broadcast)


BODY = {"name": "Spring sale", "messages": TEXT, "audience": {"all": True}}


def test_marketer_creates_lists_and_updates_a_draft(account, marketer):
    client = api(marketer)
    created = client.post(url(account), BODY, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["audience"], body["created_by"]) == (
        "draft",
        {"all": True},
        marketer.email,
    )
    listed = client.get(url(account)).json()
    assert [b["id"] for b in listed["results"]] == [body["id"]]
    segment = everyone_segment(account)
    updated = client.put(
        url(account, "api_broadcast_detail", body["id"]),
        {
            **BODY,
            "audience": {"segment": segment.pk, "demographic": {"type": "age", "gte": "age_20"}},
        },
        format="json",
    )
    assert updated.status_code == 200
    assert updated.json()["audience"] == {
        "segment": segment.pk,
        "demographic": {"type": "age", "gte": "age_20"},
    }


def test_invalid_messages_are_reported_per_bubble(account, marketer):
    response = api(marketer).post(
        url(account),
        {**BODY, "messages": [{"type": "text", "text": "ok"}, {"type": "sticker"}]},
        format="json",
    )
    assert response.status_code == 400
    problems = response.json()["error"]["fields"]["messages"]
    assert problems == [
        "Bubble 2: 'packageId' is a required property",
        "Bubble 2: 'stickerId' is a required property",
    ]


def test_another_oas_segment_is_refused(account, other_account, marketer):
    foreign = everyone_segment(other_account)
    response = api(marketer).post(
        url(account), {**BODY, "audience": {"segment": foreign.pk}}, format="json"
    )
    assert response.status_code == 400
    assert "segment" in response.json()["error"]["fields"]


def test_malformed_variants_and_variants_for_all_friends_are_refused(account, marketer):
    response = api(marketer).post(url(account), {**BODY, "variants": [TEXT, TEXT]}, format="json")
    assert response.status_code == 400
    assert "must be a list of objects" in response.json()["error"]["fields"]["variants"][0]
    arms = [{"name": "A", "messages": TEXT}, {"name": "B", "messages": TEXT}]
    everyone = api(marketer).post(url(account), {**BODY, "variants": arms}, format="json")
    assert everyone.status_code == 400
    assert "need a saved segment" in everyone.json()["error"]["fields"]["variants"][0]
    holdout = api(marketer).post(url(account), {**BODY, "holdout_percent": 10}, format="json")
    assert holdout.status_code == 400  # a holdout needs a segment audience
    assert "holdout_percent" in holdout.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("role_fixture", "create", "approve"),
    [("viewer", 403, 403), ("marketer", 201, 403), ("admin_user", 201, 200), ("owner", 201, 200)],
)
def test_approval_permissions_per_role(request, account, role_fixture, create, approve):
    user = request.getfixturevalue(role_fixture)
    client = api(user)
    assert client.post(url(account), BODY, format="json").status_code == create
    broadcast = make_broadcast(account, status=Status.IN_REVIEW)
    response = client.post(url(account, "api_broadcast_approve", broadcast), {}, format="json")
    assert response.status_code == approve
    broadcast.refresh_from_db()
    assert broadcast.status == (Status.APPROVED if approve == 200 else Status.IN_REVIEW)
    rejected = client.post(
        url(account, "api_broadcast_reject", make_broadcast(account, status=Status.IN_REVIEW)),
        {"comment": "Too pushy"},
        format="json",
    )
    assert rejected.status_code == approve


def test_full_workflow_and_conflicts(
    account, marketer, admin_user, django_capture_on_commit_callbacks
):
    writer, reviewer = api(marketer), api(admin_user)
    broadcast_id = writer.post(url(account), BODY, format="json").json()["id"]
    # Approving a draft is a conflict, not a permission problem.
    conflict = reviewer.post(url(account, "api_broadcast_approve", broadcast_id), {}, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "conflict"
    assert writer.post(url(account, "api_broadcast_submit", broadcast_id)).json()["status"] == (
        "in_review"
    )
    reject = reviewer.post(url(account, "api_broadcast_reject", broadcast_id), {}, format="json")
    assert reject.status_code == 400 and "comment" in reject.json()["error"]["fields"]
    rejected = reviewer.post(
        url(account, "api_broadcast_reject", broadcast_id),
        {"comment": "Add a photo"},
        format="json",
    ).json()
    assert (rejected["status"], rejected["review_comment"]) == ("draft", "Add a photo")
    writer.post(url(account, "api_broadcast_submit", broadcast_id))
    assert (
        reviewer.post(
            url(account, "api_broadcast_approve", broadcast_id), {}, format="json"
        ).json()["status"]
        == "approved"
    )
    # Editing an approved broadcast sends it back to review.
    edited = writer.put(
        url(account, "api_broadcast_detail", broadcast_id),
        {**BODY, "name": "Spring sale v2"},
        format="json",
    ).json()
    assert (edited["status"], edited["reviewed_by"]) == ("in_review", None)
    reviewer.post(url(account, "api_broadcast_approve", broadcast_id), {}, format="json")
    send_at = (timezone.now() + timedelta(days=2)).isoformat()
    scheduled = writer.post(
        url(account, "api_broadcast_schedule", broadcast_id), {"send_at": send_at}, format="json"
    ).json()
    assert scheduled["status"] == "scheduled"
    cancelled = writer.post(url(account, "api_broadcast_cancel", broadcast_id)).json()
    assert cancelled["status"] == "cancelled"
    assert writer.post(url(account, "api_broadcast_cancel", broadcast_id)).status_code == 409
    assert writer.delete(url(account, "api_broadcast_detail", broadcast_id)).status_code == 204


def test_schedule_without_offset_is_the_oas_local_time(account, marketer):
    account.time_zone = "America/New_York"
    account.save()
    broadcast = make_broadcast(account, status=Status.APPROVED)
    response = api(marketer).post(
        url(account, "api_broadcast_schedule", broadcast),
        {"send_at": "2036-07-04T09:00:00"},
        format="json",
    )
    assert response.status_code == 200
    broadcast.refresh_from_db()
    assert broadcast.send_at == datetime(2036, 7, 4, 13, 0, tzinfo=UTC)
    skipped = api(marketer).post(
        url(account, "api_broadcast_schedule", broadcast),
        {"send_at": "2036-03-09T02:30:00"},
        format="json",
    )
    assert skipped.status_code == 400
    assert "does not exist" in skipped.json()["error"]["fields"]["send_at"][0]


def test_schedule_now_hands_the_broadcast_to_a_worker(
    account, marketer, django_capture_on_commit_callbacks, monkeypatch
):
    from broadcasts import tasks

    sent = []
    monkeypatch.setattr(tasks, "dispatch_broadcast_soon", sent.append)
    broadcast = make_broadcast(account, status=Status.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(marketer).post(
            url(account, "api_broadcast_schedule", broadcast), {"send_at": None}, format="json"
        )
    assert response.json()["status"] == "scheduled"
    assert sent == [broadcast.pk]


def test_detail_shows_counts_and_batch_outcomes(account, rules, admin_user, line, scope):
    make_friends(account, 700)
    # The first batch (500 ids; the two calls may arrive in any order) is refused.
    line.server.fail_next(
        "multicast", 400, message="Invalid reply token", when=lambda body: len(body["to"]) == 500
    )
    broadcast = make_broadcast(
        account,
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
    )
    sending.broadcast_start(broadcast_id=broadcast.pk)
    sending.broadcast_send(broadcast_id=broadcast.pk)
    body = api(admin_user).get(url(account, "api_broadcast_detail", broadcast)).json()
    assert (body["status"], body["recipients"], body["accepted_count"], body["failed_count"]) == (
        "partially_failed",
        700,
        200,
        500,
    )
    assert body["progress"]["percent"] == 100
    first, second = body["batches"]
    assert (first["status"], first["http_status"], first["error_message"]) == (
        "failed",
        400,
        "Invalid reply token",
    )
    assert (second["status"], second["size"]) == ("accepted", 200)
    batches = api(admin_user).get(url(account, "api_broadcast_batches", broadcast)).json()
    assert batches["count"] == 2


def test_estimate_and_test_send(account, rules, marketer, line):
    make_friends(account, 20)
    broadcast = make_broadcast(account)
    estimate = api(marketer).get(url(account, "api_broadcast_estimate", broadcast)).json()
    assert (estimate["method"], estimate["reachable"], estimate["can_send"]) == (
        "broadcast",
        20,
        True,
    )
    # A friend picked by id (tests/broadcasts/views/test_test_send.py covers search and "to me").
    me = Friend.unscoped.filter(account=account).order_by("pk").first().line_user_id
    response = api(marketer).post(
        url(account, "api_broadcast_test", broadcast), {"friend": me}, format="json"
    )
    assert response.status_code == 202
    (push,) = line.server.calls("pushMessage")
    assert push.json()["to"] == me
    line.server.fail_next("pushMessage", 400, message="The user hasn't added the OA as a friend")
    refused = api(marketer).post(
        url(account, "api_broadcast_test", broadcast), {"friend": me}, format="json"
    )
    assert refused.status_code == 400
    assert "hasn't added" in refused.json()["error"]["fields"]["friend"][0]
