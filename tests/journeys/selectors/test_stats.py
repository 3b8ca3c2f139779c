"""The figures on a journey's flow, against counts worked out by hand."""

from decimal import Decimal

import pytest
from django.utils import timezone

from journeys.models import JourneyClick
from journeys.selectors.intervals import difference_interval, wilson_interval
from journeys.selectors.stats import arm_conversions, journey_funnel, journey_summary, node_stats
from oa_console.activity.models import Activity
from tests.journeys.journey_rows import JourneyFactory, convert, enrol, publish, send, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey(account):
    journey = JourneyFactory(account=account)
    publish(journey)
    return journey


def test_node_stats(account, journey, django_assert_max_num_queries):
    # Three friends: two waited an hour and got the reminder (one capped), one still waits.
    first = enrol(journey, "wait_24h")
    second = enrol(journey, "end", state="completed")
    third = enrol(journey, "wait_1h")
    for enrolment in (first, second, third):
        step(enrolment, "wait_1h", "entered")
    for enrolment in (first, second):
        step(enrolment, "wait_1h", "passed", "next")
        step(enrolment, "reminder", "entered")
    delivered = send(first, "reminder")
    send(second, "reminder", status="capped")
    convert(first, "1200.50", last_send=delivered)
    with django_assert_max_num_queries(6):
        stats = node_stats(account=account, journey=journey)
    assert stats["wait_1h"].entered == 3
    assert stats["wait_1h"].passed == {"next": 2}
    assert stats["wait_1h"].waiting == 1
    assert stats["wait_24h"].waiting == 1
    assert stats["reminder"].sent == 1 and stats["reminder"].delivered == 1
    assert stats["reminder"].held == 1
    assert stats["reminder"].conversions == 1
    assert stats["reminder"].revenue == Decimal("1200.50")
    assert stats["coupon"].entered == 0  # every node of the graph is present

    summary = journey_summary(account=account, journey=journey)
    assert (summary.enrolled, summary.in_flight, summary.completed) == (3, 2, 1)
    assert summary.converted == 1 and summary.revenue == Decimal("1200.50")

    funnel = journey_funnel(account=account, journey=journey)
    assert [(s.key, s.count) for s in funnel] == [
        ("enrolled", 3),
        ("reminder", 1),
        ("coupon", 0),
        ("converted", 1),
    ]
    assert funnel[1].label == "Cart reminder"
    assert funnel[-1].share == pytest.approx(1 / 3)


def test_wilson_interval_against_hand_computed_values():
    low, high = wilson_interval(10, 100)
    assert low == pytest.approx(0.0552, abs=1e-4)
    assert high == pytest.approx(0.1744, abs=1e-4)
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(0, 0) is None


def test_difference_against_control():
    difference, (low, high) = difference_interval(30, 100, 20, 100)
    assert difference == pytest.approx(0.10)
    # se = sqrt(.3*.7/100 + .2*.8/100) = 0.06083
    assert low == pytest.approx(0.10 - 1.96 * 0.06083, abs=1e-3)
    assert high == pytest.approx(0.10 + 1.96 * 0.06083, abs=1e-3)


def test_arm_conversions(account, journey):
    for index in range(4):
        enrolment = enrol(journey, "end", state="completed", arm="control")
        if index == 0:
            convert(enrolment, "100")
    for index in range(4):
        enrolment = enrol(journey, "end", state="completed", arm="a")
        if index < 2:
            convert(enrolment, "50")
    enrol(journey, "end", state="completed")  # no split: not an arm
    arms = arm_conversions(account=account, journey=journey)
    assert [a.arm for a in arms] == ["control", "a"]
    control, variant = arms
    assert (control.enrolled, control.converted, control.rate) == (4, 1, 0.25)
    assert control.difference is None and control.is_control
    assert (variant.enrolled, variant.converted, variant.revenue) == (4, 2, Decimal("100"))
    assert variant.difference == pytest.approx(0.25)
    assert variant.difference_interval[0] < 0.25 < variant.difference_interval[1]
    assert variant.interval == pytest.approx(wilson_interval(2, 4))


def test_clicks_are_the_journeys_stored_clicks_per_node(account, journey):
    """Two clicks on the reminder (one of no known friend), one on the coupon, one of another
    journey; a hub activity naming the journey is not a click of the table and counts nowhere."""
    other = JourneyFactory(account=account)
    enrolment = enrol(journey, "wait_24h")
    for clicked_journey, node_id, friend_id in (
        (journey, "reminder", enrolment.friend_id),
        (journey, "reminder", None),
        (journey, "coupon", enrolment.friend_id),
        (other, "coupon", None),
    ):
        JourneyClick.unscoped.create(
            account=account,
            journey=clicked_journey,
            node_id=node_id,
            friend_id=friend_id,
            url="https://shop.example",
            clicked_at=timezone.now(),
        )
    Activity.unscoped.create(
        account=account,
        kind=Activity.Kind.LINK_CLICK,
        friend_id=enrolment.friend_id,
        occurred_at=timezone.now(),
        payload={"journey_id": journey.pk, "node_id": "reminder", "url": "https://shop.example"},
    )
    stats = node_stats(account=account, journey=journey)
    assert (stats["reminder"].clicks, stats["coupon"].clicks) == (2, 1)
    assert stats["wait_1h"].clicks == 0
