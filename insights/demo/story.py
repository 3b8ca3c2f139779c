"""The friends story the demo's exports tell: for the days the webhook demo covers, adds, blocks
and messages per day are its stored events, on top of a longer organic history."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from insights.demo import engagement
from insights.demo.styles import DAYS
from webhooks.selectors import webhook_event_daily_counts

if TYPE_CHECKING:
    from oa_console.models import LineAccount


@dataclass(frozen=True)
class WebhookDay:
    follows: int = 0
    unfollows: int = 0
    messages: int = 0


def webhook_days(account: LineAccount, first: date) -> dict[date, WebhookDay]:
    """Follows, unfollows and messages per day from the demo webhook activity (its selector)."""
    days = (date.today() - first).days + 2
    counts: dict[date, dict[str, int]] = {}
    for day, event_type, n in webhook_event_daily_counts(account=account, days=days):
        counts.setdefault(day, {})[event_type] = n
    return {
        day: WebhookDay(by.get("follow", 0), by.get("unfollow", 0), by.get("message", 0))
        for day, by in counts.items()
    }


@dataclass
class FriendsStory:
    """The friends export and what the other exports derive from it, per day."""

    rows: list[list]
    adds: dict[date, int]
    reach: dict[date, int]


def webhook_start(webhook: dict[date, WebhookDay], first: date, yesterday: date) -> date:
    """The first export day the webhook demo covers (after ``yesterday`` when none)."""
    days = [day for day in webhook if first <= day <= yesterday]
    return min(days) if days else yesterday + timedelta(days=1)


def webhook_means(
    webhook: dict[date, WebhookDay], start: date, yesterday: date
) -> tuple[float, float, float]:
    """Follows, unfollows and messages a day over the webhook's days: the organic history
    before them runs at the same pace, so no chart jumps where the webhook starts."""
    days = [webhook.get(start + timedelta(days=n)) for n in range((yesterday - start).days + 1)]
    if not days:
        return 1.0, 0.3, 1.0
    known = [day or WebhookDay() for day in days]
    return (
        sum(d.follows for d in known) / len(known),
        sum(d.unfollows for d in known) / len(known),
        sum(d.messages for d in known) / len(known),
    )


def friends_story(
    webhook: dict[date, WebhookDay], first: date, yesterday: date, base: int, rng: random.Random
) -> FriendsStory:
    """Running totals as LINE reports them; on the webhook demo's days, adds and blocks are
    its follow and unfollow events, before them an organic history at the same pace."""
    start = webhook_start(webhook, first, yesterday)
    adds_mean, blocks_mean, _messages = webhook_means(webhook, start, yesterday)
    rows, adds_by_day, reach_by_day = [], {}, {}
    contacts, blocks = base, int(base * 0.08)
    for n in range(DAYS):
        day = first + timedelta(days=n)
        if day >= start:
            known = webhook.get(day) or WebhookDay()
            adds, new_blocks = known.follows, known.unfollows
        else:
            adds = engagement.poisson(rng, adds_mean)
            new_blocks = engagement.poisson(rng, blocks_mean)
        contacts += adds
        blocks += new_blocks
        reach = int((contacts - blocks) * 0.86)
        adds_by_day[day], reach_by_day[day] = adds, reach
        rows.append([day.strftime("%Y%m%d"), contacts, reach, blocks])
    return FriendsStory(rows, adds_by_day, reach_by_day)
