"""seed_demo's last step fills the dashboards: the demo OA's pages have figures at once."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from insights.demo import seed_insight_imports
from insights.metrics.demo import seed_metrics
from oa_console.management.commands.seed_demo import SEED_STEPS, seed_tenancy
from tests.conftest import client_for
from webhooks.demo import seed_webhook_activity

pytestmark = pytest.mark.django_db


def test_demo_dashboards_are_full(django_user_model):
    assert SEED_STEPS[-1].__name__ == "_seed_metrics"
    demo, _created = seed_tenancy()
    seed_webhook_activity(demo)
    seed_insight_imports(demo)
    assert seed_metrics(demo) > 0
    assert seed_metrics(demo) == 0  # idempotent: nothing new the second time
    tokyo = demo.accounts["tokyo-cosmetics"]
    owner = django_user_model.objects.filter(memberships__workspace=tokyo.workspace).first()
    client = client_for(owner)
    kwargs = {"workspace_slug": tokyo.workspace.slug, "account_slug": tokyo.slug}
    html = client.get(reverse("account_insights", kwargs=kwargs)).content.decode()
    values = dict(
        re.findall(r'data-metric="([^"]+)".*?data-testid="kpi-value">([^<]*)<', html, flags=re.S)
    )
    for name in ("friends.total", "friends.target_reach", "friends.block_rate"):
        assert values[name] not in ("—", ""), name
    for name in ("insights_friends", "insights_broadcasts", "insights_coupons", "insights_profile"):
        page = client.get(reverse(name, kwargs=kwargs)).content.decode()
        assert 'data-testid="empty-state"' not in page, name
