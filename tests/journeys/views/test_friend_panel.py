"""The "Journeys" panel of a friend's page, added through segments' friend-panel registry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from journeys.views.friend_panel import register_friend_panel
from segments.registries import friend_panels
from tests.conftest import client_for
from tests.journeys.journey_rows import enrol, make_journey, step
from tests.journeys.views.helpers import url
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _panel():
    """What journeys' AppConfig.ready() does; restored afterwards."""
    saved = dict(friend_panels._panels)
    register_friend_panel()
    yield
    friend_panels._panels.clear()
    friend_panels._panels.update(saved)


def test_the_friend_page_shows_each_journey_step_in_words(viewer, account):
    journey = make_journey(account, "Cart rescue", status="active")
    friend = FriendFactory(account=account, display_name="Aiko")
    enrolment = enrol(journey, friend=friend, node_id="wait_24h")
    step(enrolment, "", "enrolled")
    step(enrolment, "reminder", "entered")
    step(enrolment, "reminder", "sent")
    page = client_for(viewer).get(url("friend_detail", account, friend.line_user_id))
    body = page.content.decode()
    panel = body.split('data-testid="friend-journeys"')[1].split("</section>")[0]
    assert url("journey_detail", account, journey.pk) in panel
    assert "Cart rescue" in panel
    assert panel.count('data-testid="friend-journey-step"') == 3
    assert "Sent: Cart reminder" in panel
    assert "Enrolled" in panel


def test_a_fork_says_which_path_the_friend_took(viewer, account):
    journey = make_journey(account, "Welcome", status="active", starter="welcome_series")
    friend = FriendFactory(account=account)
    step(enrol(journey, friend=friend, node_id="day_3_nudge"), "engaged", "passed", "no")
    body = client_for(viewer).get(url("friend_detail", account, friend.line_user_id))
    panel = body.content.decode().split('data-testid="friend-journeys"')[1]
    assert "Passed on: Clicked the welcome?" in panel
    assert "path: No" in panel


def test_a_friend_in_no_journey_gets_an_empty_panel(viewer, account):
    friend = FriendFactory(account=account)
    body = client_for(viewer).get(url("friend_detail", account, friend.line_user_id))
    assert 'data-testid="friend-journeys-empty"' in body.content.decode()


def test_another_friends_steps_never_show(viewer, account):
    journey = make_journey(account, "Cart rescue", status="active")
    friend, other = FriendFactory.create_batch(2, account=account)
    step(enrol(journey, friend=other), "", "enrolled")
    body = client_for(viewer).get(url("friend_detail", account, friend.line_user_id))
    assert "Cart rescue" not in body.content.decode()


def test_registry_skips_empty_panels_and_keeps_order():
    friend_panels._panels.clear()
    friend_panels.register_friend_panel("a_first", lambda request, friend: "<p>first</p>")
    friend_panels.register_friend_panel("z_empty", lambda request, friend: "  ")
    friend_panels.register_friend_panel("z_other", lambda request, friend: "<p>other</p>")
    assert friend_panels.friend_panels_render(None, None) == ["<p>first</p>", "<p>other</p>"]


def test_a_friend_in_many_journeys_gets_the_runs_page_by_page(viewer, account):
    """Five runs a page, newest first, with the panel's own page parameter: the friend
    page's other query parameters stay."""
    journey = make_journey(account, "Cart rescue", status="active")
    friend = FriendFactory(account=account)
    for hour in range(7):
        enrolment = enrol(journey, friend=friend, state="completed")
        step(enrolment, "", "enrolled", at=timezone.now() - timedelta(hours=hour))
    address = url("friend_detail", account, friend.line_user_id)
    first = client_for(viewer).get(address, {"tab": "x"}).content.decode()
    panel = first.split('data-testid="friend-journeys"')[1].split("</section>")[0]
    assert panel.count('data-testid="friend-journey"') == 5
    assert "Page 1 of 2" in panel
    assert 'href="?tab=x&amp;journeys_page=2#friend-journeys"' in panel
    second = client_for(viewer).get(address, {"journeys_page": "2"}).content.decode()
    panel = second.split('data-testid="friend-journeys"')[1].split("</section>")[0]
    assert panel.count('data-testid="friend-journey"') == 2
    assert "Page 2 of 2" in panel
