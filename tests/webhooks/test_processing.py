"""Processing stored events into friends, status changes and interactions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from segments.models import Friend, FriendStatusChange, Interaction
from tests.webhooks.factories import event, fixture_events, post_events, user_id
from webhooks.models import WebhookEvent
from webhooks.services import webhook_events_process_pending, webhook_events_replay

pytestmark = pytest.mark.django_db

FIXTURE_USER = "U206d25c2ea6bd87c17655609a1c37cb8"


def ms(seconds: int) -> int:
    return 1_700_000_000_000 + seconds * 1000


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(ms(seconds) / 1000, tz=UTC)


def friend(account, n: int = 1) -> Friend:
    return Friend.unscoped.get(account=account, line_user_id=user_id(n))


def snapshot(account) -> dict:
    """Everything derived for an OA, in a comparable form."""
    friends = sorted(
        Friend.unscoped.filter(account=account).values_list(
            "line_user_id",
            "status",
            "status_changed_at",
            "first_followed_at",
            "last_followed_at",
            "blocked_at",
            "times_unblocked",
            "last_interaction_at",
            "message_count",
        )
    )
    interactions = sorted(
        Interaction.unscoped.filter(account=account).values_list(
            "event_key", "kind", "friend__line_user_id", "text", "unsent_at", "edited_at"
        ),
        key=str,
    )
    changes = sorted(
        FriendStatusChange.unscoped.filter(account=account).values_list("event_key", "kind")
    )
    return {"friends": friends, "interactions": interactions, "changes": changes}


def test_every_fixture_event_type_lands_with_its_derived_rows(line_client, account, process):
    events = fixture_events()
    assert post_events(line_client, account, events).status_code == 200
    assert process() == 28
    by_type: dict[str, list[WebhookEvent]] = {}
    for row in WebhookEvent.unscoped.filter(account=account):
        by_type.setdefault(row.event_type, []).append(row)
    statuses = {t: {r.status for r in rows} for t, rows in by_type.items()}
    assert statuses.pop("undefined") == {WebhookEvent.Status.SKIPPED}
    assert set().union(*statuses.values()) == {WebhookEvent.Status.PROCESSED}

    interactions = Interaction.unscoped.filter(account=account)
    kinds = sorted(interactions.values_list("kind", flat=True))
    assert kinds == sorted(
        ["message"] * 11
        + ["postback"] * 4
        + ["beacon"] * 2
        + ["account_link", "unsend", "video_play_complete", "message_edited"]
    )
    one_to_one = interactions.filter(friend__isnull=False)
    assert {i.friend.line_user_id for i in one_to_one} == {FIXTURE_USER}
    assert sorted(
        one_to_one.filter(kind="message").values_list("message_type", flat=True)
    ) == sorted(["text", "video", "audio", "location", "sticker", "file", "image", "text"])
    text = one_to_one.filter(kind="message", message_type="text").first()
    assert text.data["quoteToken"] == "quoteToken"
    sticker = one_to_one.get(message_type="sticker")
    assert sticker.data["packageId"] == "1" and sticker.data["keywords"] == ["Love You", "Love"]
    location = one_to_one.get(message_type="location")
    assert location.data["latitude"] == pytest.approx(35.65910807942215)
    postbacks = one_to_one.filter(kind="postback")
    assert {next(iter(p.data["params"].items())) for p in postbacks} == {
        ("datetime", "2017-12-25T01:00"),
        ("date", "2013-04-01"),
        ("time", "10:00"),
        ("datetime", "2013-04-01T10:00"),
    }
    assert all(p.data["data"] == "action=buyItem&itemId=123123&color=red" for p in postbacks)
    link = one_to_one.get(kind="account_link")
    assert link.data == {"result": "ok", "nonce": "Vb771wDYtXuammLszK6h9A"}
    assert one_to_one.get(kind="video_play_complete").data == {"trackingId": "track_id"}
    assert {b.data.get("dm") for b in one_to_one.filter(kind="beacon")} == {
        None,
        "1234567890abcdef",
    }

    # Group and room events keep their ids and create no friend for the group or room.
    room_image = interactions.get(room_id="Ra8dbf4673c4c812cd491258042226c99", line_user_id="")
    assert room_image.friend is None and room_image.message_type == "image"
    group_text = interactions.get(group_id="Ca56f94637cc4347f90a25382909b24b9", kind="message")
    assert group_text.friend is None and group_text.line_user_id == FIXTURE_USER
    assert Friend.unscoped.filter(account=account).count() == 1

    # The unsend (in a group) marks message 325708 unsent wherever it was received.
    unsend_at = datetime.fromtimestamp(1547817848.122, tz=UTC)
    assert set(
        interactions.filter(kind="message", message_id="325708").values_list("unsent_at", flat=True)
    ) == {unsend_at}
    # follow (isUnblocked) then unfollow in the same millisecond: LINE's order decides.
    only = Friend.unscoped.get(account=account)
    assert only.status == Friend.Status.BLOCKED
    assert only.times_unblocked == 1
    assert (
        only.message_count == 11 - 3
    )  # the group and room messages are not the friend's 1:1 messages


def test_standby_events_are_recorded_and_marked_standby(line_client, account, process):
    events = [event("follow", mode="standby"), event("message", mode="standby")]
    post_events(line_client, account, events)
    process()
    assert set(WebhookEvent.unscoped.values_list("mode", "status")) == {("standby", "processed")}
    assert Interaction.unscoped.get(account=account).mode == "standby"
    assert FriendStatusChange.unscoped.get(account=account).mode == "standby"


def test_out_of_order_follow_after_later_block_leaves_friend_blocked(line_client, account, process):
    post_events(line_client, account, [event("unfollow", timestamp=ms(20))])
    process()
    post_events(line_client, account, [event("follow", timestamp=ms(10))])
    process()
    f = friend(account)
    assert f.status == Friend.Status.BLOCKED
    assert f.blocked_at == at(20)
    assert f.first_followed_at == f.last_followed_at == at(10)


def test_unblock_counting_and_follow_times(line_client, account, process):
    post_events(
        line_client,
        account,
        [
            event("follow", timestamp=ms(1)),
            event("unfollow", timestamp=ms(2)),
            event("follow", timestamp=ms(3), follow={"isUnblocked": True}),
            event("unfollow", timestamp=ms(4)),
            event("follow", timestamp=ms(5), follow={"isUnblocked": True}),
        ],
    )
    process()
    f = friend(account)
    assert (f.status, f.times_unblocked, f.blocked_at) == (Friend.Status.FOLLOWING, 2, None)
    assert (f.first_followed_at, f.last_followed_at, f.status_changed_at) == (at(1), at(5), at(5))


def test_message_from_unknown_user_creates_friend_with_unknown_follow_time(
    line_client, account, process
):
    post_events(line_client, account, [event("message", user=user_id(7), timestamp=ms(3))])
    process()
    f = friend(account, 7)
    assert f.status == Friend.Status.FOLLOWING
    assert f.first_followed_at is None and f.last_followed_at is None
    assert (f.message_count, f.last_interaction_at) == (1, at(3))


def test_unsend_before_its_message_still_marks_it(line_client, account, process):
    post_events(
        line_client, account, [event("unsend", timestamp=ms(9), unsend={"messageId": "555"})]
    )
    process()
    post_events(
        line_client,
        account,
        [event("message", timestamp=ms(5), message={"id": "555", "type": "text", "text": "oops"})],
    )
    process()
    message = Interaction.unscoped.get(kind="message")
    assert message.unsent_at == at(9)
    assert message.text == "oops"


def test_latest_edit_wins_whatever_the_arrival_order(line_client, account, process):
    def edit(seconds, text):
        return event(
            "messageEdited",
            timestamp=ms(seconds),
            message={"id": "77", "type": "text", "text": text},
        )

    post_events(line_client, account, [edit(30, "third")])
    process()
    post_events(
        line_client,
        account,
        [
            event(
                "message", timestamp=ms(10), message={"id": "77", "type": "text", "text": "first"}
            ),
            edit(20, "second"),
        ],
    )
    process()
    message = Interaction.unscoped.get(kind="message")
    assert (message.text, message.edited_at) == ("third", at(30))


def test_known_type_without_its_body_fails_alone(line_client, account, process):
    bad = event("postback")  # a postback without its "postback" object
    good = event("follow", user=user_id(2))
    post_events(line_client, account, [bad, good])
    process()
    rows = dict(WebhookEvent.unscoped.values_list("webhook_event_id", "status"))
    assert rows == {bad["webhookEventId"]: "failed", good["webhookEventId"]: "processed"}
    assert "postback" in WebhookEvent.unscoped.get(webhook_event_id=bad["webhookEventId"]).error
    assert friend(account, 2).status == Friend.Status.FOLLOWING


def test_processing_order_and_batch_size_do_not_change_the_result(
    line_client, account, other_account, process
):
    history = []
    for n in range(1, 6):
        history += [
            event("follow", user=user_id(n), timestamp=ms(n)),
            event("message", user=user_id(n), timestamp=ms(n + 10)),
            event("unfollow", user=user_id(n), timestamp=ms(n + 20))
            if n % 2
            else event("postback", user=user_id(n), timestamp=ms(n + 20), postback={"data": "a=1"}),
            event(
                "follow", user=user_id(n), timestamp=ms(n + 30), follow={"isUnblocked": n % 2 == 1}
            ),
        ]
    post_events(line_client, account, history)
    process()
    # The same history arriving newest first, one event per request, processed one per batch.
    for item in reversed(history):
        post_events(line_client, other_account, [item])
        webhook_events_process_pending(account_id=other_account.pk, batch_size=1)
    assert snapshot(account)["friends"] == snapshot(other_account)["friends"]
    assert friend(account, 1).times_unblocked == 1 and friend(account, 2).times_unblocked == 0


def test_reprocessing_and_replay_change_nothing(line_client, account, process):
    post_events(line_client, account, fixture_events())
    post_events(
        line_client,
        account,
        [
            event("follow", user=user_id(3), timestamp=ms(1)),
            event("message", user=user_id(3), timestamp=ms(2)),
        ],
    )
    process()
    before = snapshot(account)
    # A redelivered task finds nothing pending.
    assert process() == 0
    # Even forcing the events through again derives nothing new.
    WebhookEvent.unscoped.filter(account=account).update(status=WebhookEvent.Status.PENDING)
    assert process() == 30
    assert snapshot(account) == before
    assert webhook_events_replay(account=account) == 30
    assert snapshot(account) == before
    assert webhook_events_replay(account=account, since=at(0).date()) == 2
    assert snapshot(account) == before


def test_membership_and_group_lifecycle_events(line_client, account, process):
    group = {"type": "group", "groupId": "C" + "1" * 32}
    post_events(
        line_client,
        account,
        [
            event(
                "membership", user=user_id(4), membership={"type": "joined", "membershipId": 3189}
            ),
            event("join", source=group),
            event(
                "memberJoined",
                source=group,
                joined={"members": [{"type": "user", "userId": user_id(5)}]},
            ),
            event("leave", source=group),
        ],
    )
    process()
    assert set(WebhookEvent.unscoped.values_list("status", flat=True)) == {"processed"}
    membership = Interaction.unscoped.get(kind="membership")
    assert membership.friend.line_user_id == user_id(4)
    assert membership.data == {"type": "joined", "membershipId": 3189}
    # Group lifecycle is kept in the raw store only: no friend for the group or its members.
    assert list(Friend.unscoped.values_list("line_user_id", flat=True)) == [user_id(4)]
    assert WebhookEvent.unscoped.filter(source_group_id="C" + "1" * 32).count() == 3
