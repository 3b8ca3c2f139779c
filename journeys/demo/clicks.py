"""The demo journeys' link clicks: some friends tapped the link in a message they received.

Each click is written as the click redirect records one (``journeys.services.clicks``): a
``JourneyClick`` naming the journey and the send node whose message held the link, which the
journey's page counts for months, and a ``link_click`` activity of the hub. The friend is
named only where the node tracks clicks per friend (``click_tracking: friend``); a node that
tracks per step counts the click without knowing whose it was, and a node that does not track
gets none. Friends who bought after a message clicked it far more often than the others, as
they do.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from journeys.demo.history import Walk
from journeys.demo.plans import SHOP
from journeys.demo.rows import BATCH
from journeys.engine.links import DEFAULT_MODE, FRIEND, OFF
from journeys.models import JourneyClick
from oa_console.activity.models import Activity
from oa_console.activity.publishing import ActivityInput, publish_many

CLICK_RATE = 0.12  # of the messages delivered
BUYER_CLICK_RATE = 0.7  # of the last message before a purchase


def demo_clicks_record(
    *, account, journey, walks: list[tuple[int, str, Walk]], people: dict, now: datetime
) -> int:
    """Store and publish the clicks of the journey's delivered messages; returns how many."""
    rng = random.Random(f"journeys:{account.slug}:{journey.pk}:clicks")
    nodes = journey.active_version.graph["nodes"]
    clicks = []
    for friend_id, _key, walk in walks:
        delivered = [send for send in walk.sends if send[2] == "sent"]
        bought_at = walk.conversion.at if walk.conversion else None
        last_before = [send for send in delivered if bought_at and send[3] <= bought_at][-1:]
        url = walk.properties.get("checkout_url") or walk.properties.get("url") or SHOP
        for send in delivered:
            node_id, _step, _status, sent_at, _error = send
            mode = nodes[node_id].get("click_tracking", DEFAULT_MODE)
            rate = BUYER_CLICK_RATE if send in last_before else CLICK_RATE
            if mode == OFF or rng.random() >= rate:
                continue
            at = sent_at + timedelta(minutes=rng.uniform(0.5, 90))
            if bought_at and send in last_before:
                at = min(at, bought_at - timedelta(seconds=30))
            if at >= now or at <= sent_at:
                continue
            clicks.append(
                JourneyClick(
                    account=account,
                    journey=journey,
                    node_id=node_id,
                    friend_id=friend_id if mode == FRIEND else None,
                    url=url,
                    clicked_at=at,
                )
            )
    JourneyClick.objects.for_account(account).bulk_create(clicks, batch_size=BATCH)
    publish_many(account=account, activities=[_activity(click, people) for click in clicks])
    return len(clicks)


def _activity(click: JourneyClick, people: dict) -> ActivityInput:
    """The hub's ``link_click`` of the click, as the click redirect publishes it."""
    friend = people[click.friend_id] if click.friend_id else None
    return ActivityInput(
        kind=Activity.Kind.LINK_CLICK,
        occurred_at=click.clicked_at,
        friend_id=friend.pk if friend else None,
        line_user_id=friend.line_user_id if friend else "",
        payload={"url": click.url, "journey_id": click.journey_id, "node_id": click.node_id},
    )
