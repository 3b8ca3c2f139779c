"""Who entered each demo journey, when, with which event, and whether they bought afterwards.

Each starter gets the triggers it would really have had: carts abandoned in the evening,
a price drop enrolling a product's viewers all at once, new friends on the day they followed,
birthdays at 10:00 on the day, the win-back's daily 11:00 run, orders for the thank-you and the
review request. The purchase rates are the ones brands on LINE report: about one cart in ten
recovered (a third of those before the reminder goes out), a welcome series that doubles the
first-order rate of the held-back friends, a few percent for a price drop.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from journeys.demo.history import Purchase
from journeys.demo.texts import Product, catalogue_of

SHOP = "https://shop.example.com"
IMAGES = "https://images.example.com/products"


@dataclass(frozen=True)
class Behaviour:
    target: int  # enrolments in an OA of 6,000 following friends or more
    days: int  # how long the journey has been active
    convert: dict[str, float]  # purchase probability per split arm ("" without a split)
    # (share of buyers, from hours, to hours after entering)
    delays: tuple[tuple[float, float, float], ...] = ()
    engaged: float = 0.4  # share on a branch's "yes" path


BEHAVIOURS: dict[str, Behaviour] = {
    "cart_abandonment": Behaviour(
        2400, 120, {"": 0.10}, ((0.35, 0.05, 1.0), (0.4, 1.0, 25.0), (0.25, 25.0, 168.0))
    ),
    "price_drop": Behaviour(1500, 90, {"": 0.07}, ((0.6, 0.05, 6.0), (0.4, 6.0, 72.0))),
    "welcome_series": Behaviour(
        1600,
        120,
        {"series": 0.12, "control": 0.06},
        ((0.3, 1.0, 72.0), (0.4, 72.0, 168.0), (0.3, 168.0, 336.0)),
    ),
    "first_purchase": Behaviour(600, 120, {}),
    "birthday": Behaviour(500, 120, {"": 0.16}, ((0.5, 0.5, 24.0), (0.5, 24.0, 168.0))),
    "win_back": Behaviour(1200, 120, {"": 0.09}, ((0.6, 1.0, 168.0), (0.4, 168.0, 336.0))),
    "post_purchase_review": Behaviour(1000, 120, {}),
}


@dataclass(frozen=True)
class DemoFriend:
    pk: int
    display_name: str
    line_user_id: str
    first_followed_at: datetime | None
    birthday: date | None


@dataclass(frozen=True)
class Start:
    friend: DemoFriend
    at: datetime
    properties: dict
    dedupe_key: str
    purchase: Purchase | None
    # The split arm the friend will take: drawn here, since whether they buy depends on it.
    arm: str = ""


class Planner:
    """Draws one journey's enrolments in one OA."""

    def __init__(
        self,
        *,
        slug: str,
        zone: ZoneInfo,
        now: datetime,
        rng: random.Random,
        friends: list[DemoFriend],
    ):
        self.slug, self.zone, self.now, self.rng, self.friends = slug, zone, now, rng, friends
        self.catalogue: tuple[Product, ...] = catalogue_of(slug)
        self.scale = min(1.0, max(0.3, len(friends) / 6000))

    def count(self, behaviour: Behaviour) -> int:
        return min(int(behaviour.target * self.scale), int(len(self.friends) * 0.8))

    def _moment(self, days: int) -> datetime:
        """A time in the last ``days`` days, more of them recent (the OA grows), in the evening
        rather than at night in the OA's zone."""
        ago = days * (1 - math.sqrt(self.rng.random()))
        day = (self.now - timedelta(days=ago)).astimezone(self.zone).date()
        hour = self.rng.choices(range(24), weights=[1] * 7 + [3] * 11 + [6] * 5 + [2])[0]
        moment = datetime.combine(
            day, time(hour, self.rng.randint(0, 59), self.rng.randint(0, 59)), self.zone
        )
        return min(moment, self.now - timedelta(minutes=self.rng.randint(1, 90)))

    def _purchase(self, behaviour: Behaviour, at: datetime, arm: str, revenue: int):
        if self.rng.random() >= behaviour.convert.get(arm, 0):
            return None
        roll = self.rng.random()
        for share, low, high in behaviour.delays:
            if roll < share:
                return Purchase(at + timedelta(hours=self.rng.uniform(low, high)), revenue)
            roll -= share
        return None

    def _basket(self) -> list[Product]:
        return self.rng.sample(self.catalogue, k=self.rng.choice([1, 1, 1, 2, 2, 3]))

    def _item(self, product: Product) -> dict:
        return {
            "name": product.name,
            "price": product.price,
            "image_url": f"{IMAGES}/{self.slug}/{product.sku}.jpg",
            "url": f"{SHOP}/{self.slug}/{product.sku}",
        }

    def starts(self, key: str, behaviour: Behaviour) -> Iterator[Start]:
        """The enrolments of the starter ``key``, oldest first."""
        yield from sorted(getattr(self, f"_{key}")(behaviour), key=lambda start: start.at)

    def _start(self, behaviour, friend, at, properties, dedupe="", revenue=0, arm_split=None):
        arm = ""
        if arm_split is not None:
            arm = "control" if self.rng.random() < arm_split else "series"
        revenue = revenue or sum(p.price for p in self._basket())
        purchase = self._purchase(behaviour, at, arm, revenue)
        return Start(friend, at, properties, dedupe, purchase, arm)

    def _sample(self, behaviour: Behaviour) -> list[DemoFriend]:
        return self.rng.sample(self.friends, k=self.count(behaviour))

    def _cart_abandonment(self, behaviour: Behaviour) -> Iterator[Start]:
        for friend in self._sample(behaviour):
            at = self._moment(behaviour.days)
            items = [self._item(product) for product in self._basket()]
            cart_id = f"C{self.rng.randrange(10**7, 10**8)}"
            total = sum(item["price"] for item in items)
            properties = {
                "cart_id": cart_id,
                "items": items,
                "total": total,
                "checkout_url": f"{SHOP}/{self.slug}/checkout/{cart_id}",
            }
            yield self._start(behaviour, friend, at, properties, cart_id, total)

    def _price_drop(self, behaviour: Behaviour) -> Iterator[Start]:
        """One drop per product on its own day; each enrols that product's recent viewers."""
        viewers = self._sample(behaviour)
        drops = list(self.catalogue)
        days = sorted(self.rng.sample(range(2, behaviour.days), k=len(drops)))
        for index, friend in enumerate(viewers):
            product = drops[index % len(drops)]
            day = (self.now - timedelta(days=days[index % len(drops)])).astimezone(self.zone)
            at = datetime.combine(day.date(), time(12, 0), self.zone) + timedelta(
                seconds=self.rng.randint(0, 40)
            )
            new_price = int(product.price * 0.8)
            properties = {
                "item_id": product.sku,
                "item_name": product.name,
                "old_price": product.price,
                "new_price": new_price,
                "url": f"{SHOP}/{self.slug}/{product.sku}",
            }
            yield self._start(behaviour, friend, at, properties, product.sku, new_price)

    def _welcome_series(self, behaviour: Behaviour) -> Iterator[Start]:
        start = self.now - timedelta(days=behaviour.days)
        for friend in self._sample(behaviour):
            followed = friend.first_followed_at
            at = followed if followed and followed > start else self._moment(behaviour.days)
            yield self._start(behaviour, friend, at, {}, arm_split=0.2)

    def _first_purchase(self, behaviour: Behaviour) -> Iterator[Start]:
        for friend in self._sample(behaviour):
            total = sum(product.price for product in self._basket())
            order_id = f"A{self.rng.randrange(10**6, 10**7)}"
            yield self._start(
                behaviour,
                friend,
                self._moment(behaviour.days),
                {"order_id": order_id, "total": total},
            )

    def _birthday(self, behaviour: Behaviour) -> Iterator[Start]:
        """Friends whose birthday fell in the journey's months, at 10:00 on the day."""
        first = (self.now - timedelta(days=behaviour.days)).astimezone(self.zone).date()
        today = self.now.astimezone(self.zone).date()
        chosen = []
        for friend in self.friends:
            if friend.birthday is None:
                continue
            for year in (first.year, today.year):
                try:
                    day = friend.birthday.replace(year=year)
                except ValueError:  # 29 February
                    continue
                moment = datetime.combine(day, time(10, 0), self.zone)
                if first <= day and moment <= self.now:
                    chosen.append((friend, moment))
                    break
        for friend, moment in chosen[: self.count(behaviour)]:
            at = moment + timedelta(seconds=self.rng.randint(0, 30))
            yield self._start(behaviour, friend, at, {})

    def _win_back(self, behaviour: Behaviour) -> Iterator[Start]:
        for friend in self._sample(behaviour):
            day = self._moment(behaviour.days - 1).date()
            at = datetime.combine(day, time(11, 0), self.zone) + timedelta(
                seconds=self.rng.randint(0, 60)
            )
            if at < self.now:
                yield self._start(behaviour, friend, at, {})

    def _post_purchase_review(self, behaviour: Behaviour) -> Iterator[Start]:
        for friend in self._sample(behaviour):
            order_id = f"A{self.rng.randrange(10**6, 10**7)}"
            properties = {
                "order_id": order_id,
                "review_url": f"{SHOP}/{self.slug}/review/{order_id}",
            }
            yield self._start(behaviour, friend, self._moment(behaviour.days), properties, order_id)
