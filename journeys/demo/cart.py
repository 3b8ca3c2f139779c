"""The demo's abandoned cart: a ``cart_abandoned`` custom event for a demo friend, sent the
real way (segments' ``custom_events_record``, the activity hub, the journeys trigger), so the
cart-abandonment journey enrols the friend exactly as it would for the brand's shop.

Only for the embedded demo (``make run``: ``DEBUG`` with the simulated LINE), where the
journeys' waits are shortened (``JOURNEYS_WAIT_SCALE``): the 1-hour reminder then reaches the
simulated LINE within a minute. The same event posted to the custom events API
(``POST /api/v1/accounts/<id>/events/``) takes the same way.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from journeys.demo.plans import IMAGES, SHOP
from journeys.demo.texts import catalogue_of
from journeys.models import Enrolment, Journey
from oa_console.models import LineAccount
from segments.models import Friend
from segments.services.events import EventsResult, custom_events_record

EVENT = "cart_abandoned"
# Candidates the demo picks a friend from: the first following friends with a name.
CANDIDATES = 200


@dataclass(frozen=True)
class DemoCart:
    friend: Friend | None
    event: dict | None
    result: EventsResult | None
    # Active journeys of the OA that a cart_abandoned event starts (none: nothing will happen).
    journeys: list[Journey]


def cart_journeys(*, account: LineAccount) -> list[Journey]:
    """The OA's active journeys whose trigger is the ``cart_abandoned`` custom event."""
    return [
        journey
        for journey in Journey.objects.for_account(account)
        .filter(status=Journey.Status.ACTIVE, active_version__isnull=False)
        .select_related("active_version")
        .order_by("pk")
        if (journey.active_version.graph.get("trigger") or {}).get("event") == EVENT
        and journey.active_version.graph["trigger"].get("kind") == "custom_event"
    ]


def _demo_friend(account: LineAccount, journeys: list[Journey], rng: random.Random):
    """A following friend not already in one of those journeys (a journey allows one cart at
    a time per friend), picked at random so successive clicks show different friends."""
    busy = Enrolment.objects.for_account(account).filter(
        journey__in=journeys, state__in=Enrolment.IN_FLIGHT
    )
    candidates = list(
        Friend.objects.for_account(account)
        .filter(status=Friend.Status.FOLLOWING, erased_at=None)
        .exclude(display_name="")
        .exclude(pk__in=busy.values("friend_id"))
        .order_by("pk")[:CANDIDATES]
    )
    return rng.choice(candidates) if candidates else None


def cart_event(*, account: LineAccount, friend: Friend, now: datetime, rng: random.Random) -> dict:
    """A realistic abandoned cart of the OA's shop, as the shop's backend would post it."""
    catalogue = catalogue_of(account.slug)
    products = rng.sample(catalogue, k=rng.choice([1, 2, 3]))
    cart_id = f"C{uuid.uuid4().hex[:10].upper()}"
    items = [
        {
            "name": product.name,
            "price": product.price,
            "image_url": f"{IMAGES}/{account.slug}/{product.sku}.jpg",
            "url": f"{SHOP}/{account.slug}/{product.sku}",
        }
        for product in products
    ]
    return {
        "friend": {"line_user_id": friend.line_user_id},
        "name": EVENT,
        "occurred_at": now.isoformat(),
        "idempotency_key": f"demo-{cart_id}",
        "properties": {
            "cart_id": cart_id,
            "items": items,
            "total": sum(item["price"] for item in items),
            "checkout_url": f"{SHOP}/{account.slug}/checkout/{cart_id}",
        },
    }


def demo_cart_abandon(*, account: LineAccount, now: datetime | None = None) -> DemoCart:
    """Abandon a cart for a demo friend; the journeys trigger enrols them through the hub."""
    now = now or timezone.now()
    journeys = cart_journeys(account=account)
    rng = random.Random()
    friend = _demo_friend(account, journeys, rng)
    if friend is None:
        return DemoCart(friend=None, event=None, result=None, journeys=journeys)
    event = cart_event(account=account, friend=friend, now=now, rng=rng)
    result = custom_events_record(account=account, events=[event])
    return DemoCart(friend=friend, event=event, result=result, journeys=journeys)
