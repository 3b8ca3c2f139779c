"""Reads of auto-reply rules and business hours, always within one OA."""

from __future__ import annotations

from django.db.models import QuerySet

from inbox.models import AutoReplyHandover, AutoReplyRule, BusinessHours
from oa_console.models import LineAccount


def auto_reply_rule_list(*, account: LineAccount) -> QuerySet[AutoReplyRule]:
    """Every rule of the OA in priority order, with its tags."""
    return (
        AutoReplyRule.objects.for_account(account)
        .prefetch_related("tags")
        .order_by("priority", "id")
    )


def auto_reply_rules_enabled(*, account: LineAccount) -> list[AutoReplyRule]:
    return list(auto_reply_rule_list(account=account).filter(enabled=True))


def auto_reply_rule_get(*, account: LineAccount, rule_id: int) -> AutoReplyRule | None:
    return auto_reply_rule_list(account=account).filter(pk=rule_id).first()


def business_hours_get(*, account: LineAccount) -> BusinessHours | None:
    return BusinessHours.objects.for_account(account).first()


def auto_reply_handover_get(*, account: LineAccount, conversation_id: int):
    """The rule's handover of this conversation, if one is in force (for its marker), with
    the rule's answer (the marker says when it did not reach the friend)."""
    return (
        AutoReplyHandover.objects.for_account(account)
        .filter(conversation_id=conversation_id)
        .select_related("send")
        .first()
    )
