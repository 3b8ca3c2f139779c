"""Tracked links in journey sends: the links of each tracking mode as sent to LINE, the click
redirect storing one click that the node's stats count and publishing its ``link_click``
activity, a link-click trigger and the welcome series' click branch reacting to a real click,
and tokens that are altered, expired or not a journey's (stored clicks after the hub's prune:
``test_click_history``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from broadcasts.messages import click_token as broadcast_click_token
from journeys.engine.enrol import enrolment_start, enrolments_start_many
from journeys.engine.links import CLICK_SALT, click_token
from journeys.engine.personalise import messages_for
from journeys.engine.runner import enrolments_advance_due
from journeys.engine.sending import journey_sends_deliver
from journeys.models import Enrolment, EnrolmentStep, JourneySend
from journeys.selectors.stats import node_stats
from journeys.starters import STARTERS
from oa_console.activity.draining import activity_drain
from oa_console.activity.models import Activity
from tests.journeys.engine.conftest import graph_with, send_graph
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo
# Sends are planned once no friend has joined their group for the coalescing window.
WINDOW = timedelta(seconds=3)
SHOP = "https://shop.example/sale"
REDIRECT = re.compile(r"https?://[^\s\"]+/r/j/[^\s\"]+")


@pytest.fixture(autouse=True)
def _tokens_signed_at_now_are_fresh(settings):
    """Sends run at the fixed ``NOW``; a click is read by the real clock, months later."""
    settings.JOURNEY_CLICK_MAX_AGE = 10 * 365 * 24 * 3600


def sent_texts(fake_line, operation: str) -> list[str]:
    return [call.json()["messages"][0]["text"] for call in fake_line.calls(operation)]


def redirect_path(text: str) -> str:
    (link,) = REDIRECT.findall(text)
    return urlsplit(link).path


def run_and_deliver(account, journey, friends, properties=None) -> None:
    enrolments_start_many(
        account=account,
        journey=journey,
        friend_ids=[friend.pk for friend in friends],
        properties=properties or {},
        now=NOW,
    )
    enrolments_advance_due(now=NOW)
    journey_sends_deliver(now=NOW + WINDOW)


def clicks(account) -> list[Activity]:
    return list(
        Activity.objects.for_account(account).filter(kind=Activity.Kind.LINK_CLICK).order_by("pk")
    )


def test_node_tracking_sends_everyone_the_same_tracked_link_in_one_multicast(
    account, make_journey, fake_line, line
):
    journey = make_journey(send_graph(f"Sale today: {SHOP}"))  # node: the default
    friends = [FriendFactory(account=account) for _ in range(3)]
    run_and_deliver(account, journey, friends)
    (text,) = sent_texts(fake_line, "multicast")
    assert SHOP not in text
    response = Client().get(redirect_path(text))
    assert (response.status_code, response["Location"]) == (302, SHOP)
    (click,) = clicks(account)
    assert click.friend_id is None
    assert click.payload == {"url": SHOP, "journey_id": journey.pk, "node_id": "send"}
    assert node_stats(account=account, journey=journey)["send"].clicks == 1


def test_friend_tracking_gives_each_friend_their_own_link_sent_by_push(
    account, make_journey, fake_line, line
):
    journey = make_journey(send_graph(f"Sale today: {SHOP}", click_tracking="friend"))
    aki, ben = FriendFactory(account=account), FriendFactory(account=account)
    run_and_deliver(account, journey, [aki, ben])
    assert not fake_line.calls("multicast")
    texts = {
        call.json()["to"]: call.json()["messages"][0]["text"]
        for call in fake_line.calls("pushMessage")
    }
    assert texts.keys() == {aki.line_user_id, ben.line_user_id}
    assert texts[aki.line_user_id] != texts[ben.line_user_id]
    assert Client().get(redirect_path(texts[ben.line_user_id]))["Location"] == SHOP
    (click,) = clicks(account)
    assert (click.friend_id, click.line_user_id) == (ben.pk, ben.line_user_id)
    assert click.payload == {"url": SHOP, "journey_id": journey.pk, "node_id": "send"}
    assert node_stats(account=account, journey=journey)["send"].clicks == 1


def test_tracking_off_sends_the_links_as_written(account, make_journey, fake_line, line):
    journey = make_journey(send_graph(f"Sale today: {SHOP}", click_tracking="off"))
    run_and_deliver(account, journey, [FriendFactory(account=account)])
    assert sent_texts(fake_line, "multicast") + sent_texts(fake_line, "pushMessage") == [
        f"Sale today: {SHOP}"
    ]


def test_a_link_from_the_event_is_tracked_to_the_friends_own_destination(
    account, make_journey, fake_line, line
):
    graph = send_graph("Your cart: {event.checkout_url}", click_tracking="friend")
    graph["trigger"]["properties"] = ["checkout_url"]
    journey = make_journey(graph)
    friend = FriendFactory(account=account)
    cart = "https://shop.example/cart/C7"
    run_and_deliver(account, journey, [friend], {"checkout_url": cart})
    (text,) = sent_texts(fake_line, "pushMessage")
    assert Client().get(redirect_path(text))["Location"] == cart
    assert clicks(account)[0].payload["url"] == cart


def test_the_send_row_keeps_the_tracked_body_and_a_minute_gives_one_body():
    node = {"type": "send", "messages": [{"type": "text", "text": f"Go {SHOP}"}]}
    build = {"display_name": "", "properties": {}, "journey_id": 7, "node_id": "send"}
    first = messages_for(node, friend_id=1, signed_at=NOW, **build)
    later = messages_for(node, friend_id=2, signed_at=NOW + timedelta(seconds=59), **build)
    assert first == later  # node tracking: one body for every friend of the minute
    assert SHOP not in first[0]["text"]
    per_friend = {**node, "click_tracking": "friend"}
    mine = messages_for(per_friend, friend_id=1, signed_at=NOW, **build)
    theirs = messages_for(per_friend, friend_id=2, signed_at=NOW, **build)
    assert mine != theirs
    assert messages_for(per_friend, friend_id=1, signed_at=NOW, **build) == mine
    # Without a journey (a preview), links stay as written.
    assert messages_for(node, display_name="", properties={})[0]["text"] == f"Go {SHOP}"


def test_a_retried_send_repeats_the_stored_body(account, make_journey, fake_line, line):
    journey = make_journey(send_graph(f"Sale today: {SHOP}", click_tracking="friend"))
    friend = FriendFactory(account=account)
    enrolment_start(account=account, journey=journey, friend=friend, properties={}, now=NOW)
    enrolments_advance_due(now=NOW)
    row = JourneySend.objects.for_account(account).get()
    fake_line.fail_next("pushMessage", status=500)
    journey_sends_deliver(now=NOW + WINDOW)
    journey_sends_deliver(now=NOW + timedelta(minutes=5))
    bodies = [call.json()["messages"] for call in fake_line.calls("pushMessage")]
    assert len(bodies) == 2
    assert bodies[0] == bodies[1] == row.messages


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps([1, "send", SHOP, 0], salt="another-salt", compress=True),
    ],
)
def test_an_unknown_token_redirects_nowhere(account, token):
    response = Client().get(f"/r/j/{token}")
    assert response.status_code == 404
    assert "Location" not in response
    assert "know this link" in response.content.decode()
    assert not clicks(account)


def test_a_tampered_token_redirects_nowhere(account, make_journey):
    journey = make_journey(send_graph(f"Go {SHOP}"))
    token = click_token(
        journey_id=journey.pk, node_id="send", url=SHOP, friend_id=None, signed_at=NOW.timestamp()
    )
    forged = token.replace(token[5], "A" if token[5] != "A" else "B", 1)
    assert Client().get(f"/r/j/{forged}").status_code == 404
    assert Client().get(f"/r/j/{token}").status_code == 302
    assert len(clicks(account)) == 1


def test_an_expired_token_shows_the_expired_page(account, make_journey, settings):
    journey = make_journey(send_graph(f"Go {SHOP}"))
    settings.JOURNEY_CLICK_MAX_AGE = 3600
    old = (timezone.now() - timedelta(hours=2)).timestamp()
    token = click_token(
        journey_id=journey.pk, node_id="send", url=SHOP, friend_id=None, signed_at=old
    )
    response = Client().get(f"/r/j/{token}")
    assert response.status_code == 410
    assert "Location" not in response
    assert not clicks(account)


def test_a_token_of_no_journey_or_no_web_link_redirects_nowhere(account, make_journey):
    journey = make_journey(send_graph(f"Go {SHOP}"))
    at = NOW.timestamp()
    gone = click_token(journey_id=10**9, node_id="send", url=SHOP, friend_id=None, signed_at=at)
    evil = signing.dumps([journey.pk, "send", "javascript:alert(1)", 0], salt=CLICK_SALT)
    for token in (gone, evil):
        assert Client().get(f"/r/j/{token}").status_code == 404
    assert not clicks(account)


def test_a_broadcast_token_is_not_a_journey_token_and_back(account, make_journey):
    journey = make_journey(send_graph(f"Go {SHOP}"))
    broadcast = broadcast_click_token(broadcast_id=journey.pk, url_index=0, friend_id=None)
    assert Client().get(f"/r/j/{broadcast}").status_code == 404
    ours = click_token(
        journey_id=journey.pk, node_id="send", url=SHOP, friend_id=None, signed_at=NOW.timestamp()
    )
    assert Client().get(f"/r/{ours}").status_code == 404


def test_a_click_enrols_into_a_link_click_journey(account, make_journey, fake_line, line):
    journey = make_journey(send_graph(f"Sale today: {SHOP}", click_tracking="friend"))
    follow_up = make_journey(
        graph_with(trigger={"kind": "link_click", "url_prefix": "https://shop.example/"}),
        name="Clicked the sale",
    )
    friend = FriendFactory(account=account)
    run_and_deliver(account, journey, [friend])
    (text,) = sent_texts(fake_line, "pushMessage")
    Client().get(redirect_path(text))
    activity_drain()
    enrolment = Enrolment.objects.for_account(account).get(journey=follow_up)
    assert (enrolment.friend_id, enrolment.trigger_properties) == (friend.pk, {"url": SHOP})


def test_the_welcome_series_branches_on_a_real_click(account, make_journey, fake_line, line):
    """End to end: enrol two new friends, send day 0, one of them clicks the link in the
    message they received, and on day 3 the branch sends them different messages."""
    journey = make_journey(STARTERS["welcome_series"].graph("en"))
    clicker, other = FriendFactory(account=account), FriendFactory(account=account)
    start = NOW  # outside the OA's quiet hours; the click comes later, by the real clock
    for friend in (clicker, other):
        enrolment_start(account=account, journey=journey, friend=friend, properties={}, now=start)
    enrolments_advance_due(now=start)
    journey_sends_deliver(now=start + WINDOW)
    day_0 = {
        call.json()["to"]: call.json()["messages"][0]["text"]
        for call in fake_line.calls("pushMessage")
    }
    assert Client().get(redirect_path(day_0[clicker.line_user_id])).status_code == 302
    enrolments_advance_due(now=start + timedelta(days=3, minutes=1))
    passed = dict(
        EnrolmentStep.objects.for_account(account)
        .filter(node_id="engaged", kind="passed")
        .values_list("friend_id", "outlet")
    )
    assert passed == {clicker.pk: "yes", other.pk: "no"}
    sent = dict(
        JourneySend.objects.for_account(account)
        .exclude(node_id="day_0")
        .values_list("friend_id", "node_id")
    )
    assert sent == {clicker.pk: "day_3_engaged", other.pk: "day_3_nudge"}
