"""Reads for the rich menu rules page and API: the rules with how many friends each shows its
menu to, one rule, and the latest assignment run."""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from oa_console.models import LineAccount
from richmenus.models import FriendRichMenu, RichMenuAssignment, RichMenuRule


def rich_menu_rule_list(*, account: LineAccount) -> QuerySet[RichMenuRule]:
    """Segment rules first (by priority), then tag rules; ``linked`` counts the friends whose
    current per-user menu came from the rule."""
    linked = (
        FriendRichMenu.objects.for_account(account)
        .filter(rule_id=OuterRef("pk"))
        .values("rule_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        RichMenuRule.objects.for_account(account)
        .select_related("segment", "tag", "menu")
        .annotate(linked=Coalesce(Subquery(linked), Value(0)))
        .order_by("kind", "priority", "pk")
    )


def rich_menu_rule_get(*, account: LineAccount, rule_id: int) -> RichMenuRule | None:
    return rich_menu_rule_list(account=account).filter(pk=rule_id).first()


def rich_menu_assignment_latest(*, account: LineAccount) -> RichMenuAssignment | None:
    return RichMenuAssignment.objects.for_account(account).first()


def rich_menu_assignment_get(
    *, account: LineAccount, assignment_id: int
) -> RichMenuAssignment | None:
    return RichMenuAssignment.objects.for_account(account).filter(pk=assignment_id).first()
