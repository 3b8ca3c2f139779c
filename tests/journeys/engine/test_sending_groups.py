"""Multicast grouping across runner batches (frozen clock): a group of one node, minute and
messages is sent once no friend has joined it for the coalescing window, once it has 500
friends, or once its minute has ended."""

from datetime import UTC, datetime, timedelta

from journeys.engine.enrol import enrolments_start_many
from journeys.engine.runner import enrolments_advance_due
from journeys.engine.sending import journey_sends_deliver, sends_wait
from journeys.models import JourneySend
from tests.fakes.line_sending import _retry_key
from tests.journeys.engine.test_sending import send_graph
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo, out of quiet hours


def reach_the_send_node(account, journey, friends, at: datetime) -> None:
    """These friends enrol and reach the send node at ``at`` (the runner's batches of 500)."""
    enrolments_start_many(
        account=account, journey=journey, friend_ids=[f.pk for f in friends], properties={}, now=at
    )
    while enrolments_advance_due(now=at):
        pass


def recipients(call) -> list[str]:
    return sorted(call.json()["to"])


def test_two_runner_batches_2_s_apart_go_as_one_multicast(
    account, make_journey, fake_line, line, settings
):
    settings.JOURNEYS_MULTICAST_WINDOW_SECONDS = 3
    journey = make_journey(send_graph("Price drop!"))
    first, second = FriendFactory.create_batch(2, account=account), [FriendFactory(account=account)]
    reach_the_send_node(account, journey, first, NOW)
    # 2 s later nobody has been quiet for 3 s: the group waits for the next batch.
    assert journey_sends_deliver(now=NOW + timedelta(seconds=2)) == 0
    reach_the_send_node(account, journey, second, NOW + timedelta(seconds=2))
    assert journey_sends_deliver(now=NOW + timedelta(seconds=4)) == 0  # 2 s since the last
    assert sends_wait(now=NOW + timedelta(seconds=4)) == 1.0
    assert journey_sends_deliver(now=NOW + timedelta(seconds=5)) == 1
    (call,) = fake_line.calls("multicast")
    assert recipients(call) == sorted(f.line_user_id for f in first + second)
    assert not fake_line.calls("pushMessage")
    rows = JourneySend.objects.for_account(account)
    assert set(rows.values_list("status", "method")) == {("sent", "multicast")}
    assert all(line.received[f.line_user_id] == 1 for f in first + second)


def test_501_friends_go_as_500_by_multicast_and_1_by_push(
    account, make_journey, fake_line, line, settings
):
    settings.JOURNEYS_MULTICAST_WINDOW_SECONDS = 3
    journey = make_journey(send_graph("Back in stock"))
    friends = FriendFactory.create_batch(501, account=account)
    reach_the_send_node(account, journey, friends, NOW)
    # A full multicast goes at once; the 501st friend waits for the window.
    assert journey_sends_deliver(now=NOW) == 1
    (call,) = fake_line.calls("multicast")
    assert len(call.json()["to"]) == 500
    assert journey_sends_deliver(now=NOW + timedelta(seconds=3)) == 1
    (push,) = fake_line.calls("pushMessage")
    assert push.json()["to"] not in call.json()["to"]
    assert sorted([*call.json()["to"], push.json()["to"]]) == sorted(
        f.line_user_id for f in friends
    )
    rows = JourneySend.objects.for_account(account)
    methods = sorted(rows.values_list("method", flat=True).distinct())
    assert (methods, rows.filter(method="push").count()) == (["multicast", "push"], 1)
    assert set(line.received.values()) == {1}


def test_different_messages_are_never_grouped(account, make_journey, fake_line, line, settings):
    settings.JOURNEYS_MULTICAST_WINDOW_SECONDS = 3
    journey = make_journey(send_graph("Hi {displayName}"))
    friends = [FriendFactory(account=account, display_name=name) for name in ("Aki", "Ben")]
    reach_the_send_node(account, journey, friends, NOW)
    assert journey_sends_deliver(now=NOW + timedelta(seconds=3)) == 2
    assert not fake_line.calls("multicast")
    texts = sorted(c.json()["messages"][0]["text"] for c in fake_line.calls("pushMessage"))
    assert texts == ["Hi Aki", "Hi Ben"]


def test_a_lone_friend_waits_the_window_then_goes_by_push(
    account, make_journey, fake_line, line, settings
):
    settings.JOURNEYS_MULTICAST_WINDOW_SECONDS = 3
    journey = make_journey(send_graph("Welcome"))
    friend = FriendFactory(account=account)
    reach_the_send_node(account, journey, [friend], NOW)
    assert journey_sends_deliver(now=NOW + timedelta(seconds=2)) == 0
    assert sends_wait(now=NOW + timedelta(seconds=2)) == 1.0
    assert not fake_line.calls("pushMessage")
    assert journey_sends_deliver(now=NOW + timedelta(seconds=3)) == 1
    (push,) = fake_line.calls("pushMessage")
    assert push.json()["to"] == friend.line_user_id
    assert JourneySend.objects.for_account(account).get().method == "push"


def test_a_group_still_growing_goes_when_its_minute_ends(
    account, make_journey, fake_line, line, settings
):
    """Friends arriving every 2 s never leave the group quiet for 3 s; nobody can join it
    after 03:00:59 (the next minute is another group), so it goes at 03:01:00."""
    settings.JOURNEYS_MULTICAST_WINDOW_SECONDS = 3
    journey = make_journey(send_graph("Flash sale"))
    friends = FriendFactory.create_batch(3, account=account)
    for seconds, friend in zip((54, 56, 58), friends, strict=True):
        reach_the_send_node(account, journey, [friend], NOW + timedelta(seconds=seconds))
        assert journey_sends_deliver(now=NOW + timedelta(seconds=seconds)) == 0
    assert journey_sends_deliver(now=NOW + timedelta(seconds=60)) == 1
    (call,) = fake_line.calls("multicast")
    assert recipients(call) == sorted(f.line_user_id for f in friends)


def test_messages_naming_the_friend_go_by_push_without_waiting_the_window(
    account, make_journey, fake_line, line, settings
):
    """No other friend's body can equal one that names its friend: it is planned as a push
    when written, with the retry key it was written with, and sent at once."""
    settings.JOURNEYS_MULTICAST_WINDOW_SECONDS = 3
    journey = make_journey(send_graph("Hi {displayName}"))
    friends = [FriendFactory(account=account, display_name=name) for name in ("Aki", "Ben")]
    reach_the_send_node(account, journey, friends, NOW)
    rows = JourneySend.objects.for_account(account)
    written = dict(rows.values_list("line_user_id", "retry_key"))
    assert set(rows.values_list("method", "next_attempt_at")) == {("push", NOW)}
    assert journey_sends_deliver(now=NOW) == 2
    pushes = fake_line.calls("pushMessage")
    assert sorted(c.json()["messages"][0]["text"] for c in pushes) == ["Hi Aki", "Hi Ben"]
    assert {c.json()["to"]: _retry_key(c) for c in pushes} == {
        user_id: str(key) for user_id, key in written.items()
    }
    assert set(rows.values_list("status", flat=True)) == {"sent"}


def test_links_tracked_per_friend_go_by_push_without_waiting_the_window(
    account, make_journey, fake_line, line, settings
):
    settings.JOURNEYS_MULTICAST_WINDOW_SECONDS = 3
    graph = send_graph("Sale https://shop.example/sale")
    graph["nodes"]["send"]["click_tracking"] = "friend"
    journey = make_journey(graph)
    friends = FriendFactory.create_batch(2, account=account)
    reach_the_send_node(account, journey, friends, NOW)
    assert journey_sends_deliver(now=NOW) == 2
    texts = {c.json()["messages"][0]["text"] for c in fake_line.calls("pushMessage")}
    assert len(texts) == 2  # each link's token names its friend
    assert not fake_line.calls("multicast")


def test_the_same_text_tracked_per_node_still_waits_for_a_multicast(
    account, make_journey, fake_line, line, settings
):
    settings.JOURNEYS_MULTICAST_WINDOW_SECONDS = 3
    journey = make_journey(send_graph("Sale https://shop.example/sale"))
    friends = FriendFactory.create_batch(2, account=account)
    reach_the_send_node(account, journey, friends, NOW)
    assert journey_sends_deliver(now=NOW) == 0
    assert journey_sends_deliver(now=NOW + timedelta(seconds=3)) == 1
    (call,) = fake_line.calls("multicast")
    assert recipients(call) == sorted(f.line_user_id for f in friends)
