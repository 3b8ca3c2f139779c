"""A "clicked a link" auto-tag rule counts journey clicks as it counts broadcast clicks: live
(the click's ``link_click`` activity) and on backfill (journeys registers its stored clicks
with segments' ``past_link_clicks``), so a rule created after a journey click tags the friend
who clicked."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from broadcasts.models import Click
from journeys.engine.links import click_token
from journeys.models import JourneyClick
from oa_console.activity.draining import activity_drain
from segments.models import FriendTag, Tag, TagRuleBackfill
from segments.services import tag_rules
from tests.broadcasts.conftest import make_broadcast
from tests.journeys.engine.conftest import graph_with, publish
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db
SALE = "https://shop.example/Sale"


def journey_click(journey, friend=None, url: str = SALE) -> None:
    """A click through the journey redirect, as a friend's phone makes it."""
    token = click_token(
        journey_id=journey.pk,
        node_id="send",
        url=url,
        friend_id=friend.pk if friend else None,
        signed_at=time.time(),
    )
    assert Client().get(f"/r/j/{token}").status_code == 302


def tagged(tag) -> set[int]:
    return set(FriendTag.unscoped.filter(tag=tag).values_list("friend_id", flat=True))


def test_backfill_tags_journey_clickers_with_broadcast_clickers(account, other_account):
    journey = publish(account, graph_with())
    clicker, blogger, broadcast_clicker, bystander = (
        FriendFactory(account=account) for _ in range(4)
    )
    journey_click(journey, clicker)
    journey_click(journey, blogger, url="https://blog.example/post/1")  # another link
    journey_click(journey)  # a node tracking per step: nobody to tag
    broadcast = make_broadcast(account, messages=[{"type": "text", "text": SALE}])
    Click.unscoped.create(account=account, broadcast=broadcast, friend=broadcast_clicker, url=SALE)
    stranger = FriendFactory(account=other_account)
    other_journey = publish(other_account, graph_with())
    journey_click(other_journey, stranger)  # another OA's click of the same link
    assert JourneyClick.unscoped.count() == 4
    sale = Tag.unscoped.create(account=account, name="sale")
    rule = tag_rules.tag_rule_create(
        account=account, tag=sale, kind="link_click", pattern="https://shop.example/sale"
    )
    job = TagRuleBackfill.unscoped.create(account=account, rule=rule)

    assert tag_rules.tag_rule_backfill_run(rule=rule, job_id=job.pk) == 2

    assert tagged(sale) == {clicker.pk, broadcast_clicker.pk}
    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.tagged) == ("done", 2, 2, 2)
    assert bystander.pk not in tagged(sale)


def test_backfill_and_live_reaction_tag_the_same_journey_clickers(account):
    journey = publish(account, graph_with())
    early, late = FriendFactory(account=account), FriendFactory(account=account)
    journey_click(journey, early)
    activity_drain()  # the early click's activity is gone past before the rule exists
    sale = Tag.unscoped.create(account=account, name="sale")
    rule = tag_rules.tag_rule_create(
        account=account, tag=sale, kind="link_click", match="contains", pattern="SHOP.example"
    )
    journey_click(journey, late)  # reacted to live
    assert tagged(sale) == {late.pk}
    assert tag_rules.tag_rule_backfill(rule=rule) == 1
    assert tagged(sale) == {early.pk, late.pk}
