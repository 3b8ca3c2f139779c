"""Follower sync (``GET /v2/bot/followers/ids``) against the fake LINE API, which validates every
request against messaging-api.yml and pages with a continuation token like LINE."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from segments.models import FollowerSync, Friend
from segments.services import follower_syncs
from segments.services.follower_syncs import pages as follower_pages
from segments.services.follower_syncs import sync as follower_sync
from segments.tasks import refresh_friend_profiles, sync_followers
from tests.segments.factories import FriendFactory
from tests.webhooks.factories import event, post_events, user_id
from webhooks.services import webhook_events_process_pending

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_profile_tasks(monkeypatch):
    """Profile fetches are enqueued on commit; recorded here instead of reaching a broker."""
    sent: list = []
    monkeypatch.setattr(
        refresh_friend_profiles, "apply_async", lambda args, **kw: sent.append(args)
    )
    return sent


@pytest.fixture
def requeued(monkeypatch):
    """The task's re-enqueue (rate limit, 429, budget spent), recorded with its countdown."""
    calls: list = []
    monkeypatch.setattr(
        sync_followers, "apply_async", lambda args, **kw: calls.append((args, kw.get("countdown")))
    )
    return calls


def _sync(account, **kwargs) -> FollowerSync:
    job, _created = follower_syncs.follower_sync_request(
        account=account, trigger=FollowerSync.Trigger.MANUAL, enqueue=False
    )
    follower_syncs.follower_sync_run(job_id=job.pk, **kwargs)
    job.refresh_from_db()
    return job


def _ids(first: int, count: int) -> list[str]:
    return [user_id(n) for n in range(first, first + count)]


def test_pages_with_the_continuation_token_until_the_list_ends(
    account, fake_line, no_profile_tasks, django_capture_on_commit_callbacks
):
    fake_line.followers = _ids(1, 2500)
    with django_capture_on_commit_callbacks(execute=True):
        job = _sync(account)
    calls = fake_line.calls("getFollowers")
    assert [c.query.get("start") for c in calls] == [None, ["fake-next-1000"], ["fake-next-2000"]]
    assert all(c.query["limit"] == ["1000"] for c in calls)
    assert calls[0].headers["Authorization"] == f"Bearer {account.access_token}"
    assert (job.status, job.pages_read, job.ids_seen, job.friends_added) == (
        "done",
        3,
        2500,
        2500,
    ), job.error
    assert job.started_at and job.finished_at and job.next_token == ""
    friends = Friend.unscoped.filter(account=account)
    assert friends.count() == 2500
    assert set(friends.values_list("status", "source")) == {("following", "follower_list")}
    # Their profiles come through the existing profile fetch, 50 friends a task.
    assert sum(len(args[0]) for args in no_profile_tasks) == 2500


def test_a_rerun_is_idempotent(account, fake_line):
    fake_line.followers = _ids(1, 30)
    first = _sync(account)
    second = _sync(account)
    assert second.pk != first.pk
    assert (second.ids_seen, second.friends_added, second.friends_unfollowed) == (30, 0, 0)
    assert Friend.unscoped.filter(account=account, status="following").count() == 30


def test_403_for_an_unverified_oa_is_recorded_on_the_account(account, fake_line):
    fake_line.followers_refused = True
    known = FriendFactory(account=account)
    job = _sync(account)
    account.refresh_from_db()
    assert job.status == "refused" and job.finished_at is not None
    assert "verified or premium" in job.error
    assert account.follower_ids_refused_at is not None
    assert account.follower_ids_refusal == "Access to this API is not available for your account"
    known.refresh_from_db()
    assert known.status == "following"  # nothing read, nothing concluded
    # Once LINE allows it (the OA became verified), a successful sync clears the record.
    fake_line.followers_refused = False
    fake_line.followers = [known.line_user_id]
    assert _sync(account).status == "done"
    account.refresh_from_db()
    assert account.follower_ids_refused_at is None and account.follower_ids_refusal == ""


def test_429_backs_off_and_resumes_from_the_saved_token(account, fake_line, requeued):
    fake_line.followers = _ids(1, 1500)

    def first_page_then_429(acc, token):
        if token:  # LINE rate-limits the second page
            fake_line.fail_next("getFollowers", 429, retry_after=120)
        return follower_pages.line_page_reader(acc, token)

    job, _ = follower_syncs.follower_sync_request(account=account, trigger="manual", enqueue=False)
    step = follower_syncs.follower_sync_run(job_id=job.pk, read_page=first_page_then_429)
    job.refresh_from_db()
    assert step.status == "waiting" and step.retry_in >= 120  # LINE's Retry-After at least
    assert (job.status, job.pages_read, job.rate_limited) == ("waiting", 1, 1)
    assert job.next_token == "fake-next-1000" and "429" in job.error
    assert Friend.unscoped.filter(account=account).count() == 1000
    # The retry resumes at the saved token: the first page is not asked for again.
    before = len(fake_line.calls("getFollowers"))
    sync_followers.apply((job.pk,)).get()
    job.refresh_from_db()
    resumed = fake_line.calls("getFollowers")[before:]
    assert [c.query.get("start") for c in resumed] == [["fake-next-1000"]]
    assert (job.status, job.pages_read, job.ids_seen, job.error) == ("done", 2, 1500, "")
    assert Friend.unscoped.filter(account=account).count() == 1500


def test_the_task_requeues_itself_with_the_backoff(account, fake_line, requeued):
    fake_line.followers = _ids(1, 10)
    fake_line.fail_next("getFollowers", 429, retry_after=90)
    job, _ = follower_syncs.follower_sync_request(account=account, trigger="manual", enqueue=False)
    assert sync_followers.apply((job.pk,)).get() == "waiting"
    [(args, countdown)] = requeued
    assert args == (job.pk,) and countdown >= 90
    assert sync_followers.apply((job.pk,)).get() == "done"


def test_repeated_failures_end_visibly_failed(account, fake_line, requeued):
    fake_line.fail_next("getFollowers", 500, times=follower_sync.MAX_RETRIES + 1)
    job, _ = follower_syncs.follower_sync_request(account=account, trigger="manual", enqueue=False)
    for _attempt in range(follower_sync.MAX_RETRIES + 1):
        follower_syncs.follower_sync_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "500" in job.error and job.finished_at


def test_known_friend_missing_from_a_complete_list_no_longer_follows(client, account, fake_line):
    stays, leaves = FriendFactory(account=account), FriendFactory(account=account)
    fake_line.followers = [stays.line_user_id, *_ids(1, 3)]
    job = _sync(account)
    assert (job.friends_added, job.friends_unfollowed) == (3, 1)
    leaves.refresh_from_db()
    stays.refresh_from_db()
    assert stays.status == "following" and stays.listed_at is not None
    assert leaves.status == "blocked" and leaves.unlisted_at == job.started_at
    # Back in a later list: following again.
    fake_line.followers.append(leaves.line_user_id)
    assert _sync(account).friends_unfollowed == 0
    leaves.refresh_from_db()
    assert leaves.status == "following"


def test_a_sync_that_stopped_part_way_marks_nobody(account, fake_line, requeued):
    known = FriendFactory(account=account)
    fake_line.followers = _ids(1, 1200)  # the known friend would be missing from it
    fake_line_calls = []

    def one_page_then_refused(acc, token):
        fake_line_calls.append(token)
        if token:
            fake_line.followers_refused = True
        return follower_pages.line_page_reader(acc, token)

    job = _sync(account, read_page=one_page_then_refused)
    assert (job.status, job.pages_read) == ("refused", 1)
    known.refresh_from_db()
    assert known.status == "following" and known.unlisted_at is None
    assert job.friends_unfollowed == 0


def test_blocked_friends_stay_blocked(client, account, fake_line):
    post_events(
        client,
        account,
        [
            event("follow", user=user_id(900), timestamp=1_700_000_000_000),
            event("unfollow", user=user_id(900), timestamp=1_700_000_100_000),
        ],
    )
    webhook_events_process_pending(account_id=account.pk)
    blocked = Friend.unscoped.get(line_user_id=user_id(900))
    blocked_at = blocked.blocked_at
    assert blocked.status == "blocked"
    fake_line.followers = _ids(1, 5)  # LINE's list excludes blockers
    job = _sync(account)
    blocked.refresh_from_db()
    assert (blocked.status, blocked.blocked_at, blocked.unlisted_at) == (
        "blocked",
        blocked_at,
        None,
    )
    assert job.friends_unfollowed == 0


def test_a_follow_during_the_sync_is_not_undone(client, account, fake_line):
    fake_line.followers = _ids(1, 2)

    def follow_arrives_meanwhile(acc, token):
        ms = int((timezone.now() + timedelta(seconds=1)).timestamp() * 1000)
        post_events(client, acc, [event("follow", user=user_id(777), timestamp=ms)])
        webhook_events_process_pending(account_id=acc.pk)
        return follower_pages.line_page_reader(acc, token)

    job = _sync(account, read_page=follow_arrives_meanwhile)
    assert job.status == "done"
    assert Friend.unscoped.get(line_user_id=user_id(777)).status == "following"


def test_one_sync_at_a_time_per_oa(account):
    first, created = follower_syncs.follower_sync_request(account=account, trigger="manual")
    again, created_again = follower_syncs.follower_sync_request(account=account, trigger="api")
    assert created and not created_again and again.pk == first.pk


def test_command_runs_the_sync_and_reports(account, fake_line, capsys):
    fake_line.followers = _ids(1, 4)
    call_command("sync_followers", "--account", str(account.pk))
    out = capsys.readouterr().out
    assert "4 followers listed, 4 friends added, 0 marked as no longer following" in out
    assert FollowerSync.unscoped.get().trigger == "command"
    fake_line.followers_refused = True
    with pytest.raises(CommandError, match="verified or premium"):
        call_command("sync_followers", "--account", str(account.pk))
    with pytest.raises(CommandError, match="No OA"):
        call_command("sync_followers", "--account", "999999")


def test_connecting_an_oa_starts_a_sync(workspace, django_capture_on_commit_callbacks, monkeypatch):
    from oa_console.services.line_accounts import line_account_create

    sent = []
    monkeypatch.setattr(sync_followers, "apply_async", lambda args, **kw: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        account = line_account_create(
            workspace=workspace, display_name="New OA", channel_secret="s" * 32, access_token="t"
        )
    job = FollowerSync.unscoped.get(account=account)
    assert (job.trigger, job.status) == ("connect", "queued")
    assert sent == [(job.pk,)]


def test_nightly_requests_a_sync_for_every_oa(account, other_account):
    assert follower_syncs.follower_sync_nightly() == 2
    assert set(FollowerSync.unscoped.values_list("trigger", flat=True)) == {"nightly"}
    assert follower_syncs.follower_sync_nightly() == 0  # still queued: not a second one


def test_the_sweep_picks_up_only_syncs_whose_task_was_lost(account, other_account, requeued):
    lost, _ = follower_syncs.follower_sync_request(
        account=account, trigger="nightly", enqueue=False
    )
    waiting, _ = follower_syncs.follower_sync_request(
        account=other_account, trigger="nightly", enqueue=False
    )
    FollowerSync.unscoped.filter(pk=lost.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    FollowerSync.unscoped.filter(pk=waiting.pk).update(
        status="waiting",
        updated_at=timezone.now() - timedelta(minutes=20),  # backing off
    )
    assert follower_syncs.follower_sync_sweep() == 1
    assert requeued == [((lost.pk,), 0)]
