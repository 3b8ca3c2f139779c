"""The item event's bulk calls (``JourneyBulkCall``): sent before their friends' rows exist,
recorded on their own row, booked once LINE has answered (refused, busy, disconnected), booked
exactly once when the booking dies part-way, and counted as enrolments by the entry rules while
they wait to be booked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from journeys.engine.enrol import enrolment_start
from journeys.engine.item_events import booking, bulk_write, item_event_process
from journeys.engine.item_events.booking import bulk_calls_book
from journeys.engine.sending import journey_sends_deliver
from journeys.models import Enrolment, EnrolmentStep, Journey, JourneyBulkCall, JourneySend
from tests.journeys.engine.test_item_events_bulk import (
    NOW,
    postgresql,
    price_drop,
    price_dropped,
    rules,
    viewed,
)
from tests.segments.factories import FriendFactory

pytestmark = postgresql
EVERY_TIME = {"following_only": True, "reentry": {"policy": "every_time"}}


@pytest.fixture
def viewers(account, scope):
    rules(account, cap=False)
    friends = [FriendFactory(account=account, display_name=f"v{n}") for n in range(3)]
    viewed(friends)
    return friends


def _drop(account) -> None:
    item_event_process(account=account, item_event_id=price_dropped(account).pk, now=NOW)


def _calls(account):
    return JourneyBulkCall.objects.for_account(account)


def test_the_call_goes_out_before_any_friend_row_and_is_booked_after(
    account, make_journey, viewers, line, fake_line
):
    journey = make_journey(price_drop(EVERY_TIME))
    _drop(account)
    call = _calls(account).get()
    assert (len(call.friend_ids), call.status) == (3, "pending")
    assert not Enrolment.objects.for_account(account).exists()

    assert journey_sends_deliver(now=NOW) == 1
    call.refresh_from_db()
    assert (call.status, call.attempts, call.sent_at) == ("sent", 1, NOW)
    assert not JourneySend.objects.for_account(account).exists()  # recorded on the call alone
    [request] = fake_line.calls("multicast")
    assert request.headers.get("X-Line-Retry-Key") == str(call.retry_key)

    assert bulk_calls_book() == 1
    sends = JourneySend.objects.for_account(account).filter(journey=journey)
    assert sorted(sends.values_list("friend_id", "status", "method", "retry_key")) == sorted(
        (friend.pk, "sent", "multicast", call.retry_key) for friend in viewers
    )
    assert set(sends.values_list("request_id", flat=True)) == {call.request_id}
    assert not _calls(account).exists()
    assert bulk_calls_book() == 0


def test_a_refused_call_is_booked_failed_with_lines_message(
    account, make_journey, viewers, line, fake_line
):
    make_journey(price_drop(EVERY_TIME))
    _drop(account)
    fake_line.fail_next("multicast", 400, message="The request body has 1 error(s)")
    journey_sends_deliver(now=NOW)
    bulk_calls_book()
    sends = JourneySend.objects.for_account(account)
    assert set(sends.values_list("status", "error")) == {
        ("failed", "The request body has 1 error(s)")
    }
    failed = EnrolmentStep.objects.for_account(account).filter(kind="failed")
    assert failed.count() == 3
    assert {line["error"] for line in failed.values_list("detail", flat=True)} == {
        "The request body has 1 error(s)"
    }
    assert line.received == {}


def test_a_busy_line_leaves_the_call_pending_with_its_key_for_later(
    account, make_journey, viewers, line, fake_line
):
    make_journey(price_drop(EVERY_TIME))
    _drop(account)
    fake_line.fail_next("multicast", 500)
    journey_sends_deliver(now=NOW)
    call = _calls(account).get()
    assert (call.status, call.attempts) == ("pending", 1)
    assert call.next_attempt_at > NOW
    assert bulk_calls_book() == 0  # nothing to book until LINE answers

    journey_sends_deliver(now=call.next_attempt_at)
    bulk_calls_book()
    keys = {request.headers.get("X-Line-Retry-Key") for request in fake_line.calls("multicast")}
    assert keys == {str(call.retry_key)}
    assert set(JourneySend.objects.for_account(account).values_list("status", flat=True)) == {
        "sent"
    }
    assert {line.received[friend.line_user_id] for friend in viewers} == {1}


def test_a_revoked_token_fails_the_call_and_pauses_the_journey(
    account, make_journey, viewers, line, fake_line
):
    journey = make_journey(price_drop(EVERY_TIME))
    _drop(account)
    fake_line.fail_next("multicast", 401, message="Authentication failed")
    journey_sends_deliver(now=NOW)
    journey.refresh_from_db()
    assert journey.status == Journey.Status.PAUSED
    assert "disconnected" in journey.paused_reason
    assert _calls(account).get().status == "failed"


class _Killed(BaseException):
    """The worker dying mid-booking."""


def test_a_booking_killed_part_way_is_rolled_back_and_done_once_later(
    account, make_journey, viewers, line, monkeypatch
):
    make_journey(price_drop(EVERY_TIME))
    _drop(account)
    journey_sends_deliver(now=NOW)
    real_book = bulk_write.call_book

    def dies_after_writing(*args, **kwargs):
        real_book(*args, **kwargs)
        raise _Killed

    with monkeypatch.context() as patch:
        patch.setattr(booking, "call_book", dies_after_writing)
        with pytest.raises(_Killed):
            bulk_calls_book()
    assert not Enrolment.objects.for_account(account).exists()
    assert _calls(account).count() == 1

    assert bulk_calls_book() == 1
    assert Enrolment.objects.for_account(account).count() == 3
    assert JourneySend.objects.for_account(account).count() == 3


@pytest.mark.parametrize(
    ("entry", "second_time", "enrolments"),
    [
        ({"following_only": True, "reentry": {"policy": "once"}}, "already_entered", 1),
        ({**EVERY_TIME, "dedupe_property": "item_id"}, "duplicate", 1),
        # The call's walk ends at once (not in flight): the friend enters by hand, and that
        # enrolment, still at the alert, keeps the second drop out.
        ({**EVERY_TIME, "max_concurrent": 1}, None, 2),
    ],
)
def test_friends_of_a_call_not_booked_yet_count_as_entered(
    account, make_journey, viewers, line, entry, second_time, enrolments
):
    journey = make_journey(price_drop(entry))
    _drop(account)
    friend = viewers[0]
    outcome = enrolment_start(
        account=account,
        journey=journey,
        friend=friend,
        properties={"item_id": "X1"},
        now=NOW + timedelta(minutes=1),
    )
    assert outcome.refused == (second_time or "")
    # A second price drop in those seconds leaves them to the per-friend path, which judges
    # them the same way.
    _drop(account)
    journey_sends_deliver(now=NOW + timedelta(minutes=1))
    bulk_calls_book()
    per_friend = Enrolment.objects.for_account(account).filter(journey=journey, friend=friend)
    assert per_friend.count() == enrolments
