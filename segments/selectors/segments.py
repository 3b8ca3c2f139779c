"""Reads for segments: evaluate a rule tree (count, members, sample) and list saved segments.

Each evaluation validates the tree against the OA (its tags and attributes), compiles it to one
filter and runs one query; ``now`` defaults to the current time and is a parameter so that tests
and previews can pin the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from oa_console.models import LineAccount
from segments.models import Friend, Segment
from segments.rules.compiler import rules_compile
from segments.rules.validation import RuleContext, rules_validate

SAMPLE_SIZE = 20


@dataclass(frozen=True)
class SegmentCount:
    count: int
    reachable: int


def segment_friends(
    *,
    account: LineAccount,
    rules: dict,
    now: datetime | None = None,
    context: RuleContext | None = None,
) -> QuerySet[Friend]:
    """The OA's friends matching ``rules``; raises ``RulesInvalid`` (with JSON paths)."""
    context = context or RuleContext.for_account(account)
    rules_validate(rules, context=context)
    condition = rules_compile(rules, context=context, now=now or timezone.now())
    return Friend.objects.filter(account=account).filter(condition)


def segment_count(
    *, account: LineAccount, rules: dict, now: datetime | None = None
) -> SegmentCount:
    """Matching and reachable (following) friends, in one query."""
    totals = segment_friends(account=account, rules=rules, now=now).aggregate(
        count=Count("pk"), reachable=Count("pk", filter=Q(status=Friend.Status.FOLLOWING))
    )
    return SegmentCount(count=totals["count"], reachable=totals["reachable"])


def segment_members(
    *, account: LineAccount, rules: dict, now: datetime | None = None
) -> QuerySet[Friend]:
    """Members in a stable order for paging and export: most recently active first."""
    return segment_friends(account=account, rules=rules, now=now).order_by(
        F("last_interaction_at").desc(nulls_last=True), "pk"
    )


def segment_sample(
    *, account: LineAccount, rules: dict, now: datetime | None = None, size: int = SAMPLE_SIZE
) -> list[Friend]:
    return list(segment_members(account=account, rules=rules, now=now)[:size])


def segment_list(*, account: LineAccount) -> QuerySet[Segment]:
    return Segment.objects.filter(account=account).order_by("name", "pk")


def segment_get(*, account: LineAccount, segment_id: int) -> Segment | None:
    return Segment.objects.filter(account=account, pk=segment_id).first()


def segments_of_friend(*, friend: Friend, now: datetime | None = None) -> list[Segment]:
    """Saved segments the friend is in: one small query per segment (an OA has tens, not
    thousands), each probing only this friend's row."""
    account = friend.account
    context = RuleContext.for_account(account)
    now = now or timezone.now()
    found = []
    for segment in segment_list(account=account):
        try:
            matches = segment_friends(
                account=account, rules=segment.rules, now=now, context=context
            ).filter(pk=friend.pk)
            if matches.exists():
                found.append(segment)
        except ValueError:
            continue  # a saved tree that no longer validates (a deleted tag) matches no one
    return found
