"""Journey clicks are the journey's own rows (``JourneyClick``), not only the activity hub's
``link_click``: they count on the node's stats and for a branch's ``clicked`` after the hub
has pruned its log, they know the friend only where the node tracks per friend, and each stays
in its own OA."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from journeys.engine.enrol import enrolment_start
from journeys.engine.links import click_token
from journeys.engine.runner import enrolments_advance_due
from journeys.engine.sending import journey_sends_deliver
from journeys.models import EnrolmentStep, JourneyClick
from journeys.selectors.stats import node_stats
from journeys.starters import STARTERS
from oa_console.activity.draining import activity_drain
from oa_console.activity.models import Activity
from oa_console.activity.pruning import activity_prune
from oa_console.tenancy import TenantScopeMismatch, TenantScopeMissing, tenant_scope
from tests.journeys.engine.conftest import publish, send_graph
from tests.journeys.engine.test_clicks import (
    NOW,
    SHOP,
    WINDOW,
    redirect_path,
    run_and_deliver,
    sent_texts,
)
from tests.segments.factories import FriendFactory

RETENTION_DAYS = 30


@pytest.fixture(autouse=True)
def _tokens_signed_at_now_are_fresh(settings):
    """Sends run at the fixed ``NOW``; a click is read by the real clock, months later."""
    settings.JOURNEY_CLICK_MAX_AGE = 10 * 365 * 24 * 3600
    settings.ACTIVITY_LOG_RETENTION_DAYS = RETENTION_DAYS


def prune_the_activity_log() -> None:
    """Every subscriber reads the log, then the hub's hourly prune runs a day past the
    retention of everything in it: the clicks' ``link_click`` activities are gone. (On
    PostgreSQL the hub reads only settled rows: another session's older transaction on the
    same server holds the prune back, which a machine shared with other test runs can do.)"""
    activity_drain()
    past_retention = timezone.now() - timedelta(days=RETENTION_DAYS + 1)
    Activity.unscoped.update(created_at=past_retention)
    activity_prune()
    assert not Activity.unscoped.filter(kind=Activity.Kind.LINK_CLICK).exists()


def test_a_node_tracked_click_is_stored_without_a_friend_and_outlives_the_log(
    account, make_journey, fake_line, line
):
    journey = make_journey(send_graph(f"Sale today: {SHOP}"))  # node: the default
    run_and_deliver(account, journey, [FriendFactory(account=account) for _ in range(2)])
    (text,) = sent_texts(fake_line, "multicast")
    for _ in range(3):  # the same multicast link, opened three times
        assert Client().get(redirect_path(text)).status_code == 302
    rows = list(
        JourneyClick.objects.for_account(account).values_list(
            "journey_id", "node_id", "friend_id", "url"
        )
    )
    assert rows == [(journey.pk, "send", None, SHOP)] * 3
    prune_the_activity_log()
    assert node_stats(account=account, journey=journey)["send"].clicks == 3


def test_a_friend_tracked_click_names_the_friend_at_the_moment_of_the_click(
    account, make_journey, fake_line, line
):
    journey = make_journey(send_graph(f"Sale today: {SHOP}", click_tracking="friend"))
    aki, ben = FriendFactory(account=account), FriendFactory(account=account)
    run_and_deliver(account, journey, [aki, ben])
    texts = {
        call.json()["to"]: call.json()["messages"][0]["text"]
        for call in fake_line.calls("pushMessage")
    }
    before = timezone.now()
    Client().get(redirect_path(texts[ben.line_user_id]))
    click = JourneyClick.objects.for_account(account).get()
    assert (click.friend_id, click.node_id, click.url) == (ben.pk, "send", SHOP)
    assert before <= click.clicked_at <= timezone.now()
    # The hub's activity is the same click: triggers and tag rules still react to it.
    activity = Activity.objects.for_account(account).get(kind=Activity.Kind.LINK_CLICK)
    assert (activity.friend_id, activity.occurred_at) == (ben.pk, click.clicked_at)


def test_the_welcome_branch_sees_a_click_the_activity_log_no_longer_holds(
    account, make_journey, fake_line, line
):
    """The friend clicks the day-0 link; the hub prunes the click's activity (a month later);
    the day-3 branch still sends the clicker the engaged message and the other the nudge."""
    journey = make_journey(STARTERS["welcome_series"].graph("en"))
    clicker, other = FriendFactory(account=account), FriendFactory(account=account)
    for friend in (clicker, other):
        enrolment_start(account=account, journey=journey, friend=friend, properties={}, now=NOW)
    enrolments_advance_due(now=NOW)
    journey_sends_deliver(now=NOW + WINDOW)
    day_0 = {
        call.json()["to"]: call.json()["messages"][0]["text"]
        for call in fake_line.calls("pushMessage")
    }
    assert Client().get(redirect_path(day_0[clicker.line_user_id])).status_code == 302
    prune_the_activity_log()
    enrolments_advance_due(now=NOW + timedelta(days=3, minutes=1))
    passed = dict(
        EnrolmentStep.objects.for_account(account)
        .filter(node_id="engaged", kind="passed")
        .values_list("friend_id", "outlet")
    )
    assert passed == {clicker.pk: "yes", other.pk: "no"}


def test_a_click_before_the_friend_entered_again_does_not_count_for_the_branch(
    account, make_journey, fake_line, line
):
    """``clicked`` means since this enrolment began: a click from an earlier run of the same
    journey is stored, but the friend who re-enters later has not clicked in this run."""
    journey = make_journey(STARTERS["welcome_series"].graph("en"))
    friend = FriendFactory(account=account)
    enrolment_start(account=account, journey=journey, friend=friend, properties={}, now=NOW)
    enrolments_advance_due(now=NOW)
    JourneyClick.objects.for_account(account).create(
        account=account,
        journey=journey,
        node_id="day_0",
        friend=friend,
        url=SHOP,
        clicked_at=NOW - timedelta(days=1),  # the day before this run began
    )
    enrolments_advance_due(now=NOW + timedelta(days=3, minutes=1))
    outlet = (
        EnrolmentStep.objects.for_account(account)
        .filter(node_id="engaged", kind="passed")
        .values_list("outlet", flat=True)
    )
    assert list(outlet) == ["no"]


def test_each_oas_clicks_stay_in_that_oa(account, other_account):
    """A click is stored under the OA of the journey its token names; another OA's reads
    neither count nor reach it."""
    mine = publish(account, send_graph(f"Go {SHOP}"))
    theirs = publish(other_account, send_graph(f"Go {SHOP}"))
    signed_at = timezone.now().timestamp()
    for journey in (mine, theirs, theirs):
        token = click_token(
            journey_id=journey.pk, node_id="send", url=SHOP, friend_id=None, signed_at=signed_at
        )
        assert Client().get(f"/r/j/{token}").status_code == 302
    counted = Counter(JourneyClick.unscoped.values_list("account_id", flat=True))
    assert counted == {account.pk: 1, other_account.pk: 2}
    with pytest.raises(TenantScopeMissing):
        JourneyClick.objects.count()
    with tenant_scope(workspace=account.workspace, account=account):
        assert node_stats(account=account, journey=mine)["send"].clicks == 1
        assert node_stats(account=account, journey=theirs)["send"].clicks == 0
        with pytest.raises(TenantScopeMismatch):
            JourneyClick.objects.for_account(other_account).count()
