"""Profile enrichment through line-bot-sdk against the fake LINE API."""

from __future__ import annotations

import uuid

import pytest

from segments.models import Friend
from segments.services import profiles as services
from segments.tasks import refresh_friend_profiles
from tests.segments.factories import FriendFactory
from tests.webhooks.factories import event, post_events, user_id
from webhooks.services import webhook_events_process_pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def friend(account):
    return FriendFactory(
        account=account,
        line_user_id=user_id(42),
        display_name="",
        profile_status=Friend.ProfileStatus.PENDING,
    )


def test_follow_enqueues_a_profile_fetch_that_fills_the_friend(
    client, account, fake_line, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        refresh_friend_profiles, "apply_async", lambda args, **kw: sent.append(args)
    )
    post_events(
        client, account, [event("follow", user=user_id(5)), event("message", user=user_id(6))]
    )
    with django_capture_on_commit_callbacks(execute=True):
        webhook_events_process_pending(account_id=account.pk)
    followed = Friend.unscoped.get(line_user_id=user_id(5))
    assert sent == [([followed.pk],)]  # the message-only friend is not fetched on a message
    assert refresh_friend_profiles.apply(([followed.pk],)).get() == {"fetched": 1}
    followed.refresh_from_db()
    assert followed.display_name == f"Friend {user_id(5)[-6:]}"
    assert followed.language == "ja" and followed.picture_url.startswith("https://")
    assert followed.profile_status == Friend.ProfileStatus.FETCHED
    (call,) = fake_line.calls("getProfile")
    assert call.path == f"/v2/bot/profile/{user_id(5)}"
    assert call.headers["Authorization"] == f"Bearer {account.access_token}"


def test_standby_follow_never_replies(client, account, fake_line):
    post_events(client, account, [event("follow", mode="standby", user=user_id(8))])
    webhook_events_process_pending(account_id=account.pk)
    services.friend_profile_fetch(friend_id=Friend.unscoped.get().pk)
    assert {r.operation_id for r in fake_line.requests} == {"getProfile"}


def test_profile_of_a_user_who_is_not_a_friend_is_unavailable(friend, fake_line):
    fake_line.auto_profiles = False
    outcome = services.friend_profile_fetch(friend_id=friend.pk)
    assert outcome == services.ProfileOutcome("unavailable")
    friend.refresh_from_db()
    assert friend.profile_status == Friend.ProfileStatus.UNAVAILABLE
    assert "404" in friend.profile_error


def test_429_is_retried_after_retry_after_then_succeeds(friend, fake_line):
    fake_line.fail_next("getProfile", 429, retry_after=120)
    outcome = services.friend_profile_fetch(friend_id=friend.pk)
    assert outcome.status == "retry" and outcome.retry_in >= 120
    friend.refresh_from_db()
    assert (friend.profile_status, friend.profile_attempts) == (Friend.ProfileStatus.PENDING, 1)
    assert "429" in friend.profile_error
    assert services.friend_profile_fetch(friend_id=friend.pk).status == "fetched"
    friend.refresh_from_db()
    assert (friend.profile_attempts, friend.profile_error) == (0, "")


def test_server_errors_are_retried_with_backoff_until_recorded_as_failed(friend, fake_line):
    fake_line.fail_next("getProfile", 500, times=services.PROFILE_MAX_ATTEMPTS)
    outcomes = [
        services.friend_profile_fetch(friend_id=friend.pk)
        for _ in range(services.PROFILE_MAX_ATTEMPTS)
    ]
    assert [o.status for o in outcomes] == ["retry"] * (services.PROFILE_MAX_ATTEMPTS - 1) + [
        "failed"
    ]
    delays = [o.retry_in for o in outcomes[:-1]]
    assert all(1 <= d <= 1801 for d in delays) and delays[-1] > delays[0]
    friend.refresh_from_db()
    assert friend.profile_status == Friend.ProfileStatus.FAILED
    assert "500" in friend.profile_error
    # A failed friend is not fetched again by a stray task.
    assert services.friend_profile_fetch(friend_id=friend.pk).status == "unchanged"
    assert len(fake_line.calls("getProfile")) == services.PROFILE_MAX_ATTEMPTS


def test_unreachable_line_is_a_transient_failure(friend, settings):
    settings.LINE_API_HOST = "http://127.0.0.1:9"  # discard port: nothing listens
    outcome = services.friend_profile_fetch(friend_id=friend.pk)
    assert outcome.status == "retry" and outcome.retry_in > 0
    friend.refresh_from_db()
    assert friend.profile_attempts == 1 and friend.profile_error


def test_channel_rate_limit_defers_without_calling_line(account, fake_line, settings, monkeypatch):
    settings.LINE_RATE_LIMITS = {"profile": (2, 60)}
    # A channel id of its own: with REDIS_URL set the counters outlive the test database.
    account.channel_id = str(uuid.uuid4().int)[:18]
    account.save(update_fields=["channel_id"])
    friends = [FriendFactory(account=account, line_user_id=user_id(100 + n)) for n in range(3)]
    outcomes = [services.friend_profile_fetch(friend_id=f.pk) for f in friends]
    assert [o.status for o in outcomes] == ["fetched", "fetched", "rate_limited"]
    assert 1 <= outcomes[2].retry_in <= 60
    assert len(fake_line.calls("getProfile")) == 2
    # The task re-enqueues what must wait, with that countdown, instead of sleeping.
    requeued = []
    monkeypatch.setattr(
        refresh_friend_profiles, "apply_async", lambda args, **kw: requeued.append((args, kw))
    )
    more = [FriendFactory(account=account, line_user_id=user_id(200 + n)) for n in range(2)]
    assert refresh_friend_profiles.apply(([friends[2].pk, *(f.pk for f in more)],)).get() == {
        "rate_limited": 1
    }
    assert requeued[0][0] == ([friends[2].pk, *(f.pk for f in more)],)
    assert requeued[0][1]["countdown"] >= 1
    assert len(fake_line.calls("getProfile")) == 2
