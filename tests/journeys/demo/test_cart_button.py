"""The demo button: a cart abandoned for a demo friend goes the real way (custom events, the
activity hub, the journeys trigger) and, with the demo's shortened waits, the reminder with the
cart's products is pushed about 30 seconds later."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from journeys.demo.cart import EVENT, demo_cart_abandon
from journeys.engine.runner import enrolments_advance_due
from journeys.engine.sending import journey_sends_deliver
from journeys.models import Enrolment, Journey, JourneySend, JourneyVersion
from journeys.starters import STARTERS
from oa_console.activity.draining import activity_drain
from oa_console.models import Membership
from segments.models import CustomEvent
from segments.services.sending_rules import sending_rules_get
from tests.conftest import client_for
from tests.fakes.line_sending import SendingScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)
from tests.segments.factories import FriendFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.journeys.demo.urls")]


@pytest.fixture
def demo(settings):
    """The embedded demo: DEBUG with the simulated LINE, waits as the demo shortens them."""
    settings.DEBUG = True
    settings.BROADCASTS_SIMULATED_LINE = True
    settings.JOURNEYS_WAIT_SCALE = 1 / 120


@pytest.fixture
def cart_journey(account, scope):
    graph = STARTERS["cart_abandonment"].graph()
    journey = Journey.unscoped.create(
        account=account, name="Cart", draft_graph=graph, status=Journey.Status.ACTIVE
    )
    journey.active_version = JourneyVersion.unscoped.create(
        account=account, journey=journey, number=1, graph=graph
    )
    journey.save(update_fields=["active_version"])
    return journey


@pytest.fixture
def friend(account):
    return FriendFactory(account=account, display_name="Aiko")


def _url(account) -> str:
    return reverse("journeys_demo_cart", args=[account.workspace.slug, account.slug])


def test_the_button_abandons_a_cart_and_the_reminder_goes_out(
    demo,
    settings,
    account,
    marketer,
    cart_journey,
    friend,
    fake_line,  # noqa: F811
):
    SendingScript().install(fake_line)
    activity_drain()  # the journeys' cursors start here, as on a running console
    response = client_for(marketer).post(_url(account), {"next": "/somewhere/"})
    assert response.status_code == 302 and response["Location"] == "/somewhere/"

    event = CustomEvent.unscoped.get(account=account, name=EVENT)
    assert event.friend_id == friend.pk
    items = event.properties["items"]
    assert 1 <= len(items) <= 3 and all(item["image_url"].startswith("https://") for item in items)
    assert event.properties["total"] == sum(item["price"] for item in items)

    activity_drain()  # the hub hands the event to the journeys trigger
    enrolment = Enrolment.unscoped.get(journey=cart_journey, friend=friend)
    assert enrolment.dedupe_key == event.properties["cart_id"]
    # Noon in Tokyo tomorrow, out of the OA's quiet hours (a reminder in them waits for morning).
    now = (timezone.now() + timedelta(days=1)).replace(hour=3, minute=0)
    enrolments_advance_due(now=now)
    enrolment.refresh_from_db()
    # The 1-hour wait lasts 30 seconds in the demo.
    assert enrolment.state == "waiting" and enrolment.node_id == "wait_1h"
    assert timedelta(seconds=25) <= enrolment.next_run_at - now <= timedelta(seconds=35)

    enrolments_advance_due(now=enrolment.next_run_at + timedelta(seconds=1))
    # The simulated LINE is the demo's; here the fake LINE server stands in for it.
    settings.BROADCASTS_SIMULATED_LINE = False
    # A lone friend's push goes once the multicast coalescing window (3 s) has passed.
    assert journey_sends_deliver(now=enrolment.next_run_at + timedelta(seconds=4)) == 1
    send = JourneySend.unscoped.get(enrolment=enrolment, node_id="reminder")
    assert send.status == "sent"
    (push,) = fake_line.calls("pushMessage")
    text, carousel = push.json()["messages"]
    assert push.json()["to"] == friend.line_user_id
    assert text["text"].startswith("Aiko, you left something in your cart")
    assert [
        bubble["body"]["contents"][0]["text"] for bubble in carousel["contents"]["contents"]
    ] == [item["name"] for item in items]


def test_the_events_api_takes_the_same_way(account, owner, cart_journey, friend, scope):
    import random

    from journeys.demo.cart import cart_event

    activity_drain()
    payload = cart_event(account=account, friend=friend, now=timezone.now(), rng=random.Random(1))
    client = client_for(owner)
    response = client.post(
        f"/api/v1/accounts/{account.pk}/events/",
        {"events": [payload]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 1
    activity_drain()
    enrolment = Enrolment.unscoped.get(journey=cart_journey, friend=friend)
    assert enrolment.trigger_properties["items"] == payload["properties"]["items"]


def test_a_friend_already_in_the_journey_is_not_picked_again(demo, account, cart_journey, scope):
    busy = FriendFactory(account=account, display_name="Busy")
    free = FriendFactory(account=account, display_name="Free")
    Enrolment.unscoped.create(
        account=account,
        journey=cart_journey,
        version=cart_journey.active_version,
        friend=busy,
        node_id="wait_1h",
        state="waiting",
        next_run_at=timezone.now() + timedelta(minutes=1),
        entered_at=timezone.now(),
    )
    activity_drain()
    assert demo_cart_abandon(account=account).friend == free
    activity_drain()
    # Now both are in the journey (one cart at a time each): nobody is left to pick.
    assert Enrolment.unscoped.filter(journey=cart_journey, friend=free).exists()
    outcome = demo_cart_abandon(account=account)
    assert outcome.friend is None and outcome.result is None


def test_no_button_outside_the_demo(settings, account, marketer, viewer, cart_journey, friend):
    settings.DEBUG = False
    assert client_for(marketer).post(_url(account)).status_code == 404
    assert not CustomEvent.unscoped.filter(account=account).exists()


def test_viewers_cannot_press_it(demo, account, viewer, cart_journey, friend):
    assert client_for(viewer).post(_url(account)).status_code == 403
    assert not CustomEvent.unscoped.filter(account=account).exists()


def test_the_tag_shows_the_button_only_in_the_demo_to_those_allowed(
    demo, settings, account, marketer, viewer
):
    template = Template("{% load journeys_demo %}{% journeys_demo_cart_button %}")

    def render(user) -> str:
        request = RequestFactory().get("/w/alpha/oa/alpha-tokyo/journeys/")
        request.user, request.account = user, account
        # What TenantMiddleware sets on a page request of the OA.
        request.workspace, request.tenant_scope = account.workspace, None
        request.membership = Membership.objects.for_workspace(account.workspace).get(user=user)
        return template.render(Context({"request": request}))

    assert 'data-testid="demo-cart"' in render(marketer) and _url(account) in render(marketer)
    assert render(viewer) == ""
    settings.DEBUG = False
    assert render(marketer) == ""


def _said(response) -> str:
    return " | ".join(str(message) for message in get_messages(response.wsgi_request))


def test_it_says_when_the_reminder_will_come(demo, account, marketer, cart_journey, friend):
    rules = sending_rules_get(account=account)
    rules.quiet_enabled = False
    rules.save()
    said = _said(client_for(marketer).post(_url(account)))
    assert "Aiko left" in said and "about 30 seconds" in said

    # In the OA's quiet hours the reminder waits for them to end, and the page says until when.
    local = timezone.localtime(timezone.now(), ZoneInfo(account.time_zone))
    rules.quiet_enabled = True
    rules.quiet_start = (local - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    rules.quiet_end = (local + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    rules.save()
    other = FriendFactory(account=account, display_name="Ben")
    Enrolment.unscoped.filter(friend=friend).delete()
    said = _said(client_for(marketer).post(_url(account)))
    assert "quiet hours" in said and rules.quiet_end.strftime("%H:%M") in said
    assert other.pk  # a second free friend to pick


def test_without_a_cart_journey_it_says_nothing_will_be_sent(demo, account, marketer, friend):
    said = _said(client_for(marketer).post(_url(account)))
    assert "No active journey starts on a cart_abandoned event" in said
