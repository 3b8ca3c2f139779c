"""seed_demo's broadcast step: every state on the calendar, one sent with results, idempotent."""

from __future__ import annotations

import pytest

from broadcasts.demo import seed_broadcasts
from broadcasts.models import Broadcast, Click
from broadcasts.variant_selectors import broadcast_variant_results
from oa_console.demo import demo_steps
from oa_console.management.commands.seed_demo import seed_tenancy
from segments.demo.crm import seed_crm
from webhooks.demo import seed_webhook_activity

pytestmark = pytest.mark.django_db


def test_demo_has_a_content_plan_in_every_state():
    assert any(step.name == "seed_broadcasts" for step in demo_steps())
    demo, _created = seed_tenancy()
    seed_webhook_activity(demo)
    seed_crm(demo)
    assert seed_broadcasts(demo) > 0
    tokyo = demo.accounts["tokyo-cosmetics"]
    statuses = sorted(Broadcast.unscoped.filter(account=tokyo).values_list("status", flat=True))
    assert statuses == ["draft", "draft", "in_review", "scheduled", "scheduled", "sent", "sent"]
    sent = Broadcast.unscoped.get(account=tokyo, status="sent", variants__isnull=True)
    assert sent.recipients > 0 and sent.accepted_count == sent.recipients
    assert Click.unscoped.filter(broadcast=sent).exists()
    ab_test = Broadcast.unscoped.filter(account=tokyo, variants__isnull=False).distinct().get()
    results = broadcast_variant_results(broadcast=ab_test)
    assert [row.delivered > 0 for row in results.rows] == [True, True]
    assert results.waiting > 0 and results.leader is not None
    assert seed_broadcasts(demo) == 0
