"""The demo OA's exports, written the way its manager would export them (per report, in its
language and encoding), from one friends story."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from insights.demo import engagement
from insights.demo.story import (
    FriendsStory,
    WebhookDay,
    friends_story,
    webhook_days,
    webhook_means,
    webhook_start,
)
from insights.demo.styles import (
    AGES,
    BROADCASTS,
    DAYS,
    GENDERS,
    POINT_TYPES,
    PROFILES,
    STYLES,
    campaign_name,
    card_name,
)

if TYPE_CHECKING:
    from oa_console.models import LineAccount


def csv_bytes(header: list[str], rows: list[list], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def export_files(
    account: LineAccount, slug: str, yesterday: date
) -> tuple[list[tuple[str, bytes]], FriendsStory]:
    language, base, organic = PROFILES[slug]
    style = STYLES[language]
    h = style.headers

    def export(name: str, rows: list[list]) -> tuple[str, bytes]:
        return name, csv_bytes(h[name], rows, style.encoding)

    rng = random.Random(f"insights:{slug}")
    first = yesterday - timedelta(days=DAYS - 1)
    webhook = webhook_days(account, first)
    story = friends_story(webhook, first, yesterday, base, rng)
    totals = story.reach
    files = [export("friends", story.rows)]
    files.append(export("gender", [[g, f"{p}%"] for g, p in GENDERS]))
    files.append(export("age", [[a, f"{p}%"] for a, p in AGES]))

    broadcast_rows = []
    for index in range(BROADCASTS):
        day = first + timedelta(days=int((index + 0.5) * DAYS / BROADCASTS))
        delivered = totals[day]
        opened = int(delivered * rng.uniform(0.35, 0.6))
        unique_opened = int(opened * 0.8)
        clicks = int(opened * rng.uniform(0.05, 0.2))
        unique_clicks = int(clicks * 0.85)
        broadcast_rows.append(
            [
                f"{day:%Y/%m/%d} {rng.choice([11, 12, 18, 19]):02d}:00",
                f"#{index + 1} {campaign_name(language, rng)}",
                f"{delivered:,}",
                f"{opened:,}",
                unique_opened if unique_opened >= 20 else "-",
                clicks,
                unique_clicks if unique_clicks >= 20 else "-",
                f"{round(100 * clicks / max(1, delivered), 1)}%",
            ]
        )
    files.append(export("broadcasts", broadcast_rows))
    start = webhook_start(webhook, first, yesterday)
    messages = {
        start + timedelta(days=n): (webhook.get(start + timedelta(days=n)) or WebhookDay()).messages
        for n in range((yesterday - start).days + 1)
    }
    files.append(
        export(
            "chats",
            engagement.chat_rows(
                first=first,
                days=DAYS,
                per_day=webhook_means(webhook, start, yesterday)[2],
                webhook_messages=messages,
                rng=rng,
            ),
        )
    )
    plans = engagement.coupon_plans(campaign_name(language, rng), DAYS)
    files.append(
        export(
            "coupons",
            engagement.coupon_rows(
                first=first, plans=plans, adds=story.adds, reach=story.reach, rng=rng
            ),
        )
    )
    card = engagement.reward_card(
        first=first,
        days=DAYS,
        organic=organic,
        card=card_name(language),
        point_types=POINT_TYPES[language],
        rng=rng,
    )
    files.append(export("reward_history", card.history))
    distribution: dict[int, int] = {}
    for points in card.balances.values():
        distribution[points] = distribution.get(points, 0) + 1
    files.append(export("reward_points", sorted(distribution.items())))
    files.append(export("reward_usage", card.usage))
    profile_rows = []
    for n in range(DAYS):
        day = first + timedelta(days=n)
        # Nine views per organic add keeps the smallest OA's unique visitors mostly above
        # LINE's masking floor of 20: at six, nine days in ten were "-" and the chart of a
        # 30-day range could hold a single point.
        views = max(0, int(rng.gauss(organic * 9, organic)))
        unique = int(views * 0.7)
        profile_rows.append([day.isoformat(), views, unique if unique >= 20 else "-"])
    files.append(export("profile", profile_rows))
    voom_rows = []
    for index in range(50):
        day = first + timedelta(days=int((index + 0.3) * DAYS / 50))
        impressions = rng.randint(500, 6000)
        voom_rows.append(
            [
                f"{day:%Y/%m/%d} 10:00",
                f"{campaign_name(language, rng)} #{index + 1}",
                impressions,
                int(impressions * 0.3),
                int(impressions * 0.6),
                rng.randint(0, 25),
                rng.randint(10, 120),
                int(impressions * 0.3),
                int(impressions * 0.1),
            ]
        )
    files.append(export("voom", voom_rows))
    return files, story
