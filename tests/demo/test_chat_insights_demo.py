"""The demo's chats feed Insights → Chats: every demo OA has answers by a person and by its
auto-replies (each marked with its rule and kind), and response times: minutes for people,
about a second for auto-replies."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from inbox.models import AutoReplyHandover, ConversationMessage
from oa_console.models import LineAccount, User
from oa_console.tenancy import tenant_scope
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DEMO_OAS = ("taipei-cafe", "tokyo-cosmetics", "bangkok-fitness", "kumo-tea")


def _waits(messages) -> list[float]:
    return [
        waited.total_seconds()
        for waited in messages.filter(responded_after__isnull=False).values_list(
            "responded_after", flat=True
        )
    ]


@pytest.mark.parametrize("slug", DEMO_OAS)
def test_each_demo_oa_has_automatic_answers_with_their_rule_and_response_times(slug):
    account = LineAccount.unscoped.select_related("workspace").get(slug=slug)
    with tenant_scope(workspace=account.workspace, account=account):
        out = ConversationMessage.objects.for_account(account).filter(direction="out")
        automatic, manual = out.filter(sent_by="auto_reply"), out.filter(sent_by="manual")
        kinds = set(automatic.values_list("auto_reply_kind", flat=True))
        assert {"greeting", "keyword", "away"} <= kinds
        if slug in ("tokyo-cosmetics", "kumo-tea"):  # their rich menu's postback rule
            assert "postback" in kinds
        assert not automatic.filter(auto_reply_rule__isnull=True).exists()
        assert all(
            message.auto_reply_kind == message.auto_reply_rule.kind
            for message in automatic.select_related("auto_reply_rule")
        )
        auto_waits, manual_waits = _waits(automatic), _waits(manual)
        assert len(auto_waits) >= 3 and all(0.5 <= wait <= 2 for wait in auto_waits)
        assert len(manual_waits) >= 3 and all(60 <= wait <= 2 * 3600 for wait in manual_waits)
        assert AutoReplyHandover.objects.for_account(account).exists()


def _figure(page: str, testid: str) -> int:
    match = re.search(rf'data-testid="{testid}">([\d,]+)<', page)
    assert match, testid
    return int(match[1].replace(",", ""))


@pytest.mark.parametrize("slug", DEMO_OAS)
def test_the_chats_insights_page_of_each_demo_oa_shows_both_kinds_and_response_times(slug):
    account = LineAccount.unscoped.select_related("workspace").get(slug=slug)
    owner = User.objects.get(email="owner@demo.example")
    url = reverse("insights_chats", args=[account.workspace.slug, slug])
    page = client_for(owner).get(url).content.decode()
    assert _figure(page, "chat-inbox-manual") > 0
    assert _figure(page, "chat-inbox-automatic") > 0
    assert 'id="chart-inbox-answers"' in page
    assert 'id="chart-inbox-response-times"' in page
    assert "No answers to a waiting friend in this range." not in page
