"""Coupons in the sending apps: the broadcast composer and the chat composer pick among the
OA's running coupons, a closed or ended coupon is refused with the reason (pages, services,
journeys' graph check), and what was sent is counted on the coupon's page and in the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from broadcasts.models import Broadcast
from coupons.sent import coupon_sent_counts
from inbox.models import ConversationMessage, OutboundAnswer
from inbox.services.answers import answer_create
from journeys.graph.context import CheckContext
from journeys.graph.nodes.send import _check
from tests.broadcasts.conftest import make_broadcast
from tests.broadcasts.views.test_pages import composer_data, page
from tests.conftest import client_for
from tests.coupons.helpers import make_coupon
from tests.inbox.answering import conversation_to_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def coupons(account):
    return {
        "running": make_coupon(account, title="Ten percent", line_coupon_id="RUN1"),
        "closed": make_coupon(account, title="Old gift", line_coupon_id="CLOSED1", status="CLOSED"),
        "ended": make_coupon(
            account,
            title="Last week",
            line_coupon_id="ENDED1",
            ends_at=timezone.now() - dt.timedelta(days=1),
        ),
    }


def _coupon(line_id: str) -> dict:
    return {"type": "coupon", "couponId": line_id}


def test_broadcast_composer_picks_running_coupons_and_refuses_a_closed_one(
    account, marketer, coupons
):
    client = client_for(marketer)
    form = client.get(page(account, "broadcast_new")).content.decode()
    assert '<option value="RUN1">Ten percent' in form
    assert "CLOSED1" not in form and "ENDED1" not in form

    refused = client.post(
        page(account, "broadcast_new"),
        composer_data(bubble_1_text="Hello", bubble_2_type="coupon", bubble_2_coupon="CLOSED1"),
    )
    assert refused.status_code == 400
    assert "is closed" in str(refused.context["form"].errors["bubble_2_coupon"])
    assert not Broadcast.unscoped.exists()

    ok = client.post(
        page(account, "broadcast_new"),
        composer_data(bubble_1_text="Hello", bubble_2_type="coupon", bubble_2_coupon="RUN1"),
    )
    assert ok.status_code == 302, ok.context["form"].errors.as_text()
    assert Broadcast.unscoped.get().messages[1] == _coupon("RUN1")


def test_broadcast_service_refuses_an_ended_coupon(account, coupons):
    with pytest.raises(ValidationError) as error:
        make_broadcast(account, messages=[_coupon("ENDED1")])
    assert "has ended" in str(error.value.message_dict["messages"])


def test_chat_composer_picks_running_coupons_and_refuses_a_closed_one(account, owner, coupons):
    conversation = conversation_to_answer(account)
    url = reverse(
        "conversation_answer",
        kwargs={
            "workspace_slug": account.workspace.slug,
            "account_slug": account.slug,
            "conversation_id": conversation.pk,
        },
    )
    detail = url.replace("answer/", "")
    page_html = client_for(owner).get(detail).content.decode()
    assert '<option value="RUN1">Ten percent' in page_html and "CLOSED1" not in page_html
    response = client_for(owner).post(url, {"coupon_id": "CLOSED1"})
    assert "is closed" in response.content.decode()
    assert not OutboundAnswer.unscoped.exists()
    with pytest.raises(ValidationError):  # the API's path: the service refuses it too
        answer_create(account=account, conversation=conversation, messages=[_coupon("ENDED1")])


def test_journey_send_node_refuses_a_closed_coupon(account, coupons):
    context = CheckContext.for_account(account)
    node = {"type": "send", "messages": [_coupon("RUN1"), _coupon("CLOSED1")]}
    problems = _check("send_1", node, context)
    assert [(p.field, p.code) for p in problems] == [("messages[1].couponId", "coupon_unavailable")]


def test_sent_coupons_are_counted_from_broadcasts_and_chats(account, viewer, coupons):
    broadcast = make_broadcast(account, messages=[_coupon("RUN1")])
    Broadcast.unscoped.filter(pk=broadcast.pk).update(status="sent", recipients=120)
    make_broadcast(account, messages=[_coupon("RUN1")])  # a draft: not sent
    conversation = conversation_to_answer(account)
    ConversationMessage.unscoped.create(
        account=account,
        conversation=conversation,
        direction="out",
        message_type="coupon",
        payload=_coupon("RUN1"),
        occurred_at=timezone.now(),
    )
    counts = coupon_sent_counts(account=account)["RUN1"]
    assert (counts["broadcast"].messages, counts["broadcast"].friends) == (1, 120)
    assert (counts["chat"].messages, counts["chat"].friends) == (1, 1)

    url = reverse(
        "coupon_detail", args=[account.workspace.slug, account.slug, coupons["running"].pk]
    )
    body = client_for(viewer).get(url).content.decode()
    assert "<td>120</td>" in body


def test_journey_send_step_picks_a_running_coupon(account, coupons, scope):
    from journeys.forms.choices import Choices
    from journeys.forms.nodes import NodeForm

    choices = Choices.for_account(account)
    blank = NodeForm(node_type="send", node={"messages": []}, choices=choices)
    options = str(blank["message_1_coupon"])
    assert "RUN1" in options and "CLOSED1" not in options
    form = NodeForm(
        {
            "label": "Coupon",
            "quiet_hours": "defer",
            "message_1_type": "coupon",
            "message_1_coupon": "RUN1",
        },
        node_type="send",
        node={"messages": []},
        choices=choices,
    )
    assert form.is_valid(), form.errors
    assert form.node()["messages"] == [_coupon("RUN1")]
    again = NodeForm(node_type="send", node=form.node(), choices=choices)
    assert again["message_1_type"].value() == "coupon"
    assert again["message_1_coupon"].value() == "RUN1"


def test_coupons_insight_shows_the_consoles_coupons_beside_the_csv(account, viewer, coupons):
    broadcast = make_broadcast(account, messages=[_coupon("RUN1")])
    Broadcast.unscoped.filter(pk=broadcast.pk).update(status="sent", recipients=75)
    url = reverse("insights_coupons", args=[account.workspace.slug, account.slug])
    body = client_for(viewer).get(url).content.decode()
    assert 'data-testid="console-coupons"' in body
    assert body.count('data-testid="console-coupon-row"') == 3
    assert "Sent by Broadcasts" in body and '<td class="num">75</td>' in body
    assert 'data-testid="no-line-counts"' in body  # LINE reports no acquisitions or uses


def test_sent_coupons_are_counted_from_journeys(account, coupons):
    from journeys.models import JourneySend
    from tests.journeys.journey_rows import enrol, make_journey, send

    journey = make_journey(account, status="active")
    first, second = enrol(journey), enrol(journey)
    for enrolment, status in (
        (first, "sent"),
        (first, "sent"),
        (second, "sent"),
        (second, "failed"),
    ):
        row = send(enrolment, status=status, step_number=JourneySend.unscoped.count() + 1)
        JourneySend.unscoped.filter(pk=row.pk).update(
            messages=[{"type": "text", "text": "Your coupon"}, _coupon("RUN1")]
        )
    send(enrol(journey), status="sent")  # a text only: not counted
    count = coupon_sent_counts(account=account)["RUN1"]["journey"]
    assert (count.messages, count.friends) == (3, 2)


def test_an_ab_test_counts_each_arms_coupon_with_the_friends_that_arm_reached(account, coupons):
    from broadcasts.models import BroadcastBatch, BroadcastVariant

    second = make_coupon(account, title="Second gift", line_coupon_id="RUN2")
    broadcast = make_broadcast(account, messages=[_coupon("RUN1")])
    Broadcast.unscoped.filter(pk=broadcast.pk).update(status="sent", recipients=100)
    arm_a, arm_b = (
        BroadcastVariant.unscoped.create(
            account=account, broadcast=broadcast, position=n, name=name, messages=messages, share=50
        )
        for n, name, messages in (
            (0, "A", [_coupon("RUN1")]),
            (1, "B", [_coupon("RUN1"), _coupon(second.line_coupon_id)]),
        )
    )
    for sequence, (arm, size, status) in enumerate(
        [(arm_a, 40, "accepted"), (arm_b, 55, "accepted"), (arm_b, 5, "failed")]
    ):
        BroadcastBatch.unscoped.create(
            account=account,
            broadcast=broadcast,
            sequence=sequence,
            method="multicast",
            variant=arm,
            size=size,
            status=status,
        )

    counts = coupon_sent_counts(account=account)

    first = counts["RUN1"]["broadcast"]
    assert (first.messages, first.friends) == (1, 95)  # both arms, the calls LINE accepted
    other = counts["RUN2"]["broadcast"]
    assert (other.messages, other.friends) == (1, 55)  # arm B only
