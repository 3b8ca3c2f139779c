"""Click attribution: per friend (push, each token names the friend) or per link (multicast,
LINE broadcast, narrowcast), A/B tests by multicast per arm when they need no per-friend
message, and the estimate's method and sending time. Every send goes through the fake LINE
server, which validates each request against LINE's spec."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.utils import timezone

from broadcasts.models.batch import BroadcastBatch
from broadcasts.models.broadcast import Broadcast
from broadcasts.models.click import Click
from broadcasts.models.delivery import Delivery, HeldBack
from broadcasts.models.variant import BroadcastVariant
from broadcasts.services import planning, sending
from broadcasts.services.sending import rounds
from broadcasts.variant_selectors import broadcast_variant_results
from segments.models.friends import Friend
from segments.models.segments import Segment
from segments.selectors.segments import segment_friends
from tests.broadcasts.api.test_broadcasts import api, url
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends
from tests.broadcasts.services.test_variants import ab_broadcast, arm
from tests.broadcasts.test_sending import run_to_end
from tests.broadcasts.views.test_pages import composer_data, page
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Status = Broadcast.Status
Kind = Broadcast.AudienceKind
FRIEND, LINK = Broadcast.ClickAttribution.FRIEND, Broadcast.ClickAttribution.LINK
LINKED = [{"type": "text", "text": "Sale today https://shop.example/sale"}]
PLAIN = [{"type": "text", "text": "Sale today, see you in store"}]
REDIRECT = re.compile(r"https?://[^\s]+/r/[^\s]+")


def redirects_in(body: dict) -> list[str]:
    return REDIRECT.findall(" ".join(m.get("text", "") for m in body["messages"]))


def click(link: str) -> str:
    """Open a tracked link as a friend would: the console's redirect, then the real URL."""
    response = Client().get(urlparse(link).path)
    assert response.status_code == 302
    return response["Location"]


def segment_send(
    account, *, messages=LINKED, click_attribution=FRIEND, status=Status.SCHEDULED
) -> Broadcast:
    segment = Segment.unscoped.filter(account=account).first() or everyone_segment(account)
    return make_broadcast(
        account,
        messages=messages,
        audience_kind=Kind.SEGMENT,
        segment=segment,
        status=status,
        click_attribution=click_attribution,
    )


def test_per_friend_sends_a_segment_by_push_and_each_click_names_the_friend(account, rules, line):
    friends = make_friends(account, 3)
    broadcast = run_to_end(segment_send(account))
    assert (broadcast.status, broadcast.method, broadcast.recipients) == (Status.SENT, "push", 3)
    assert not line.server.calls("multicast")
    pushes = [call.json() for call in line.server.calls("pushMessage")]
    assert sorted(p["to"] for p in pushes) == sorted(f.line_user_id for f in friends)
    by_user = {f.line_user_id: f for f in friends}
    links = {p["to"]: redirects_in(p) for p in pushes}
    assert all(len(found) == 1 for found in links.values())
    assert len({found[0] for found in links.values()}) == 3  # a token of its own per friend
    clicker = friends[1]
    assert click(links[clicker.line_user_id][0]) == "https://shop.example/sale"
    recorded = Click.unscoped.get()
    assert (recorded.broadcast_id, recorded.friend_id, recorded.url) == (
        broadcast.pk,
        by_user[clicker.line_user_id].pk,
        "https://shop.example/sale",
    )
    # The segments "clicked" field now finds that friend, and only them.
    clicked = segment_friends(
        account=account,
        rules={"all": [{"field": "clicked", "op": "did", "value": {}}]},
        now=timezone.now(),
    )
    assert list(clicked.values_list("pk", flat=True)) == [clicker.pk]


def test_per_link_sends_a_segment_by_multicast_and_clicks_name_no_friend(account, rules, line):
    make_friends(account, 3)
    broadcast = run_to_end(segment_send(account, click_attribution=LINK))
    assert (broadcast.method, broadcast.recipients) == ("multicast", 3)
    assert not line.server.calls("pushMessage")
    (call,) = line.server.calls("multicast")
    (link,) = redirects_in(call.json())
    click(link)
    assert Click.unscoped.get().friend_id is None


@pytest.mark.parametrize(
    ("messages", "track_clicks"), [(PLAIN, True), (LINKED, False)], ids=["no-link", "untracked"]
)
def test_without_a_tracked_link_the_choice_changes_nothing(
    account, rules, line, messages, track_clicks
):
    friends = make_friends(account, 4)
    broadcast = segment_send(account, messages=messages)
    Broadcast.unscoped.filter(pk=broadcast.pk).update(track_clicks=track_clicks)
    broadcast = run_to_end(broadcast)
    assert (broadcast.click_attribution, broadcast.method) == (FRIEND, "multicast")
    assert not line.server.calls("pushMessage")
    (call,) = line.server.calls("multicast")
    assert sorted(call.json()["to"]) == sorted(f.line_user_id for f in friends)
    assert not redirects_in(call.json())


def _received_one_this_week(account, friends: list[Friend]) -> None:
    earlier = make_broadcast(account, messages=PLAIN, status=Status.SCHEDULED)
    Broadcast.unscoped.filter(pk=earlier.pk).update(status=Status.SENT)
    BroadcastBatch.unscoped.create(
        account=account,
        broadcast=earlier,
        sequence=0,
        method="multicast",
        status="accepted",
        sent_at=timezone.now() - timedelta(days=1),
        friend_ids=[f.pk for f in friends],
        line_user_ids=[f.line_user_id for f in friends],
    )


def test_all_friends_per_friend_pushes_to_every_following_friend_once_minus_the_capped(
    account, rules, line
):
    capped = make_friends(account, 5)
    sendable = make_friends(account, 7, start=100)
    blocked = make_friends(account, 2, start=200)
    Friend.unscoped.filter(pk__in=[f.pk for f in blocked]).update(status=Friend.Status.BLOCKED)
    rules.cap_messages = 1
    rules.save()
    _received_one_this_week(account, capped)
    estimate = planning.broadcast_estimate(
        broadcast=make_broadcast(account, messages=LINKED, click_attribution=FRIEND)
    )
    assert (estimate.method, estimate.to_send, estimate.excluded_by_cap) == ("push", 7, 5)

    broadcast = run_to_end(
        make_broadcast(account, messages=LINKED, status=Status.SCHEDULED, click_attribution=FRIEND)
    )
    assert (broadcast.status, broadcast.method, broadcast.recipients) == (Status.SENT, "push", 7)
    assert broadcast.excluded_by_cap == 5
    assert not line.server.calls("broadcast") and not line.server.calls("narrowcast")
    pushes = [call.json()["to"] for call in line.server.calls("pushMessage")]
    assert Counter(pushes) == Counter({f.line_user_id: 1 for f in sendable})  # none twice
    held = HeldBack.unscoped.filter(broadcast=broadcast).values_list("friend_id", "reason")
    assert sorted(held) == sorted((f.pk, HeldBack.Reason.CAP) for f in capped)
    # Deliveries feed the frequency cap and "received_broadcast": exactly the 7 pushed.
    assert sorted(
        Delivery.unscoped.filter(broadcast=broadcast).values_list("friend_id", flat=True)
    ) == sorted(f.pk for f in sendable)
    received = segment_friends(
        account=account,
        rules={
            "all": [
                {
                    "field": "received_broadcast",
                    "op": "did",
                    "value": {"broadcast_ids": [broadcast.pk]},
                }
            ]
        },
        now=timezone.now(),
    )
    assert sorted(received.values_list("pk", flat=True)) == sorted(f.pk for f in sendable)
    # The next all-friends send sees every friend capped now: nobody left, LINE is not called.
    following = planning.broadcast_estimate(broadcast=make_broadcast(account, messages=LINKED))
    assert following.to_send == 0 and not following.can_send


def test_all_friends_per_link_stays_a_line_broadcast(account, rules, line):
    make_friends(account, 4)
    broadcast = run_to_end(
        make_broadcast(account, messages=LINKED, status=Status.SCHEDULED, click_attribution=LINK)
    )
    assert (broadcast.method, broadcast.status) == ("broadcast", Status.SENT)
    assert len(line.server.calls("broadcast")) == 1 and not line.server.calls("pushMessage")


def test_all_friends_by_push_stops_at_quiet_hours_and_resumes_without_duplicates(
    account, rules, line, monkeypatch
):
    # Pushes are claimed and sent a few at a time; quiet hours are checked before each claim.
    monkeypatch.setattr(rounds, "PUSH_CLAIM", 2)
    account.time_zone = "Asia/Tokyo"
    account.save()
    rules.quiet_enabled = True
    rules.save()
    friends = make_friends(account, 4)
    evening = datetime(2026, 5, 1, 12, 59, 50, tzinfo=UTC)  # 21:59:50 in Tokyo
    broadcast = make_broadcast(
        account, messages=LINKED, status=Status.SCHEDULED, send_at=evening, click_attribution=FRIEND
    )
    assert sending.broadcast_start(broadcast_id=broadcast.pk, now=evening)
    clock = {"now": evening}

    def quiet_hours_begin(accepted) -> None:
        clock["now"] = datetime(2026, 5, 1, 13, 0, 1, tzinfo=UTC)

    line.on_accept = quiet_hours_begin
    sending.broadcast_send(broadcast_id=broadcast.pk, now=lambda: clock["now"])
    line.on_accept = None
    # The claim in flight when quiet hours began is finished; the rest waits for the morning.
    assert len(line.server.calls("pushMessage")) == 2
    morning = datetime(2026, 5, 1, 23, 0, 5, tzinfo=UTC)
    for _round in range(3):
        sending.broadcast_send(broadcast_id=broadcast.pk, now=lambda: morning)
    broadcast.refresh_from_db()
    assert broadcast.status == Status.SENT
    pushes = Counter(call.json()["to"] for call in line.server.calls("pushMessage"))
    assert pushes == Counter({f.line_user_id: 1 for f in friends})


def test_a_demographic_audience_is_always_per_link(account, rules, line):
    make_friends(account, 120)
    broadcast = make_broadcast(
        account,
        messages=LINKED,
        audience_kind=Kind.DEMOGRAPHIC,
        demographic={"type": "age", "gte": "age_20", "lt": "age_40"},
        status=Status.SCHEDULED,
        click_attribution=FRIEND,
    )
    estimate = planning.broadcast_estimate(broadcast=broadcast)
    assert (estimate.method, estimate.clicks_per_friend) == ("narrowcast", False)
    assert any("demographic audience" in note for note in estimate.notes)
    broadcast = run_to_end(broadcast)
    assert broadcast.method == "narrowcast"
    assert len(line.server.calls("narrowcast")) == 1 and not line.server.calls("pushMessage")


def test_an_ab_test_without_links_goes_by_multicast_per_arm(account, rules, line, scope):
    friends = make_friends(account, 1300)
    broadcast = ab_broadcast(account, [arm("A", "Plain A", 60), arm("B", "Plain B", 40)])
    estimate = planning.broadcast_estimate(broadcast=broadcast)
    assert (estimate.method, estimate.requests) == ("multicast", 2 + 2)  # 780 A, 520 B
    broadcast = run_to_end(broadcast)
    assert (broadcast.status, broadcast.method, broadcast.recipients) == (
        Status.SENT,
        "multicast",
        1300,
    )
    assert not line.server.calls("pushMessage")
    a, b = BroadcastVariant.unscoped.filter(broadcast=broadcast).order_by("position")
    arm_of = {
        f.line_user_id: variant
        for f in friends
        for variant in Delivery.unscoped.filter(broadcast=broadcast, friend=f).values_list(
            "variant_id", flat=True
        )
    }
    text_of = {a.pk: "Plain A", b.pk: "Plain B"}
    per_arm: Counter = Counter()
    for call in line.server.calls("multicast"):
        body = call.json()
        assert 1 <= len(body["to"]) <= 500
        arms = {arm_of[user] for user in body["to"]}
        assert len(arms) == 1  # a batch never mixes arms
        (variant,) = arms
        assert body["messages"][0]["text"] == text_of[variant]  # the arm's own message
        per_arm[variant] += len(body["to"])
    assert sum(per_arm.values()) == 1300 and set(line.received.values()) == {1}
    results = broadcast_variant_results(broadcast=broadcast)
    assert {row.variant.pk: row.delivered for row in results.rows} == dict(per_arm)
    assert results.leader is None and "no tracked links" in results.verdict


def test_an_ab_test_with_tracked_links_stays_per_friend_even_per_link(account, rules, line):
    friends = make_friends(account, 20)
    broadcast = ab_broadcast(
        account, [arm("A", "A https://shop.example/a"), arm("B", "B https://shop.example/b")]
    )
    Broadcast.unscoped.filter(pk=broadcast.pk).update(click_attribution=LINK)
    broadcast.refresh_from_db()
    assert planning.broadcast_estimate(broadcast=broadcast).per_friend == "ab_clicks"
    broadcast = run_to_end(broadcast)
    assert (broadcast.method, broadcast.recipients) == ("push", 20)
    assert not line.server.calls("multicast")
    push = line.server.calls("pushMessage")[0].json()
    click(redirects_in(push)[0])
    recorded = Click.unscoped.get()
    friend = next(f for f in friends if f.line_user_id == push["to"])
    delivery = Delivery.unscoped.get(broadcast=broadcast, friend=friend)
    assert (recorded.friend_id, recorded.variant_id) == (friend.pk, delivery.variant_id)
    row = next(
        r
        for r in broadcast_variant_results(broadcast=broadcast).rows
        if r.variant.pk == delivery.variant_id
    )
    assert row.unique_clicks == 1


def test_the_estimate_shows_the_method_and_the_sending_time(account, rules, marketer):
    make_friends(account, 3000)
    per_friend = segment_send(account, status=Status.DRAFT)
    estimate = planning.broadcast_estimate(broadcast=per_friend)
    assert (estimate.method, estimate.requests, estimate.duration_seconds) == ("push", 3000, 1.5)
    assert estimate.clicks_per_friend
    (note,) = [n for n in estimate.notes if "each click names the friend" in n]
    assert "one friend at a time" in note and "about 2 s" in note
    per_link = segment_send(account, status=Status.DRAFT, click_attribution=LINK)
    estimate = planning.broadcast_estimate(broadcast=per_link)
    assert (estimate.method, estimate.requests, estimate.duration_seconds) == (
        "multicast",
        6,
        6 / 200,
    )
    assert not estimate.clicks_per_friend

    body = (
        client_for(marketer)
        .get(page(account, "broadcast_detail", per_friend.pk) + "?panel=cost")
        .content.decode()
    )
    assert re.search(r'data-testid="method">Push per friend<', body)
    assert re.search(r'data-testid="duration">about 2 s<', body)
    assert re.search(r'data-testid="clicks-counted">per friend<', body)
    assert "each click names the friend; sent one friend at a time" in body
    data = api(marketer).get(url(account, "api_broadcast_estimate", per_friend)).json()
    assert (data["method"], data["requests"], data["duration_seconds"]) == ("push", 3000, 1.5)
    assert data["clicks_per_friend"] is True


def test_the_api_accepts_returns_and_checks_click_attribution(account, marketer):
    segment = everyone_segment(account)
    body = {"name": "Sale", "messages": LINKED, "audience": {"segment": segment.pk}}
    client = api(marketer)
    created = client.post(url(account), body, format="json")
    assert created.status_code == 201 and created.json()["click_attribution"] == "friend"
    changed = client.put(
        url(account, "api_broadcast_detail", created.json()["id"]),
        {**body, "click_attribution": "link"},
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["click_attribution"] == "link"
    assert Broadcast.unscoped.get(pk=created.json()["id"]).click_attribution == LINK
    refused = client.post(url(account), {**body, "click_attribution": "both"}, format="json")
    assert refused.status_code == 400
    fields = refused.json()["error"]["fields"]
    assert (
        list(fields) == ["click_attribution"]
        and "not a valid choice" in fields["click_attribution"][0]
    )


def test_the_composer_offers_click_attribution_and_saves_it(account, marketer):
    client = client_for(marketer)
    body = client.get(page(account, "broadcast_new")).content.decode()
    assert 'name="click_attribution" value="friend"' in body
    assert 'name="click_attribution" value="link"' in body
    assert "LINE demographic audiences are always per link" in body
    response = client.post(
        page(account, "broadcast_new"),
        composer_data(bubble_1_text="Sale https://shop.example/sale", click_attribution="link"),
    )
    assert response.status_code == 302
    saved = Broadcast.unscoped.get(account=account)
    assert saved.click_attribution == LINK
    edit = client.get(page(account, "broadcast_edit", saved.pk)).content.decode()
    assert re.search(r'name="click_attribution" value="link"[^>]*checked', edit)
    refused = client.post(
        page(account, "broadcast_new"), composer_data(name="Other", click_attribution="both")
    )
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()
    assert 'id="id_click_attribution_error"' in refused.content.decode()
