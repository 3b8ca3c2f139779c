"""A send that cannot be planned or sent ends in a state the marketer can see, with its reason:
failed (planning raised, nobody to send to, LINE's minimum), or "Retrying: <reason> (attempt N
of M)" while a transient failure is retried, and failed after the last attempt. Never
"Scheduled" forever. Checked on the broadcast's page and through the API."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import planning, sending
from broadcasts.services.plan_failures import MAX_PLAN_ATTEMPTS
from broadcasts.services.planning import holdout_bucket
from broadcasts.tasks import dispatch_broadcast
from segments.models import Friend, Segment
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Status = Broadcast.Status
Kind = Broadcast.AudienceKind


@pytest.fixture(autouse=True)
def english():
    """A request in Japanese leaves Japanese active in this thread: each test starts in the
    default language, as a worker does."""
    translation.activate("en")
    yield
    translation.deactivate()


def page_text(user, broadcast: Broadcast) -> str:
    account = broadcast.account
    url = reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    response = client_for(user).get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def list_text(user, account) -> str:
    url = reverse("account_broadcasts", args=[account.workspace.slug, account.slug])
    return unescape(client_for(user).get(url).content.decode())


def api_detail(user, broadcast: Broadcast) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    url = reverse(
        "api_broadcast_detail",
        kwargs={"account_id": broadcast.account_id, "broadcast_id": broadcast.pk},
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.json()


def segment_broadcast(account) -> Broadcast:
    segment = Segment.unscoped.filter(account=account, name="Everyone").first()
    return make_broadcast(
        account,
        audience_kind=Kind.SEGMENT,
        segment=segment or everyone_segment(account),
        status="scheduled",
    )


def raise_in_batching(monkeypatch, error: Exception) -> None:
    """Make planning raise halfway, after it has written its first rows (held-back friends)."""

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(planning, "_batches", broken)


# Planning raises ---------------------------------------------------------------------------------


def test_a_send_whose_planning_raises_ends_visibly_failed(account, rules, marketer, monkeypatch):
    make_friends(account, 5)
    broadcast = segment_broadcast(account)
    raise_in_batching(monkeypatch, ValueError("unsupported format character ','"))

    assert dispatch_broadcast(broadcast.pk) is False  # the Celery task, as beat runs it

    broadcast.refresh_from_db()
    assert broadcast.status == Status.FAILED
    assert broadcast.finished_at is not None
    assert not BroadcastBatch.unscoped.filter(broadcast=broadcast).exists()  # rolled back
    reason = "Not sent: planning the send failed: ValueError: unsupported format character ','"
    assert broadcast.error_message == reason
    # Not handed to a worker again: beat's next tick finds nothing due.
    assert broadcast.pk not in sending.broadcasts_due()
    html = page_text(marketer, broadcast)
    assert 'data-testid="broadcast-status">Failed<' in html
    assert "planning the send failed: ValueError: unsupported format character" in html
    assert "0 of 0 requests accepted" not in html  # nothing was planned: no empty progress bar
    listed = list_text(marketer, broadcast.account)
    assert 'data-testid="list-status">Failed<' in listed
    assert "planning the send failed: ValueError" in listed
    body = api_detail(marketer, broadcast)
    assert (body["status"], body["error_message"], body["retrying"]) == ("failed", reason, None)


def test_a_transient_planning_error_is_retried_with_its_attempt_count_then_fails(
    account, rules, marketer, monkeypatch
):
    make_friends(account, 5)
    broadcast = segment_broadcast(account)
    raise_in_batching(monkeypatch, OperationalError("database is locked"))
    now = timezone.now()

    assert sending.broadcast_start(broadcast_id=broadcast.pk, now=now) is False
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.plan_attempts) == (Status.SCHEDULED, 1)
    assert broadcast.plan_retry_at >= now + timedelta(seconds=30)
    # Beat leaves it alone until its back-off has run out, then hands it over again.
    assert broadcast.pk not in sending.broadcasts_due(now=now + timedelta(seconds=10))
    assert sending.broadcast_start(broadcast_id=broadcast.pk, now=now) is False
    assert Broadcast.unscoped.get(pk=broadcast.pk).plan_attempts == 1  # not tried meanwhile
    assert broadcast.pk in sending.broadcasts_due(now=broadcast.plan_retry_at)

    retrying = (
        "Retrying: the database was busy or unreachable (database is locked) "
        f"(attempt 1 of {MAX_PLAN_ATTEMPTS})"
    )
    html = page_text(marketer, broadcast)
    assert 'data-testid="broadcast-status">Retrying<' in html
    assert retrying in html
    listed = list_text(marketer, broadcast.account)
    assert 'data-testid="list-status">Retrying<' in listed
    assert "database is locked" in listed
    body = api_detail(marketer, broadcast)
    assert body["status"] == "scheduled"
    assert (body["retrying"]["attempt"], body["retrying"]["max_attempts"]) == (
        1,
        MAX_PLAN_ATTEMPTS,
    )
    assert body["retrying"]["text"] == retrying

    for attempt in range(2, MAX_PLAN_ATTEMPTS + 1):
        now = broadcast.plan_retry_at
        assert sending.broadcast_start(broadcast_id=broadcast.pk, now=now) is False
        broadcast.refresh_from_db()
        assert broadcast.plan_attempts == attempt
    assert broadcast.status == Status.FAILED
    assert broadcast.plan_retry_at is None
    assert broadcast.error_message == (
        f"Not sent: planning the send failed {MAX_PLAN_ATTEMPTS} times; last error: the "
        "database was busy or unreachable (database is locked)"
    )
    html = page_text(marketer, broadcast)
    assert 'data-testid="broadcast-status">Failed<' in html
    assert f"planning the send failed {MAX_PLAN_ATTEMPTS} times" in html
    url = reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    html = client_for(marketer).get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f"未送信: 配信の準備に{MAX_PLAN_ATTEMPTS}回失敗しました" in html
    assert api_detail(marketer, broadcast)["retrying"] is None


def test_planning_that_succeeds_on_a_retry_clears_the_reason(account, rules, line, monkeypatch):
    make_friends(account, 5)
    broadcast = segment_broadcast(account)
    batches = planning._batches
    raise_in_batching(monkeypatch, OperationalError("database is locked"))
    assert sending.broadcast_start(broadcast_id=broadcast.pk) is False
    monkeypatch.setattr(planning, "_batches", batches)
    broadcast.refresh_from_db()
    assert sending.broadcast_start(broadcast_id=broadcast.pk, now=broadcast.plan_retry_at)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.error_message, broadcast.plan_retry_at) == (
        Status.SENDING,
        "",
        None,
    )


# A LINE call is retried -------------------------------------------------------------------------


def test_a_line_5xx_shows_retrying_with_the_attempt_then_fails_after_the_last(
    account, rules, line, marketer
):
    make_friends(account, 5)
    broadcast = segment_broadcast(account)
    line.server.fail_next("multicast", 500, times=sending.MAX_ATTEMPTS)
    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    sending.broadcast_send(broadcast_id=broadcast.pk)
    broadcast.refresh_from_db()
    assert broadcast.status == Status.SENDING

    html = page_text(marketer, broadcast)
    assert 'data-testid="broadcast-status">Retrying<' in html
    assert f"(attempt 1 of {sending.MAX_ATTEMPTS})" in html
    retrying = api_detail(marketer, broadcast)["retrying"]
    assert (retrying["attempt"], retrying["max_attempts"]) == (1, sending.MAX_ATTEMPTS)
    assert retrying["text"].startswith("Retrying: ")
    assert retrying["next_attempt_at"] is not None

    for _attempt in range(sending.MAX_ATTEMPTS):
        BroadcastBatch.unscoped.filter(broadcast=broadcast).update(next_attempt_at=None)
        if sending.broadcast_send(broadcast_id=broadcast.pk).finished:
            break
    broadcast.refresh_from_db()
    assert broadcast.status == Status.FAILED
    assert f"after {sending.MAX_ATTEMPTS} attempts" in broadcast.error_message
    assert api_detail(marketer, broadcast)["retrying"] is None
    assert f"after {sending.MAX_ATTEMPTS} attempts" in page_text(marketer, broadcast)


# Nobody to send to: each reason with its count ---------------------------------------------------


def block(friends: list[Friend]) -> None:
    Friend.unscoped.filter(pk__in=[f.pk for f in friends]).update(status=Friend.Status.BLOCKED)


def plan_failure(account, broadcast: Broadcast, marketer) -> str:
    """Start the send; it must fail at planning. Returns the reason, checked on the page and in
    the API."""
    assert sending.broadcast_start(broadcast_id=broadcast.pk) is False
    broadcast.refresh_from_db()
    assert broadcast.status == Status.FAILED
    assert broadcast.error_message in page_text(marketer, broadcast)
    assert api_detail(marketer, broadcast)["error_message"] == broadcast.error_message
    return broadcast.error_message


def test_no_friends_known(account, rules, marketer):
    reason = plan_failure(account, make_broadcast(account, status="scheduled"), marketer)
    assert reason == (
        "Nobody in this audience can receive the broadcast now: the console knows no friends of "
        "this OA yet (friends appear when they follow or write to the OA, or after a follower "
        "sync)."
    )


def test_a_segment_that_matches_nobody(account, rules, marketer):
    make_friends(account, 4)
    segment = Segment.unscoped.create(
        account=account,
        name="Nobody",
        rules={
            "all": [
                {"field": "status", "op": "eq", "value": "following"},
                {"field": "status", "op": "eq", "value": "blocked"},
            ]
        },
    )
    broadcast = make_broadcast(
        account, audience_kind=Kind.SEGMENT, segment=segment, status="scheduled"
    )
    reason = plan_failure(account, broadcast, marketer)
    assert reason.endswith(": the audience matches none of the 4 friends the console knows.")


def test_everyone_blocked(account, rules, marketer):
    block(make_friends(account, 3))
    broadcast = segment_broadcast(account)
    reason = plan_failure(account, broadcast, marketer)
    assert reason.endswith(": 3 blocked or not following.")
    # Kept as counts, so a Japanese reader gets it in Japanese, counts and all.
    assert broadcast.failure["counts"]["following"] == 0
    url = reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    client = client_for(marketer)
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert (
        "この配信先には、現在この配信を受信できる人がいません: ブロック中または友だちではない 3人。"
        in html
    )


def test_everyone_over_the_frequency_cap_with_the_count_on_the_page(account, rules, line, marketer):
    make_friends(account, 4)
    block(make_friends(account, 2, start=50))
    rules.cap_messages = 1
    rules.save()
    first = segment_broadcast(account)
    assert sending.broadcast_start(broadcast_id=first.pk)
    sending.broadcast_send(broadcast_id=first.pk)
    broadcast = segment_broadcast(account)
    reason = plan_failure(account, broadcast, marketer)
    assert reason.endswith(": 2 blocked or not following; 4 held back by the frequency cap.")
    assert broadcast.excluded_by_cap == 4  # the page's "held back" figure, not 0


def test_everyone_in_the_holdout(account, rules, marketer):
    broadcast = segment_broadcast(account)
    broadcast.holdout_percent = 50
    broadcast.save()
    # Keep only friends the holdout takes. Buckets hash the friend ids, which on PostgreSQL
    # depend on earlier tests' use of the sequence: add friends until a few land in it.
    count = 0
    for batch in range(20):
        make_friends(account, 12, start=batch * 12)
        held = Friend.unscoped.filter(account=account).annotate(bucket=holdout_bucket(broadcast.pk))
        held.filter(bucket__gte=50).delete()
        count = Friend.unscoped.filter(account=account).count()
        if count >= 3:
            break
    assert count >= 3
    reason = plan_failure(account, broadcast, marketer)
    assert reason.endswith(f": {count} in the holdout group.")


def test_the_estimate_panel_names_the_reason_before_sending(account, rules, marketer):
    block(make_friends(account, 2))
    estimate = planning.broadcast_estimate(broadcast=segment_broadcast(account))
    assert estimate.problems == [
        "Nobody in this audience can receive the broadcast now: 2 blocked or not following."
    ]


def test_a_target_reach_below_lines_minimum_gives_both_numbers(account, rules, line, marketer):
    make_friends(account, 1)
    rules.cap_messages = 1
    rules.save()
    first = segment_broadcast(account)
    assert sending.broadcast_start(broadcast_id=first.pk)
    sending.broadcast_send(broadcast_id=first.pk)
    make_friends(account, 60, start=100)
    # All friends minus the capped one: a narrowcast, which needs a target reach of 100.
    reason = plan_failure(account, make_broadcast(account, status="scheduled"), marketer)
    assert "target reach is at least 100; this OA has 61 friends following" in reason
