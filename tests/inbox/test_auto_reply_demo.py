"""The demo's auto-replies: every demo OA answers in its language, and a second run adds
nothing."""

from __future__ import annotations

import pytest

from inbox.autoreplies.matching import AutoReplyEvent, rule_for
from inbox.demo.auto_replies import seed_auto_replies
from inbox.models import AutoReplyRule, BusinessHours
from oa_console.tenancy import tenant_scope
from tests.factories import LineAccountFactory

pytestmark = pytest.mark.django_db


class _Demo:
    def __init__(self, accounts):
        self.accounts = accounts


def test_each_demo_oa_gets_rules_in_its_language_and_business_hours(workspace):
    accounts = {
        slug: LineAccountFactory(workspace=workspace, slug=slug)
        for slug in ("taipei-cafe", "tokyo-cosmetics", "bangkok-fitness")
    }
    demo = _Demo(accounts)
    created = seed_auto_replies(demo)
    assert created == 16  # 5 + 6 + 5 rules
    assert seed_auto_replies(demo) == 0
    samples = {
        "taipei-cafe": ("請問營業時間?", "營業時間"),
        "tokyo-cosmetics": ("注文 #1042 が届きません", "注文番号"),
        "bangkok-fitness": ("อยากสมัครสมาชิกค่ะ", "สมัครสมาชิก"),
    }
    for slug, (sample, expected) in samples.items():
        account = accounts[slug]
        with tenant_scope(workspace=workspace, account=account):
            rules = list(AutoReplyRule.objects.for_account(account))
            greeting = rule_for(rules, AutoReplyEvent("follow"), open_now=True)
            assert "{displayName}" in greeting.messages[0]["text"]
            answered = rule_for(rules, AutoReplyEvent("message", text=sample), open_now=True)
            assert answered.name == expected
            away = rule_for(rules, AutoReplyEvent("message", text="?"), open_now=False)
            assert away.kind == "away"
            assert len(BusinessHours.objects.for_account(account).get().windows) == 6
            # The hand-over rule's tag is named in the OA's language too (not ASCII).
            tags = {tag.name for rule in rules for tag in rule.tags.all()}
            assert tags and all(not name.isascii() for name in tags), tags
