"""docs/metrics.md lists every metric of the catalogue with the catalogue's own definition, so
the page marketers read and the code that computes the numbers cannot drift apart."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

from insights.metrics.catalogue import METRICS

DOC = Path(__file__).resolve().parents[3] / "docs" / "metrics.md"


def test_every_metric_is_documented_with_its_definition():
    text = DOC.read_text(encoding="utf-8")
    with translation.override("en"):
        missing = [
            m.name for m in METRICS if f"| `{m.name}`" not in text or str(m.definition) not in text
        ]
    assert missing == []


def test_the_issue_metric_names_exist():
    required = [
        "friends.total",
        "friends.target_reach",
        "friends.blocked",
        "friends.adds",
        "friends.blocks",
        "friends.net",
        "friends.block_rate",
        "friends.follows_webhook",
        "friends.unfollows_webhook",
        "broadcasts.delivered",
        "broadcasts.unique_impressions",
        "broadcasts.unique_clicks",
        "broadcasts.open_rate",
        "broadcasts.click_rate",
        "chats.active",
        "chats.received",
        "chats.sent",
        "coupons.claimed",
        "coupons.used",
        "rewards.points_awarded",
        "rewards.redeemed",
        "profile.views",
        "tags.coverage",
    ]
    names = {m.name for m in METRICS}
    assert [name for name in required if name not in names] == []
