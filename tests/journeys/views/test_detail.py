"""A journey's page: figures, the flow with each node's figures, the funnel and its CSV, split
arms against the control in words, the actions each role sees."""

from __future__ import annotations

import csv
import io

import pytest

from journeys.models import Journey
from tests.conftest import client_for
from tests.journeys.journey_rows import convert, enrol, make_journey, send, step
from tests.journeys.views.helpers import url
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(account):
    """Three friends: one waits for the reminder, two got it; one of those bought for 1,200."""
    journey = make_journey(account, status="active")
    friends = FriendFactory.create_batch(3, account=account)
    enrol(journey, friend=friends[0], node_id="wait_1h")
    for friend in friends[1:]:
        enrolment = enrol(journey, friend=friend, node_id="wait_24h")
        step(enrolment, "wait_1h", "entered")
        step(enrolment, "reminder", "entered")
        last_send = send(enrolment)
    convert(enrolment, revenue="1200", last_send=last_send)
    return journey


def test_summary_flow_and_node_figures(viewer, account, journey):
    page = client_for(viewer).get(url("journey_detail", account, journey.pk))
    body = page.content.decode()
    assert page.status_code == 200
    summary = body.split('data-testid="journey-summary"')[1].split("</dl>")[0]
    assert "<dd>3</dd>" in summary  # enrolled and in flight
    assert "<dd>1,200</dd>" in summary
    reminder = body.split('id="flow-node-reminder"')[1].split("</article>")[0]
    assert "Sent</dt><dd>2</dd>" in reminder
    assert "Delivered</dt><dd>2</dd>" in reminder
    assert "Conversions</dt><dd>1</dd>" in reminder
    waiting = body.split('id="flow-node-wait_1h"')[1].split("</article>")[0]
    assert "Waiting now</dt><dd>1</dd>" in waiting


def test_funnel_chart_and_its_csv_hold_the_same_numbers(viewer, account, journey):
    client = client_for(viewer)
    body = client.get(url("journey_detail", account, journey.pk)).content.decode()
    # The chart's box is markup the page draws into, not text shown escaped.
    assert '<div id="journey-funnel-chart" class="plotly-chart"' in body
    assert "&lt;div" not in body
    assert 'data-testid="funnel-csv"' in body
    response = client.get(url("journey_detail", account, journey.pk), {"download": "funnel.csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0] == ["step", "label", "friends", "percent_of_enrolled"]
    assert [row[0] for row in rows[1:]] == ["enrolled", "reminder", "coupon", "converted"]
    assert [row[2] for row in rows[1:]] == ["3", "2", "0", "1"]
    assert rows[2][3] == "66.7"


def test_a_journey_nobody_entered_says_the_funnel_fills_in_later(viewer, account):
    journey = make_journey(account)
    body = client_for(viewer).get(url("journey_detail", account, journey.pk)).content.decode()
    assert "The funnel fills in as friends enter the journey." in body
    assert 'data-testid="journey-arms"' not in body


def test_split_arms_are_compared_with_the_control_in_words(viewer, account):
    journey = make_journey(account, status="active")
    for arm, converted in (("control", 10), ("coupon", 40)):
        for number in range(100):
            enrolment = enrol(
                journey, friend=FriendFactory(account=account), arm=arm, state="completed"
            )
            if number < converted:
                convert(enrolment, revenue="100")
    body = client_for(viewer).get(url("journey_detail", account, journey.pk)).content.decode()
    arms = body.split('data-testid="journey-arms"')[1].split("</section>")[0]
    assert "10 of 100 friends converted (10.0 %" in arms
    assert "40 of 100 friends converted (40.0 %" in arms
    assert "Converts 30.0 points more than the control" in arms
    assert "a clear improvement" in arms


@pytest.mark.parametrize(
    ("role", "status", "shown", "hidden"),
    [
        ("viewer", "draft", [], ["submit", "activate", "pause", "archive", "delete"]),
        ("marketer", "draft", ["submit", "delete"], ["activate", "archive"]),
        ("admin_user", "submitted", ["activate", "archive"], ["submit", "delete"]),
        ("marketer", "active", ["pause"], ["activate", "resume", "archive"]),
        ("owner", "paused", ["resume", "archive"], ["pause", "submit"]),
        ("owner", "archived", [], ["resume", "archive", "activate"]),
    ],
)
def test_actions_follow_the_role_and_the_status(request, account, role, status, shown, hidden):
    journey = make_journey(account, status=status)
    client = client_for(request.getfixturevalue(role))
    body = client.get(url("journey_detail", account, journey.pk)).content.decode()
    for action in shown:
        assert f'data-testid="{action}"' in body, action
    for action in hidden:
        assert f'data-testid="{action}"' not in body, action


def test_viewers_get_neither_copy_nor_test_panels(viewer, account):
    journey = make_journey(account)
    body = client_for(viewer).get(url("journey_detail", account, journey.pk)).content.decode()
    assert 'data-testid="journey-copy"' not in body
    assert 'data-testid="journey-test"' not in body


def test_the_reason_the_console_paused_it_is_shown(viewer, account):
    journey = make_journey(account, status="paused")
    Journey.unscoped.filter(pk=journey.pk).update(paused_reason="The LINE channel is disconnected.")
    body = client_for(viewer).get(url("journey_detail", account, journey.pk)).content.decode()
    assert "The LINE channel is disconnected." in body


def test_unpublished_changes_offer_publishing_to_an_admin(admin_user, account):
    journey = make_journey(account, status="active")
    journey.draft_graph = {**journey.draft_graph, "start": "reminder"}
    journey.save()
    body = client_for(admin_user).get(url("journey_detail", account, journey.pk)).content.decode()
    assert 'data-testid="unpublished"' in body
    assert "Publish the changes" in body


def test_the_test_friend_search_answers_htmx_with_its_results(marketer, account):
    journey = make_journey(account, status="active")
    FriendFactory(account=account, display_name="Aiko Tanaka")
    FriendFactory(account=account, display_name="Ben", status="blocked")
    client = client_for(marketer)
    fragment = client.get(
        url("journey_detail", account, journey.pk),
        {"test_q": "Aiko"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="journey-test-friends",
    )
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="journey-test-friends"')
    assert "Aiko Tanaka" in body
    none = client.get(url("journey_detail", account, journey.pk), {"test_q": "Ben"})
    assert 'data-testid="journey-test-friends-empty"' in none.content.decode()


def test_an_unknown_fragment_is_refused(viewer, account):
    journey = make_journey(account)
    response = client_for(viewer).get(
        url("journey_detail", account, journey.pk),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="anything-else",
    )
    assert response.status_code == 400
