"""The beat dispatch that hands due broadcasts over, or holds them until quiet hours end (the
rules' own time-zone and quiet-hour arithmetic is tested in tests/segments/services/
test_sending_rules.py, where the rules live)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadcasts.models import Broadcast
from broadcasts.services import sending
from tests.broadcasts.conftest import make_broadcast, make_friends

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Status = Broadcast.Status


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_due_broadcasts_are_handed_over_only_when_due(account, rules):
    make_friends(account, 3)
    later = make_broadcast(account, status=Status.SCHEDULED, send_at=utc(2026, 5, 1, 3, 0))
    assert sending.broadcasts_due(now=utc(2026, 5, 1, 2, 59)) == []
    assert sending.broadcasts_due(now=utc(2026, 5, 1, 3, 0)) == [later.pk]


def test_a_broadcast_due_in_quiet_hours_waits_until_they_end(account, rules, line):
    account.time_zone = "Asia/Tokyo"
    account.save()
    rules.quiet_enabled = True
    rules.save()
    make_friends(account, 3)
    night = utc(2026, 5, 1, 14, 30)  # 23:30 in Tokyo
    broadcast = make_broadcast(account, status=Status.SCHEDULED, send_at=night)
    assert sending.broadcasts_due(now=night) == []
    assert not sending.broadcast_start(broadcast_id=broadcast.pk, now=night)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.send_at, broadcast.deferred_by_quiet_hours) == (
        Status.SCHEDULED,
        utc(2026, 5, 1, 23),
        True,
    )
    assert not line.server.requests
    morning = utc(2026, 5, 1, 23, 0, 5)
    assert sending.broadcasts_due(now=morning) == [broadcast.pk]
    assert sending.broadcast_start(broadcast_id=broadcast.pk, now=morning)


def test_a_send_under_way_stops_at_quiet_hours_and_resumes_after_them(
    account, rules, line, marketer
):
    """A first claim of multicast batches and two more; quiet hours (22:00 Tokyo) begin while
    the first claim is sent: the other two are held, the page says so, and they go out at 08:00
    with their retry keys."""
    from django.urls import reverse

    from broadcasts.models import BroadcastBatch
    from tests.broadcasts.conftest import everyone_segment
    from tests.conftest import client_for

    account.time_zone = "Asia/Tokyo"
    account.save()
    rules.quiet_enabled = True
    rules.save()
    claim = sending.MULTICAST_CLAIM
    recipients = claim * 500 + 701  # the first claim's batches, then two more
    friends = make_friends(account, recipients)
    evening = utc(2026, 5, 1, 12, 59, 50)  # 21:59:50 in Tokyo
    broadcast = make_broadcast(
        account,
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
        send_at=evening,
    )
    assert sending.broadcast_start(broadcast_id=broadcast.pk, now=evening)
    keys = dict(
        BroadcastBatch.unscoped.filter(broadcast=broadcast).values_list("sequence", "retry_key")
    )
    clock = {"now": evening}

    def quiet_hours_begin(accepted) -> None:  # while LINE accepts the first claim's calls
        clock["now"] = utc(2026, 5, 1, 13, 0, 1)

    line.on_accept = quiet_hours_begin
    progress = sending.broadcast_send(broadcast_id=broadcast.pk, now=lambda: clock["now"])
    line.on_accept = None
    assert not progress.finished and progress.retry_in == 0  # the round stopped
    assert len(line.server.calls("multicast")) == claim
    night = utc(2026, 5, 1, 13, 0, 2)
    progress = sending.broadcast_send(broadcast_id=broadcast.pk, now=lambda: night)
    broadcast.refresh_from_db()
    assert not progress.finished
    assert progress.retry_in == int((utc(2026, 5, 1, 23) - night).total_seconds())
    assert (broadcast.status, broadcast.paused_until) == (Status.SENDING, utc(2026, 5, 1, 23))
    assert len(line.server.calls("multicast")) == claim  # nothing more went out
    page = client_for(marketer).get(
        reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    )
    assert (
        "Quiet hours: sending stopped. The 2 requests not yet sent go out at"
        in page.content.decode()
    )
    morning = utc(2026, 5, 1, 23, 0, 5)
    assert sending.broadcast_send(broadcast_id=broadcast.pk, now=lambda: morning).finished
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.paused_until, broadcast.accepted_count) == (
        Status.SENT,
        None,
        recipients,
    )
    sent_keys = [c.headers["X-Line-Retry-Key"] for c in line.server.calls("multicast")]
    # A claim's calls run at once, in any order; the held two went after the first claim.
    assert sorted(sent_keys[:claim]) == sorted(str(keys[n]) for n in range(claim))
    assert sorted(sent_keys[claim:]) == sorted(str(keys[n]) for n in (claim, claim + 1))
    assert set(line.received) == {f.line_user_id for f in friends}
    assert set(line.received.values()) == {1}


def test_a_queued_continuation_for_a_deleted_broadcast_does_nothing(account):
    from broadcasts import tasks

    assert tasks.send_broadcast.run(987654) is True
    assert tasks.dispatch_broadcast.run(987654) is False
    assert tasks.poll_narrowcast.run(987654) is True


def test_stalled_sends_are_resumed_but_polled_narrowcasts_are_not(account, rules):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    stalled = make_broadcast(account)
    polled = make_broadcast(account)
    Broadcast.unscoped.filter(pk__in=[stalled.pk, polled.pk]).update(
        status=Status.SENDING, started_at=now - timedelta(minutes=10)
    )
    Broadcast.unscoped.filter(pk=polled.pk).update(
        method="narrowcast", narrowcast_phase="sending", narrowcast_checked_at=now
    )
    assert sending.broadcasts_stalled(now=now) == [stalled.pk]
    assert sorted(sending.broadcasts_stalled(now=now + timedelta(minutes=5))) == sorted(
        [stalled.pk, polled.pk]
    )


def test_a_send_waiting_for_its_queued_continuation_is_not_resumed(account, rules):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    waiting = make_broadcast(account)
    Broadcast.unscoped.filter(pk=waiting.pk).update(
        status=Status.SENDING, started_at=now - timedelta(minutes=30)
    )
    sending.broadcast_continue_at(broadcast_id=waiting.pk, seconds=1800)  # an hourly limit
    assert sending.broadcasts_stalled() == []
    assert sending.broadcasts_stalled(now=now + timedelta(minutes=40)) == [waiting.pk]
