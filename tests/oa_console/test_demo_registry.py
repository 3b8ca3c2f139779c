"""The demo's steps, registered by each app in its ``ready()``: all there, in the order the
data builds on itself (webhook friends first, the audit log after every audited step, the
dashboards' rollups last)."""

import pytest

from oa_console.demo import DemoStep, demo_steps, register_demo_step


def test_every_app_registers_its_demo_steps_in_order():
    assert [step.name for step in demo_steps()] == [
        "seed_webhook_activity",
        "seed_insight_imports",
        "seed_crm",
        "seed_coupons",
        "seed_forms",
        "seed_rich_menus",
        "seed_broadcasts",
        "seed_follower_sync",
        "seed_journeys",
        "seed_chats",
        "seed_saved_replies",
        "seed_team",
        "seed_chat_media",
        "seed_auto_replies",
        "seed_auto_reply_history",
        "seed_audit_log",
        "seed_metrics",
    ]


def test_two_steps_cannot_claim_the_same_place():
    def seed_something_else(demo) -> int:
        return 0

    taken = demo_steps()[0]
    with pytest.raises(ValueError, match=taken.name):
        register_demo_step(taken.order, seed_something_else)
    assert all(isinstance(step, DemoStep) for step in demo_steps())
    assert "seed_something_else" not in [step.name for step in demo_steps()]
