"""The demo journeys: one active journey per starter with a past whose figures add up."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest

from journeys.demo import DEMO_ORDER, register_demo
from journeys.demo.seed import journeys_demo_seed
from journeys.graph.context import CheckContext
from journeys.graph.validation import validate_graph
from journeys.models import (
    Conversion,
    Enrolment,
    EnrolmentStep,
    Journey,
    JourneyClick,
    JourneySend,
    JourneyVersion,
)
from journeys.selectors.stats import node_stats
from journeys.starters import STARTERS
from oa_console.activity.models import Activity
from oa_console.demo import demo_steps
from segments.models import Friend
from tests.journeys.demo.conftest import NOW

pytestmark = pytest.mark.django_db


def test_every_starter_is_an_active_published_journey_in_the_oas_language(seeded):
    account, created = seeded
    journeys = list(Journey.objects.for_account(account).select_related("active_version"))
    assert len(journeys) == len(STARTERS) and created > 1000
    names = {journey.name for journey in journeys}
    assert "カゴ落ちリマインド" in names and "お誕生日クーポン" in names
    context = CheckContext.for_account(account)
    for journey in journeys:
        assert journey.status == Journey.Status.ACTIVE
        version = journey.active_version
        assert version.number == 1 and version.graph == journey.draft_graph
        assert journey.activated_at < NOW - timedelta(days=60)
        problems = validate_graph(version.graph, context=context)
        assert problems == [], (journey.name, problems)
    assert JourneyVersion.objects.for_account(account).count() == len(STARTERS)


def _per_node(account, journey):
    steps = Counter(
        (node, kind, outlet)
        for node, kind, outlet in EnrolmentStep.objects.for_account(account)
        .filter(journey=journey)
        .values_list("node_id", "kind", "outlet")
    )
    entered: Counter = Counter()
    passed: Counter = Counter()
    for (node, kind, _outlet), count in steps.items():
        if kind == "entered":
            entered[node] += count
        elif kind == "passed":
            passed[node] += count
    return steps, entered, passed


def test_the_figures_add_up_like_live_ones(seeded):
    account, _created = seeded
    for journey in Journey.objects.for_account(account):
        graph = journey.active_version.graph
        enrolments = Enrolment.objects.for_account(account).filter(journey=journey)
        steps, entered, passed = _per_node(account, journey)
        total = enrolments.count()
        assert total > 0, journey.name
        assert steps[("", "enrolled", "")] == total
        # Whoever passed a node entered it; the start node was entered by everyone.
        assert entered[graph["start"]] == total
        for node_id in entered:
            assert passed[node_id] <= entered[node_id], (journey.name, node_id)
        # Each outlet leads somewhere: what passed on it entered the next node.
        for node_id, outlets in graph["edges"].items():
            for outlet, target in outlets.items():
                assert steps[(node_id, "passed", outlet)] <= entered[target]
        # A send row per send reached: sent, held back by the cap or refused by LINE.
        sends = Counter(
            JourneySend.objects.for_account(account)
            .filter(journey=journey)
            .values_list("status", flat=True)
        )
        journal = sum(
            count for (n, kind, o), count in steps.items() if kind in ("sent", "held", "failed")
        )
        assert sum(sends.values()) == journal
        assert sends["sent"] == sum(c for (n, kind, o), c in steps.items() if kind == "sent")
        # One conversion per goal reached, never more than the enrolments.
        conversions = Conversion.objects.for_account(account).filter(journey=journey)
        goals = sum(count for (_n, kind, _o), count in steps.items() if kind == "goal")
        assert conversions.count() == goals <= total
        if "goal" not in graph:
            assert not conversions.exists()
        # Finished enrolments say when; the others wait at a wait node until a future time.
        assert not enrolments.filter(state__in=["completed", "exited"], ended_at=None).exists()
        for node_id, until in enrolments.filter(state="waiting").values_list(
            "node_id", "next_run_at"
        ):
            assert graph["nodes"][node_id]["type"] in ("wait", "wait_for_event")
            assert until > NOW


def test_cart_abandonment_converts_about_one_cart_in_ten(seeded):
    account, _created = seeded
    journey = Journey.objects.for_account(account).get(name="カゴ落ちリマインド")
    enrolled = Enrolment.objects.for_account(account).filter(journey=journey).count()
    conversions = Conversion.objects.for_account(account).filter(journey=journey)
    assert 0.05 <= conversions.count() / enrolled <= 0.16
    # Bought after the reminder: the conversion names that send; before it: none.
    attributed = conversions.exclude(last_send=None).select_related("last_send", "enrolment")
    assert attributed.exists() and conversions.filter(last_send=None).exists()
    for conversion in attributed:
        assert conversion.last_send.sent_at <= conversion.at
        assert conversion.revenue == conversion.enrolment.trigger_properties["total"]
    # The purchase ended the journey (exit on goal) for those still in it.
    assert (
        Enrolment.objects.for_account(account)
        .filter(journey=journey, state="exited", exit_reason="goal")
        .exists()
    )


def test_the_reminder_is_personalised_with_the_carts_products(seeded):
    account, _created = seeded
    send = (
        JourneySend.objects.for_account(account)
        .filter(node_id="reminder", status="sent")
        .select_related("enrolment")
        .first()
    )
    friend = Friend.objects.for_account(account).get(pk=send.friend_id)
    cart = send.enrolment.trigger_properties
    text, carousel = send.messages
    assert text["text"].startswith(f"{friend.display_name}さん、カートに商品が残っています")
    assert cart["checkout_url"] in text["text"]
    bubbles = carousel["contents"]["contents"]
    assert [bubble["body"]["contents"][0]["text"] for bubble in bubbles] == [
        item["name"] for item in cart["items"]
    ]
    assert bubbles[0]["hero"]["url"] == cart["items"][0]["image_url"]
    assert "{" not in json.dumps(send.messages, ensure_ascii=False).replace('{"', "")
    assert send.line_user_id == friend.line_user_id and send.sent_at is not None


def test_the_welcome_series_shows_a_lift_over_its_holdout(seeded):
    account, _created = seeded
    journey = Journey.objects.for_account(account).get(name__startswith="友だち追加ウェルカム")
    enrolments = Enrolment.objects.for_account(account).filter(journey=journey)
    arms = Counter(enrolments.values_list("arm", flat=True))
    assert set(arms) == {"series", "control"}
    assert 0.1 < arms["control"] / enrolments.count() < 0.3
    # The held-back friends got no message at all.
    control_ids = enrolments.filter(arm="control").values("pk")
    assert not JourneySend.objects.for_account(account).filter(enrolment__in=control_ids).exists()
    rates = {}
    for arm, count in arms.items():
        converted = Conversion.objects.for_account(account).filter(journey=journey, arm=arm)
        rates[arm] = converted.count() / count
    assert rates["series"] > rates["control"]


def test_a_second_run_creates_nothing(seeded, scope_for):
    account, _created = seeded
    before = EnrolmentStep.objects.for_account(account).count()
    with scope_for(account):
        assert journeys_demo_seed(account=account, now=NOW) == 0
    assert EnrolmentStep.objects.for_account(account).count() == before
    assert Journey.objects.for_account(account).count() == len(STARTERS)


@pytest.fixture
def registered():
    """``register_demo()`` as ``JourneysConfig.ready`` calls it, undone afterwards when the
    app did not register it itself."""
    from oa_console import demo

    before = dict(demo._STEPS)
    register_demo()
    yield
    demo._STEPS.clear()
    demo._STEPS.update(before)


def test_the_step_joins_the_demo_after_the_follower_list(registered):
    step = next(step for step in demo_steps() if step.name == "seed_journeys")
    orders = {s.name: s.order for s in demo_steps()}
    assert step.order == DEMO_ORDER
    assert orders["seed_follower_sync"] < DEMO_ORDER < orders["seed_audit_log"]


def test_some_friends_clicked_the_links_they_were_sent(seeded):
    account, _created = seeded
    journey = Journey.objects.for_account(account).get(name="カゴ落ちリマインド")
    stored = JourneyClick.objects.for_account(account).filter(journey=journey)
    clicks = Counter(stored.values_list("node_id", flat=True))
    delivered = Counter(
        JourneySend.objects.for_account(account)
        .filter(journey=journey, status="sent")
        .values_list("node_id", flat=True)
    )
    assert set(clicks) == {"reminder", "coupon"}
    for node_id, count in clicks.items():
        assert 0.05 < count / delivered[node_id] < 0.4
    # Both nodes track per friend: every click names whose it was, as the hub's activity does.
    assert not stored.filter(friend__isnull=True).exists()
    published = Activity.objects.for_account(account).filter(
        kind="link_click", payload__journey_id=journey.pk
    )
    assert published.count() == stored.count()


def test_the_clicks_go_back_months_and_count_on_every_send_node(seeded):
    """The journeys' pages read the stored clicks, which the hub's monthly prune leaves alone:
    every send node of every demo journey shows clicks, some older than the hub keeps."""
    account, _created = seeded
    oldest = JourneyClick.objects.for_account(account).order_by("clicked_at").first()
    assert oldest.clicked_at < NOW - timedelta(days=60)
    for journey in Journey.objects.for_account(account).select_related("active_version"):
        nodes = journey.active_version.graph["nodes"]
        stats = node_stats(account=account, journey=journey)
        for node_id, node in nodes.items():
            if node["type"] == "send":
                assert 0 < stats[node_id].clicks <= stats[node_id].delivered, (journey, node_id)
    # A node that tracks per step counts clicks without knowing whose they were.
    per_step = Journey.objects.for_account(account).get(name="お誕生日クーポン")
    birthday_clicks = JourneyClick.objects.for_account(account).filter(journey=per_step)
    assert birthday_clicks.exists()
    assert not birthday_clicks.filter(friend__isnull=False).exists()
