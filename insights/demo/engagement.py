"""The demo's engagement exports, day by day: chat statistics, coupons per day and coupon, and
the reward card's point history with a usage report for every day it covers.

``insights.demo`` writes them as the OA's manager would export them and uploads them through the
import path; this module only decides the numbers. They follow the same friends story as the
friends export (``reach`` and adds per day), so every page tells one story: a
coupon launched with a broadcast draws views from the friends it reached, chats grow with the
friends, and the reward card's usage report is the running total of its own point history.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

# A chat answered by a person writes about 1.4 messages; one auto-reply writes one.
MESSAGES_PER_MANUAL = 1.4
# The OA sets up auto-replies over the period: the share answered by hand falls from 45% to 20%.
MANUAL_SHARE_FIRST, MANUAL_SHARE_LAST = 0.45, 0.20
REWARD_GOAL = 10  # points for a voucher
DOUBLE_POINTS_WEEKDAY = 5  # Saturday


def poisson(rng: random.Random, mean: float) -> int:
    """A count of independent events with this daily mean (Knuth's method; means are small)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def chat_rows(
    *,
    first: date,
    days: int,
    per_day: float,
    webhook_messages: dict[date, int],
    rng: random.Random,
) -> list[list]:
    """One row per day: date, active chats, received, sent, manual and automatic responses.

    On the days the webhook demo covers, messages received are its message events (what the
    console itself counted), so the Chats page and the webhook figures agree; before them,
    friends wrote at the same pace."""
    rows = []
    for n in range(days):
        day = first + timedelta(days=n)
        received = webhook_messages.get(day)
        if received is None:
            received = poisson(rng, per_day)
        active = min(received, round(received * rng.uniform(0.55, 0.75)))
        share = MANUAL_SHARE_FIRST + (MANUAL_SHARE_LAST - MANUAL_SHARE_FIRST) * n / (days - 1)
        answered = round(received * rng.uniform(0.8, 0.95))
        manual = round(answered * rng.uniform(share - 0.05, share + 0.05))
        auto = answered - manual
        sent = round(manual * MESSAGES_PER_MANUAL) + auto
        rows.append([day.isoformat(), active, received, sent, manual, auto])
    return rows


@dataclass(frozen=True)
class CouponPlan:
    name: str
    start: int  # first day (index into the period)
    length: int  # days it can be claimed
    # Always-on coupons: views per friend added that day (welcome) or share of the reach
    # viewing it each day (birthday); campaigns: share of the reach that views it on launch
    # day, then decaying.
    per_add: float = 0.0
    daily_share: float = 0.0
    launch_share: float = 0.0


def coupon_plans(campaign: str, days: int) -> list[CouponPlan]:
    """A welcome and a birthday coupon all along, and three campaign coupons of six weeks."""
    return [
        CouponPlan("Welcome", 0, days, per_add=0.9),
        # About one friend in 365 has a birthday each day; most of them open the coupon.
        CouponPlan("Birthday", 0, days, daily_share=0.8 / 365),
        CouponPlan(f"{campaign} 10%OFF", days // 8, 42, launch_share=0.06),
        CouponPlan("Spring", days // 2, 42, launch_share=0.05),
        CouponPlan("VIP", days - 50, 42, launch_share=0.035),
    ]


def coupon_rows(
    *,
    first: date,
    plans: list[CouponPlan],
    adds: dict[date, int],
    reach: dict[date, int],
    rng: random.Random,
) -> list[list]:
    """One row per day and live coupon: date, name, views, claimed, used.

    Views fall from the launch day with a half-life of five days; about a third of the views
    claim it and about half of the claims are used, so views > claimed > used on every row."""
    rows = []
    for plan in plans:
        for n in range(plan.start, plan.start + plan.length):
            day = first + timedelta(days=n)
            if day not in reach:
                break  # a campaign still running today: its days so far
            if plan.per_add:
                views = round(adds.get(day, 0) * plan.per_add * rng.uniform(0.8, 1.2))
            elif plan.daily_share:
                views = round(reach[day] * plan.daily_share * rng.uniform(0.8, 1.2))
            else:
                decay = math.pow(0.5, (n - plan.start) / 5)
                views = round(reach[day] * plan.launch_share * decay * rng.uniform(0.8, 1.2)) + 2
            claimed = min(views, round(views * rng.uniform(0.28, 0.42)))
            used = min(claimed, round(claimed * rng.uniform(0.4, 0.6)))
            rows.append([day.isoformat(), plan.name, views, claimed, used])
    return rows


@dataclass
class RewardCard:
    """The point history of one reward card and its usage report per day (running totals)."""

    history: list[list] = field(default_factory=list)
    usage: list[list] = field(default_factory=list)
    balances: dict[str, int] = field(default_factory=dict)


def reward_card(
    *,
    first: date,
    days: int,
    organic: int,
    card: str,
    point_types: list[str],
    rng: random.Random,
) -> RewardCard:
    """Visits a day grow with the friends; a first visit issues a card (with its welcome
    bonus), Saturdays earn double points, and a customer holding ``REWARD_GOAL`` points may
    exchange them for a voucher. Each day's usage row is the running total up to that day."""
    result = RewardCard()
    customers: list[str] = []
    earned: dict[str, int] = {}
    visit_points = expired = vouchers_used = deleted = 0
    visit, voucher = point_types
    for n in range(days):
        day = first + timedelta(days=n)
        growth = 0.6 + 0.8 * n / days
        seen: set[tuple[datetime, str, str]] = set()
        for _visit in range(max(0, round(rng.gauss(organic * growth, organic / 3)))):
            if not customers or rng.random() < 0.25:
                customers.append(f"C{rng.randrange(16**8):08X}")
                customer = customers[-1]
            else:
                customer = rng.choice(customers)
            at = datetime(day.year, day.month, day.day, rng.randint(9, 20), rng.randint(0, 59))
            at = at.replace(second=rng.randint(0, 59))
            if result.balances.get(customer, 0) >= REWARD_GOAL and rng.random() < 0.5:
                kind, points = voucher, -REWARD_GOAL
            else:
                kind, points = visit, 2 if day.weekday() == DOUBLE_POINTS_WEEKDAY else 1
            if (at, customer, kind) in seen:
                continue
            seen.add((at, customer, kind))
            result.balances[customer] = result.balances.get(customer, 0) + points
            if points > 0:
                visit_points += points
                earned[customer] = earned.get(customer, 0) + points
            else:
                vouchers_used += 1
            result.history.append([at.strftime("%Y/%m/%d %H:%M:%S"), customer, kind, points])
        if n % 30 == 29:
            expired += rng.randint(0, 12)
            deleted += rng.randint(0, 2)
        issued = len(customers)
        vouchers_awarded = sum(points // REWARD_GOAL for points in earned.values())
        result.usage.append(
            [
                day.isoformat(),
                card,
                issued - min(deleted, issued),
                issued,
                visit_points,
                issued,
                expired,
                max(vouchers_awarded, vouchers_used),
                vouchers_used,
                min(deleted, issued),
            ]
        )
    return result
