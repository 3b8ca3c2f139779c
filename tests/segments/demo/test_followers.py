"""The demo's follower list: the simulated LINE answers followers/ids with as many ids as the
demo OA's target reach, and the demo seed applies it once so the friends match Insights."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path

from broadcasts import simulated_line
from oa_console.management.commands.seed_demo import DemoTenancy
from segments.demo.followers import demo_follower_ids, seed_follower_sync
from segments.models import FollowerSync, Friend
from segments.services import follower_syncs
from segments.tasks import refresh_friend_profiles
from tests.insights.factories import InsightRecordFactory
from tests.segments.factories import FriendFactory

urlpatterns = [path("simulated-line/<path:path>", simulated_line.simulated_line)]


def _reach(account, value: int) -> None:
    day = datetime.date(2026, 12, 5)
    InsightRecordFactory(
        account=account,
        date=day,
        values={"date": day.isoformat(), "contacts": value + 900, "target_reaches": value},
    )


@pytest.mark.django_db
def test_seed_applies_the_list_once_and_known_friends_match_the_target_reach(account):
    known = FriendFactory.create_batch(3, account=account)
    blocked = FriendFactory(account=account, status=Friend.Status.BLOCKED)
    _reach(account, 1234)
    demo = DemoTenancy(accounts={"a": account})
    assert seed_follower_sync(demo) > 0
    following = Friend.unscoped.filter(account=account, status=Friend.Status.FOLLOWING)
    assert following.count() == 1234  # the Insights target reach
    assert {f.pk for f in known} <= set(following.values_list("pk", flat=True))
    blocked.refresh_from_db()
    assert blocked.status == Friend.Status.BLOCKED
    added = Friend.unscoped.filter(account=account, source=Friend.Source.FOLLOWER_LIST)
    assert added.count() == 1231
    assert not added.filter(display_name="").exists()
    assert set(added.values_list("profile_status", flat=True)) == {"fetched"}
    job = FollowerSync.unscoped.get(account=account)
    assert (job.status, job.trigger, job.ids_seen, job.friends_added) == (
        "done",
        "demo",
        1234,
        1231,
    )
    # A restart: one query per OA, nothing written.
    with CaptureQueriesContext(connection) as queries:
        assert seed_follower_sync(demo) == 0
    assert len(queries) == 1


@pytest.mark.django_db(transaction=True)
def test_simulated_line_pages_the_demo_list_for_a_real_sync(
    account, live_server, settings, monkeypatch
):
    """The same list through HTTP, the SDK and the sync task's reader, as "Sync now" does in
    the running demo."""
    monkeypatch.setattr(refresh_friend_profiles, "apply_async", lambda args, **kw: None)
    settings.DEBUG = True
    settings.BROADCASTS_SIMULATED_LINE = True
    settings.PUBLIC_BASE_URL = live_server.url
    # The root URLconf adds the simulator only when the setting is on as it loads.
    settings.ROOT_URLCONF = __name__
    FriendFactory(account=account)
    _reach(account, 2345)
    job, _ = follower_syncs.follower_sync_request(account=account, trigger="manual", enqueue=False)
    follower_syncs.follower_sync_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert (job.pages_read, job.ids_seen, job.friends_added) == (3, 2345, 2344)
    assert Friend.unscoped.filter(account=account, status="following").count() == 2345
    assert demo_follower_ids(account)[:1] == [
        Friend.unscoped.filter(source="webhook").get().line_user_id
    ]
    # Profiles of the new friends come from the simulator too.
    from segments.services.profiles import friend_profile_fetch

    new = Friend.unscoped.filter(source="follower_list").first()
    assert friend_profile_fetch(friend_id=new.pk).status == "fetched"
    new.refresh_from_db()
    assert new.display_name and new.language == "ja"
