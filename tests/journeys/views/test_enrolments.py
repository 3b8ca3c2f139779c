"""A journey's enrolments: friend links, filters by friend and state, pages, empty states."""

from __future__ import annotations

import pytest

from tests.conftest import client_for
from tests.journeys.journey_rows import enrol, make_journey
from tests.journeys.views.helpers import url
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(account):
    return make_journey(account, status="active")


def test_rows_show_state_and_step_and_link_the_friend(viewer, account, journey):
    friend = FriendFactory(account=account, display_name="Aiko")
    enrol(journey, friend=friend, node_id="wait_24h", state="waiting")
    page = client_for(viewer).get(url("journey_enrolments", account, journey.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('data-testid="enrolment-row"') == 1
    assert url("friend_detail", account, friend.line_user_id) in body
    assert "Waiting" in body
    assert "24 hours" in body  # the node's label, not its id


def test_an_ended_row_says_why_in_words(viewer, account, journey):
    enrol(journey, FriendFactory(account=account), state="exited", exit_reason="goal")
    enrol(journey, FriendFactory(account=account), state="completed", exit_reason="exit_node")
    enrol(journey, FriendFactory(account=account), state="failed", exit_reason="some_new_code")
    body = client_for(viewer).get(url("journey_enrolments", account, journey.pk)).content.decode()
    assert "Reached the goal" in body
    assert "Reached the end of the journey" in body
    assert body.count('data-testid="ended-why"') == 2  # an unknown code is not shown raw
    assert "exit_node" not in body and "some_new_code" not in body


def test_filters_by_name_member_id_and_state(viewer, account, journey):
    aiko = FriendFactory(account=account, display_name="Aiko", member_id="M-100")
    ben = FriendFactory(account=account, display_name="Ben")
    enrol(journey, friend=aiko)
    enrol(journey, friend=ben, state="completed")
    client = client_for(viewer)

    def names(**query):
        body = client.get(url("journey_enrolments", account, journey.pk), query).content.decode()
        return {n for n in ("Aiko", "Ben") if f">{n}</a>" in body}

    assert names() == {"Aiko", "Ben"}
    assert names(friend="aik") == {"Aiko"}
    assert names(friend="M-100") == {"Aiko"}
    assert names(state="completed") == {"Ben"}
    assert names(friend="Aiko", state="completed") == set()


def test_htmx_gets_the_rows_only(viewer, account, journey):
    enrol(journey, friend=FriendFactory(account=account, display_name="Aiko"))
    response = client_for(viewer).get(
        url("journey_enrolments", account, journey.pk),
        {"friend": "Aiko"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="enrolment-rows",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="enrolment-rows">')
    assert "<html" not in body


def test_pages_keep_the_filters(viewer, account, journey):
    for friend in FriendFactory.create_batch(27, account=account):
        enrol(journey, friend=friend)
    client = client_for(viewer)
    first = client.get(url("journey_enrolments", account, journey.pk), {"state": "waiting"})
    body = first.content.decode()
    assert body.count('data-testid="enrolment-row"') == 25
    assert "?state=waiting&amp;page=2" in body
    second = client.get(
        url("journey_enrolments", account, journey.pk), {"state": "waiting", "page": 2}
    )
    assert second.content.decode().count('data-testid="enrolment-row"') == 2


def test_empty_states(viewer, account, journey):
    client = client_for(viewer)
    empty = client.get(url("journey_enrolments", account, journey.pk)).content.decode()
    assert "Nobody has entered yet" in empty
    enrol(journey, friend=FriendFactory(account=account))
    none = client.get(url("journey_enrolments", account, journey.pk), {"state": "failed"})
    assert 'data-testid="enrolments-none-match"' in none.content.decode()
