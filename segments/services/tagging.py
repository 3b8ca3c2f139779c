"""Writes for tags: families, tags, and tags on friends (each with its source and time).

Tagging is idempotent: a friend keeps the first source and time a tag was given with, so a rule
re-applied to past events, an import run twice or an API call retried never duplicates a tag or
rewrites its history. Each tag a friend gains or loses is published to the activity hub.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oa_console.activity.models import Activity
from oa_console.activity.publishing import ActivityInput, publish_many
from oa_console.models import LineAccount
from segments.models import FriendTag, Tag, TagFamily, TagRule

BULK_SIZE = 1000


def _unique_name_error(field: str = "name") -> ValidationError:
    return ValidationError({field: [_("This name is already used in this OA.")]})


@transaction.atomic
def tag_family_create(
    *, account: LineAccount, name: str, coverage_goal: int | None = None
) -> TagFamily:
    name = name.strip()
    if TagFamily.objects.for_account(account).filter(name=name).exists():
        raise _unique_name_error()
    return TagFamily.objects.for_account(account).create(
        account=account, name=name, coverage_goal=coverage_goal
    )


@transaction.atomic
def tag_family_update(*, family: TagFamily, name: str, coverage_goal: int | None) -> TagFamily:
    name = name.strip()
    if (
        TagFamily.objects.for_account(family.account)
        .filter(name=name)
        .exclude(pk=family.pk)
        .exists()
    ):
        raise _unique_name_error()
    family.name, family.coverage_goal = name, coverage_goal
    family.save(update_fields=["name", "coverage_goal"])
    return family


@transaction.atomic
def tag_family_delete(*, family: TagFamily) -> None:
    """Its tags stay, without a family (friends keep them; segments refer to tags by id)."""
    family.delete()


@transaction.atomic
def tag_create(
    *,
    account: LineAccount,
    name: str,
    family: TagFamily | None = None,
    description: str = "",
) -> Tag:
    name = name.strip()
    if family is not None and family.account_id != account.pk:
        raise ValidationError({"family": [_("Unknown tag family.")]})
    if Tag.objects.for_account(account).filter(name=name).exists():
        raise _unique_name_error()
    return Tag.objects.for_account(account).create(
        account=account, name=name, family=family, description=description
    )


@transaction.atomic
def tag_update(*, tag: Tag, name: str, family: TagFamily | None, description: str = "") -> Tag:
    """Rename or re-file a tag. Segments refer to tags by id, so they keep working."""
    name = name.strip()
    if family is not None and family.account_id != tag.account_id:
        raise ValidationError({"family": [_("Unknown tag family.")]})
    if Tag.objects.for_account(tag.account).filter(name=name).exclude(pk=tag.pk).exists():
        raise _unique_name_error()
    tag.name, tag.family, tag.description = name, family, description
    tag.save(update_fields=["name", "family", "description"])
    return tag


@transaction.atomic
def tag_delete(*, tag: Tag) -> None:
    tag.delete()


@transaction.atomic
def friend_tags_add(
    *,
    account: LineAccount,
    tag: Tag,
    friend_ids: Iterable[int],
    source: str,
    rule: TagRule | None = None,
    at: datetime | None = None,
) -> int:
    """Tag these friends (ids already known to belong to ``account``); returns how many were
    newly tagged. Friends who already carry the tag keep their original source and time.
    Each newly tagged friend's ``tag_added`` activity is published in the same transaction."""
    if tag.account_id != account.pk:
        raise ValueError("tag of another OA")
    ids = sorted(set(friend_ids))
    at = at or timezone.now()
    rows = FriendTag.objects.for_account(account)
    created = 0
    for start in range(0, len(ids), BULK_SIZE):
        chunk = ids[start : start + BULK_SIZE]
        before = set(rows.filter(tag=tag, friend_id__in=chunk).values_list("friend_id", flat=True))
        rows.bulk_create(
            [
                FriendTag(
                    account=account, friend_id=pk, tag=tag, source=source, rule=rule, tagged_at=at
                )
                for pk in chunk
                if pk not in before
            ],
            ignore_conflicts=True,
        )
        after = set(rows.filter(tag=tag, friend_id__in=chunk).values_list("friend_id", flat=True))
        new = sorted(after - before)
        created += len(new)
        _publish_tag_changes(account, Activity.Kind.TAG_ADDED, tag, new, at, source=source)
    return created


@transaction.atomic
def friend_tags_remove(*, account: LineAccount, tag: Tag, friend_ids: Iterable[int]) -> int:
    if tag.account_id != account.pk:
        raise ValueError("tag of another OA")
    ids = sorted(set(friend_ids))
    rows = FriendTag.objects.for_account(account).filter(tag=tag)
    removed = 0
    for start in range(0, len(ids), BULK_SIZE):
        chunk = rows.filter(friend_id__in=ids[start : start + BULK_SIZE])
        gone = sorted(chunk.values_list("friend_id", flat=True))
        count, _detail = chunk.delete()
        removed += count
        _publish_tag_changes(account, Activity.Kind.TAG_REMOVED, tag, gone, timezone.now())
    return removed


def _publish_tag_changes(
    account: LineAccount, kind: str, tag: Tag, friend_ids: list[int], at: datetime, **extra
) -> None:
    publish_many(
        account=account,
        activities=(
            ActivityInput(
                kind=kind,
                occurred_at=at,
                friend_id=friend_id,
                payload={"tag_id": tag.pk, "tag": tag.name, **extra},
            )
            for friend_id in friend_ids
        ),
    )


@transaction.atomic
def tag_coverage_snapshot(*, account: LineAccount, day) -> int:
    """Store today's coverage (overall, per family, per tag) for the trend; running it again
    on the same day replaces that day's rows. Returns the number of rows written."""
    from segments.models import TagCoverageSnapshot
    from segments.selectors.tags import tag_coverage

    report = tag_coverage(account=account)
    rows = [("all", report.overall)]
    rows += [(f"family:{family.pk}", coverage) for family, coverage in report.families]
    rows += [(f"tag:{tag.pk}", coverage) for tag, coverage, _friends in report.tags]
    snapshots = TagCoverageSnapshot.objects.for_account(account)
    snapshots.filter(date=day).delete()
    snapshots.bulk_create(
        [
            TagCoverageSnapshot(
                account=account,
                date=day,
                scope=scope,
                following=coverage.following,
                tagged=coverage.tagged,
            )
            for scope, coverage in rows
        ]
    )
    return len(rows)
