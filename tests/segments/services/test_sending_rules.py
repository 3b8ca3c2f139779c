"""Each OA's sending rules, shared by broadcasts and journeys: saving them, the time-zone and
quiet-hour arithmetic, and the frequency cap counting the messages of every registered sender."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from segments.models import SendingRules
from segments.registries import message_receipts as registry
from segments.services import sending_rules
from segments.services.sending_rules import (
    capped_friend_ids,
    frequency_capped,
    local_to_utc,
    quiet_hours_end,
    quiet_hours_next_start,
    sending_rules_get,
    sending_rules_update,
)
from tests.factories import LineAccountFactory
from tests.segments.factories import FriendFactory
from tests.segments.receipts import event_source, fake_senders, sent

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def rules(account):
    """2 messages per 7 days, quiet hours 22:00-08:00 (switched on by the tests that need them)."""
    return SendingRules.objects.for_account(account).create(
        account=account, cap_messages=2, cap_days=7, quiet_enabled=False
    )


def test_an_oa_without_saved_rules_gets_the_defaults(account):
    rules = sending_rules_get(account=account)
    assert rules.pk is None
    assert (rules.cap_enabled, rules.cap_messages, rules.cap_days) == (True, 2, 7)
    assert (rules.quiet_start, rules.quiet_end) == (time(22, 0), time(8, 0))


def test_saving_rules_refuses_impossible_values(account):
    with pytest.raises(ValidationError) as excinfo:
        sending_rules_update(
            account=account,
            cap_enabled=True,
            cap_messages=0,
            cap_days=91,
            quiet_enabled=True,
            quiet_start=time(22, 0),
            quiet_end=time(22, 0),
        )
    assert set(excinfo.value.message_dict) == {"cap_messages", "cap_days", "quiet_end"}
    saved = sending_rules_update(
        account=account,
        cap_enabled=True,
        cap_messages=3,
        cap_days=14,
        quiet_enabled=False,
        quiet_start=time(21, 0),
        quiet_end=time(9, 0),
    )
    assert sending_rules_get(account=account) == saved
    assert account.sending_rules.cap_messages == 3


def test_tokyo_has_no_dst(account):
    account.time_zone = "Asia/Tokyo"
    for month in (1, 7):
        assert local_to_utc(account=account, local=datetime(2026, month, 10, 9, 0)) == utc(
            2026, month, 10, 0, 0
        )


def test_new_york_follows_dst(account):
    account.time_zone = "America/New_York"
    assert local_to_utc(account=account, local=datetime(2026, 1, 10, 9, 0)) == utc(2026, 1, 10, 14)
    assert local_to_utc(account=account, local=datetime(2026, 7, 10, 9, 0)) == utc(2026, 7, 10, 13)


def test_a_time_skipped_by_dst_is_refused(account):
    account.time_zone = "America/New_York"
    with pytest.raises(ValidationError) as excinfo:
        local_to_utc(account=account, local=datetime(2026, 3, 8, 2, 30))
    assert "does not exist in America/New_York" in excinfo.value.message_dict["send_at"][0]


def test_a_repeated_time_means_its_first_occurrence(account):
    account.time_zone = "America/New_York"
    # 01:30 happens twice on 2026-11-01: first in EDT (UTC-4).
    assert local_to_utc(account=account, local=datetime(2026, 11, 1, 1, 30)) == utc(
        2026, 11, 1, 5, 30
    )


def test_quiet_hours_span_midnight_in_the_oa_zone(account, rules):
    account.time_zone = "Asia/Tokyo"
    rules.quiet_enabled = True
    rules.save()
    # 23:30 Tokyo = 14:30 UTC: quiet until 08:00 Tokyo next day (23:00 UTC).
    assert quiet_hours_end(account=account, moment=utc(2026, 5, 1, 14, 30)) == utc(2026, 5, 1, 23)
    # 07:00 Tokyo = 22:00 UTC the day before: quiet until 08:00 that morning.
    assert quiet_hours_end(account=account, moment=utc(2026, 5, 1, 22)) == utc(2026, 5, 1, 23)
    assert quiet_hours_end(account=account, moment=utc(2026, 5, 1, 3)) is None  # 12:00


def test_quiet_hours_follow_dst_in_a_dst_zone(account, rules):
    account.time_zone = "Europe/Berlin"
    account.save()
    rules.quiet_enabled = True
    rules.save()
    # 23:00 Berlin on the night clocks go forward (2026-03-29): quiet until 08:00 CEST = 06:00 UTC
    assert quiet_hours_end(account=account, moment=utc(2026, 3, 28, 22)) == utc(2026, 3, 29, 6)
    # In winter the same 08:00 is 07:00 UTC.
    assert quiet_hours_end(account=account, moment=utc(2026, 1, 10, 22)) == utc(2026, 1, 11, 7)


def test_the_next_quiet_period_starts_at_its_local_time(account, rules):
    account.time_zone = "Asia/Tokyo"
    rules.quiet_enabled = True
    rules.save()
    # 12:00 Tokyo: the next quiet period starts at 22:00 Tokyo (13:00 UTC) the same day.
    assert quiet_hours_next_start(account=account, moment=utc(2026, 5, 1, 3)) == utc(2026, 5, 1, 13)
    rules.quiet_enabled = False
    rules.save()
    assert quiet_hours_next_start(account=account, moment=utc(2026, 5, 1, 3)) is None


def test_the_cap_sums_the_messages_of_every_sender(account, rules):
    """Two messages in the window from any senders together reach a cap of 2 per 7 days."""
    now = timezone.now()
    both, one, twice, long_ago = (FriendFactory(account=account) for _n in range(4))
    sent(both, "fake_sms")
    sent(both, "fake_push")
    sent(one, "fake_sms")
    sent(twice, "fake_push", count=2)
    sent(long_ago, "fake_sms", count=3, at=now - timedelta(days=8))
    ids = [f.pk for f in (both, one, twice, long_ago)]
    with fake_senders("fake_sms", "fake_push"):
        assert frequency_capped(account=account, friend_ids=ids, now=now) == {both.pk, twice.pk}
        assert set(capped_friend_ids(account=account, now=now).values_list("pk", flat=True)) == {
            both.pk,
            twice.pk,
        }
        # Only the friends asked about are answered.
        assert frequency_capped(account=account, friend_ids=[one.pk, both.pk], now=now) == {both.pk}
        # A week later the same messages are outside the window.
        later = now + timedelta(days=8)
        assert frequency_capped(account=account, friend_ids=ids, now=later) == set()
    # Without the second sender, nobody has two messages any more but ``twice``.
    with fake_senders("fake_push"):
        assert frequency_capped(account=account, friend_ids=ids, now=now) == {twice.pk}


def test_a_single_sender_is_counted_alone(account, rules, monkeypatch):
    """With one registered sender the cap runs the ORM's own grouped query on it."""
    friend, other = FriendFactory(account=account), FriendFactory(account=account)
    sent(friend, "only", count=2)
    sent(other, "only")
    monkeypatch.setattr(registry, "_sources", {"only": event_source("only")})
    now = timezone.now()
    assert frequency_capped(account=account, friend_ids=[friend.pk, other.pk], now=now) == {
        friend.pk
    }
    assert list(
        capped_friend_ids(account=account, now=now).values_list("friend_id", flat=True)
    ) == [friend.pk]


def test_the_cap_off_or_no_sender_caps_nobody(account, rules, monkeypatch):
    friend = FriendFactory(account=account)
    sent(friend, "fake_sms", count=5)
    now = timezone.now()
    with fake_senders("fake_sms"):
        rules.cap_enabled = False
        rules.save()
        assert frequency_capped(account=account, friend_ids=[friend.pk], now=now) == set()
        assert not capped_friend_ids(account=account, now=now).exists()
    rules.cap_enabled = True
    rules.save()
    monkeypatch.setattr(registry, "_sources", {})
    assert not capped_friend_ids(account=account, now=now).exists()


def test_another_oas_messages_do_not_count(account, rules, workspace):
    other_oa = LineAccountFactory(workspace=workspace, slug="other-oa")
    mine = FriendFactory(account=account)
    theirs = FriendFactory(account=other_oa)
    sent(mine, "fake_sms")
    sent(theirs, "fake_sms", count=3)
    with fake_senders("fake_sms", "fake_push"):
        capped = frequency_capped(
            account=account, friend_ids=[mine.pk, theirs.pk], now=timezone.now()
        )
        assert capped == set()
        assert not capped_friend_ids(account=account, now=timezone.now()).exists()


def test_many_friends_are_checked_in_chunks(account, rules, monkeypatch):
    monkeypatch.setattr(sending_rules, "CAP_CHECK_CHUNK", 2)
    friends = [FriendFactory(account=account) for _n in range(5)]
    for friend in friends[::2]:
        sent(friend, "fake_sms", count=2)
    with fake_senders("fake_sms", "fake_push"):
        capped = frequency_capped(
            account=account, friend_ids=[f.pk for f in friends], now=timezone.now()
        )
    assert capped == {f.pk for f in friends[::2]}


def test_a_sender_answering_none_is_left_out(account, rules, monkeypatch):
    """A source may answer ``.none()`` (nothing it sent can count); the others still count."""
    friend = FriendFactory(account=account)
    sent(friend, "fake_sms", count=2)
    nothing = lambda account, since: event_source("fake_sms")(account, since).none()  # noqa: E731
    now = timezone.now()
    monkeypatch.setattr(registry, "_sources", {"a": nothing, "b": event_source("fake_sms")})
    assert frequency_capped(account=account, friend_ids=[friend.pk], now=now) == {friend.pk}
    monkeypatch.setattr(registry, "_sources", {"a": nothing, "b": nothing})
    assert not capped_friend_ids(account=account, now=now).exists()
