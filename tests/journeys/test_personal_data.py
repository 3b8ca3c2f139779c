"""A friend's journeys in personal-data requests: exported whole; erased without a trace of the
person while every journey figure stays what it was."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from journeys.models import (
    Conversion,
    Enrolment,
    EnrolmentStep,
    Journey,
    JourneyClick,
    JourneySend,
    JourneyVersion,
    WebhookCall,
)
from journeys.personal_data import ERASED, NOT_SENT, PROVIDER, register_personal_data
from journeys.selectors.stats import node_stats
from journeys.starters import STARTERS
from segments.personal_data import registry, services
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db

UID = "U" + "5e" * 16
NAME = "Zelda Quixotic 山田"
CART = "cart-zelda-778899"
CHECKOUT = f"https://shop.example/cart/{CART}"


@pytest.fixture(autouse=True)
def provider():
    """Registered as ``JourneysConfig.ready`` does, and left as it was found."""
    before = registry._PROVIDERS.get(PROVIDER.app)
    register_personal_data()
    yield
    if before is None:
        registry._PROVIDERS.pop(PROVIDER.app, None)
    else:
        registry._PROVIDERS[PROVIDER.app] = before


def _journey(account):
    graph = STARTERS["cart_abandonment"].graph()
    journey = Journey.unscoped.create(
        account=account, name="Cart reminder", status="active", draft_graph=graph
    )
    version = JourneyVersion.unscoped.create(
        account=account, journey=journey, number=1, graph=graph
    )
    return journey, version


def _enrol(account, journey, version, friend, *, state, node, cart, at):
    done = state not in Enrolment.IN_FLIGHT
    enrolment = Enrolment.unscoped.create(
        account=account,
        journey=journey,
        version=version,
        friend=friend,
        node_id=node,
        state=state,
        next_run_at=None if done else at + timedelta(hours=1),
        trigger_properties={
            "cart_id": cart,
            "items": [{"name": f"boots of {friend.display_name}"}],
        },
        dedupe_key=cart,
        entered_at=at,
        ended_at=at + timedelta(hours=2) if done else None,
        step=2,
        waiting_for="",
    )
    EnrolmentStep.unscoped.bulk_create(
        [
            EnrolmentStep(
                account=account,
                journey=journey,
                enrolment=enrolment,
                friend=friend,
                node_id=node_id,
                kind=kind,
                outlet=outlet,
                detail={"cart": cart, "name": friend.display_name},
                at=at,
            )
            for node_id, kind, outlet in (
                ("", "enrolled", ""),
                ("wait_1h", "entered", ""),
                ("wait_1h", "passed", "next"),
                ("reminder", "entered", ""),
            )
        ]
    )
    return enrolment


def _send(account, journey, version, enrolment, friend, *, status, step):
    return JourneySend.unscoped.create(
        account=account,
        journey=journey,
        version=version,
        enrolment=enrolment,
        friend=friend,
        node_id="reminder",
        step=step,
        line_user_id=friend.line_user_id,
        messages=[
            {
                "type": "text",
                "text": f"{friend.display_name}, your cart {enrolment.dedupe_key} waits",
            }
        ],
        group_key="g" * 64,
        status=status,
        error=f"LINE said no to {friend.line_user_id}" if status == "failed" else "",
        created_at=timezone.now(),
        sent_at=timezone.now() if status == "sent" else None,
    )


@pytest.fixture
def world(account):
    friend = FriendFactory(account=account, line_user_id=UID, display_name=NAME)
    bystander = FriendFactory(account=account, display_name="Bystander Bob")
    journey, version = _journey(account)
    now = timezone.now()
    done = _enrol(
        account, journey, version, friend, state="exited", node="reminder", cart=CART, at=now
    )
    done.exit_reason = "goal"
    done.save()
    waiting = _enrol(
        account, journey, version, friend, state="waiting", node="wait_1h", cart="cart-2", at=now
    )
    sent = _send(account, journey, version, done, friend, status="sent", step=2)
    _send(account, journey, version, waiting, friend, status="pending", step=2)
    # A webhook call not made yet: its payload names the friend and their cart.
    WebhookCall.unscoped.create(
        account=account,
        enrolment=waiting,
        step=3,
        node_id="hook",
        payload={"friend": {"line_user_id": UID}, "properties": {"cart_id": "cart-2"}},
        due_at=now,
    )
    Conversion.unscoped.create(
        account=account,
        journey=journey,
        enrolment=done,
        friend=friend,
        last_send=sent,
        revenue=Decimal("4800.00"),
        at=now + timedelta(hours=3),
    )
    # Their cart's own link, opened twice; the same node's link once by no known friend.
    for url, who in ((CHECKOUT, friend), (CHECKOUT, friend), ("https://shop.example/", None)):
        _click(account, journey, who, url, at=now + timedelta(hours=1))
    other = _enrol(
        account,
        journey,
        version,
        bystander,
        state="waiting",
        node="wait_1h",
        cart="cart-bob",
        at=now,
    )
    _send(account, journey, version, other, bystander, status="pending", step=2)
    _click(account, journey, bystander, "https://shop.example/cart/cart-bob", at=now)
    return friend, bystander, journey


def _click(account, journey, friend, url, *, at):
    return JourneyClick.unscoped.create(
        account=account, journey=journey, node_id="reminder", friend=friend, url=url, clicked_at=at
    )


def _journey_rows(account) -> str:
    rows = []
    for model in (Enrolment, EnrolmentStep, JourneySend, JourneyClick, WebhookCall, Conversion):
        rows += list(model.unscoped.filter(account=account).values())
    return json.dumps(rows, ensure_ascii=False, default=str)


def _figures(account, journey) -> dict:
    return {
        "enrolments": Enrolment.unscoped.filter(journey=journey).count(),
        "steps": sorted(
            EnrolmentStep.unscoped.filter(journey=journey).values_list("node_id", "kind", "outlet")
        ),
        "sent": JourneySend.unscoped.filter(journey=journey, status="sent").count(),
        "sends": JourneySend.unscoped.filter(journey=journey).count(),
        "clicks": node_stats(account=journey.account, journey=journey)["reminder"].clicks,
        "conversions": list(
            Conversion.unscoped.filter(journey=journey).values_list("revenue", "arm")
        ),
    }


def test_export_holds_the_friends_journeys(world, account, scope):
    friend, _bystander, _journey = world
    document = services.friend_personal_data_collect(account=account, friend=friend)
    sections = {section["key"]: section for section in document["sections"]}
    enrolments = sections["journey_enrolments"]["records"]
    assert len(enrolments) == 2
    assert {row["state"] for row in enrolments} == {"exited", "waiting"}
    assert enrolments[0]["journey"] == "Cart reminder"
    assert enrolments[0]["trigger_properties"]["cart_id"] == CART
    assert sections["journey_steps"]["count"] == 8
    messages = sections["journey_messages"]["records"]
    assert {row["status"] for row in messages} == {"sent", "pending"}
    assert messages[0]["messages"][0]["text"] == f"{NAME}, your cart {CART} waits"
    clicks = sections["journey_link_clicks"]["records"]
    assert [(row["step"], row["link"]) for row in clicks] == [("reminder", CHECKOUT)] * 2
    assert clicks[0]["journey"] == "Cart reminder"
    conversion = sections["journey_conversions"]["records"][0]
    assert conversion["revenue"] == "4800.00"
    # The bystander's journey is not theirs to see.
    assert "Bystander Bob" not in json.dumps(document, ensure_ascii=False)


def test_erasure_keeps_the_journey_figures_and_leaves_no_trace(world, account, scope):
    friend, bystander, journey = world
    before = _figures(account, journey)
    erasure = services.friend_erase(account=account, friend=friend, request=None)

    dump = _journey_rows(account)
    for secret in (UID, NAME, CART, "boots of Zelda"):
        assert secret not in dump, secret
    assert _figures(account, journey) == {**before}
    # Their journey under way ended, its unsent message is never sent.
    waiting = Enrolment.unscoped.get(
        friend=friend, dedupe_key="", state="exited", exit_reason=ERASED
    )
    assert waiting.ended_at is not None and waiting.next_run_at is None
    unsent = JourneySend.unscoped.get(enrolment=waiting)
    assert unsent.status == "failed" and unsent.error == NOT_SENT
    pseudonym = type(friend).unscoped.get(pk=friend.pk).line_user_id
    assert set(
        JourneySend.unscoped.filter(friend=friend).values_list("line_user_id", flat=True)
    ) == {pseudonym}
    assert erasure.summary["journeys.journeys_ended"] == 1
    assert erasure.summary["journeys.journey_messages"] == 2
    assert erasure.summary["journeys.unsent_messages"] == 1
    # Their pending webhook call went with its payload.
    assert not WebhookCall.unscoped.filter(enrolment__friend=friend).exists()
    assert erasure.summary["journeys.webhook_calls"] == 1
    # Their clicks still count for the node (4 with the bystander's, before and after), without the links they opened.
    assert before["clicks"] == 4
    assert (
        list(JourneyClick.unscoped.filter(friend=friend).values_list("url", flat=True)) == [""] * 2
    )
    assert erasure.summary["journeys.journey_link_clicks"] == 2
    # The bystander goes on as before.
    assert "Bystander Bob" in dump
    theirs = Enrolment.unscoped.get(friend=bystander)
    assert theirs.state == "waiting" and theirs.trigger_properties["cart_id"] == "cart-bob"
    assert JourneySend.unscoped.get(friend=bystander).status == "pending"
    assert JourneyClick.unscoped.get(friend=bystander).url == "https://shop.example/cart/cart-bob"
