"""Reads for tags: tags with their friend counts, coverage now (per OA, family and tag) and the
daily coverage trend from snapshots.

Coverage is the share of *following* friends carrying at least one tag of the scope: blocked
friends cannot be messaged, so tagging them does not help targeting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from oa_console.models import LineAccount
from segments.models import (
    Friend,
    FriendTag,
    Tag,
    TagCoverageSnapshot,
    TagFamily,
    TagRule,
    TagRuleBackfill,
)


@dataclass(frozen=True)
class Coverage:
    tagged: int
    following: int

    @property
    def share(self) -> float | None:
        return self.tagged / self.following if self.following else None

    @property
    def percent(self) -> float | None:
        return None if self.share is None else round(self.share * 100, 1)


@dataclass(frozen=True)
class CoverageReport:
    overall: Coverage
    families: list[tuple[TagFamily, Coverage]]
    tags: list[tuple[Tag, Coverage, int]]  # tag, coverage among following, all friends tagged


def tag_list(*, account: LineAccount) -> QuerySet[Tag]:
    return (
        Tag.objects.filter(account=account)
        .select_related("family")
        .annotate(
            friend_count=Count("friend_tags"),
            following_count=Count(
                "friend_tags", filter=Q(friend_tags__friend__status=Friend.Status.FOLLOWING)
            ),
        )
        .order_by("family__name", "name", "pk")
    )


def tag_choices(*, account: LineAccount) -> list[tuple[int, str]]:
    """(id, name) of every tag, for a form's choices: without tag_list's friend counts, which
    read every tagging of the OA."""
    return list(
        Tag.objects.filter(account=account).order_by("name", "pk").values_list("pk", "name")
    )


def tag_get(*, account: LineAccount, tag_id: int) -> Tag | None:
    return Tag.objects.filter(account=account, pk=tag_id).first()


def tag_family_list(*, account: LineAccount) -> QuerySet[TagFamily]:
    return TagFamily.objects.filter(account=account).order_by("name", "pk")


def tag_family_get(*, account: LineAccount, family_id: int) -> TagFamily | None:
    return TagFamily.objects.filter(account=account, pk=family_id).first()


def tag_rule_list(*, account: LineAccount) -> QuerySet[TagRule]:
    return TagRule.objects.filter(account=account).select_related("tag").order_by("tag__name", "pk")


def tag_rule_get(*, account: LineAccount, rule_id: int) -> TagRule | None:
    return TagRule.objects.filter(account=account, pk=rule_id).select_related("tag").first()


def tag_rule_backfills_latest(
    *, account: LineAccount, rule_ids: list[int]
) -> dict[int, TagRuleBackfill]:
    """The latest run over past events of each of these rules."""
    latest: dict[int, TagRuleBackfill] = {}
    for job in TagRuleBackfill.objects.filter(account=account, rule_id__in=rule_ids).order_by(
        "rule_id", "-created_at", "-pk"
    ):
        latest.setdefault(job.rule_id, job)
    return latest


def friend_tags(*, friend: Friend) -> QuerySet[FriendTag]:
    return (
        FriendTag.objects.filter(account_id=friend.account_id, friend=friend)
        .select_related("tag", "tag__family", "rule")
        .order_by("tag__name")
    )


def tag_coverage(*, account: LineAccount) -> CoverageReport:
    """Coverage today: three grouped queries whatever the number of tags and families."""
    following = Friend.objects.for_account(account).filter(status=Friend.Status.FOLLOWING)
    # The tag subquery is correlated to the outer (the OA's) following friend.
    totals = following.aggregate(
        following=Count("pk"),
        tagged=Count("pk", filter=Q(Exists(FriendTag.unscoped.filter(friend_id=OuterRef("pk"))))),
    )
    overall = Coverage(tagged=totals["tagged"], following=totals["following"])
    tagged_following = FriendTag.objects.for_account(account).filter(
        friend__status=Friend.Status.FOLLOWING
    )
    per_family = dict(
        tagged_following.filter(tag__family__isnull=False)
        .values("tag__family")
        .annotate(n=Count("friend", distinct=True))
        .values_list("tag__family", "n")
    )
    families = [
        (family, Coverage(per_family.get(family.pk, 0), overall.following))
        for family in TagFamily.objects.for_account(account).order_by("name", "pk")
    ]
    tags = [
        (tag, Coverage(tag.following_count, overall.following), tag.friend_count)
        for tag in tag_list(account=account)
    ]
    return CoverageReport(overall=overall, families=families, tags=tags)


def tag_counts_by_family(*, account: LineAccount) -> dict[int, int]:
    return dict(
        Tag.objects.filter(account=account, family__isnull=False)
        .values("family")
        .annotate(n=Count("pk"))
        .values_list("family", "n")
    )


def tag_coverage_of_families(
    *, account: LineAccount, families: Iterable[TagFamily]
) -> dict[int, Coverage]:
    """Coverage of some families (one API page): one grouped query plus the following count."""
    ids = [family.pk for family in families]
    following = Friend.objects.for_account(account).filter(status=Friend.Status.FOLLOWING).count()
    tagged = dict(
        FriendTag.objects.for_account(account)
        .filter(friend__status=Friend.Status.FOLLOWING, tag__family__in=ids)
        .values("tag__family")
        .annotate(n=Count("friend", distinct=True))
        .values_list("tag__family", "n")
    )
    return {pk: Coverage(tagged.get(pk, 0), following) for pk in ids}


def tag_with_coverage(*, account: LineAccount, tag_id: int) -> tuple[Tag, Coverage, int] | None:
    """One tag as a row of the coverage report: (tag, coverage among following, all tagged)."""
    tag = tag_list(account=account).filter(pk=tag_id).first()
    if tag is None:
        return None
    following = Friend.objects.for_account(account).filter(status=Friend.Status.FOLLOWING).count()
    return tag, Coverage(tag.following_count, following), tag.friend_count


def tag_coverage_trend(
    *, account: LineAccount, since: date | None = None
) -> dict[str, list[tuple[date, Coverage]]]:
    """Daily snapshots by scope (``all``, ``family:<id>``, ``tag:<id>``), oldest first."""
    rows = TagCoverageSnapshot.objects.filter(account=account)
    if since is not None:
        rows = rows.filter(date__gte=since)
    trend: dict[str, list[tuple[date, Coverage]]] = {}
    for day, scope, following, tagged in rows.order_by("date").values_list(
        "date", "scope", "following", "tagged"
    ):
        trend.setdefault(scope, []).append((day, Coverage(tagged, following)))
    return trend
