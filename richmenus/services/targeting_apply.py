"""Making LINE show each friend the menu the rules give them, calling LINE only for changes.

``friend_rich_menus_sync`` serves the activity hub and journeys (a few friends at a time: one
call per friend, or a bulk call per menu when several change together).
``FriendRichMenu`` rows are written only after LINE accepted the call, so a failed call leaves
the friend to be tried again, never recorded as done.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from oa_console.line import rich_menu_links as line
from oa_console.line.outcomes import Outcome
from oa_console.models import LineAccount
from richmenus.models import FriendRichMenu, RichMenu, RichMenuRule
from richmenus.services.targeting import (
    PINNED_SOURCES,
    segment_menus_wanted,
    tag_rules_active,
)
from segments.models import Friend

logger = logging.getLogger("richmenus.targeting")


@dataclass(frozen=True)
class Wanted:
    """What a friend should see: ``menu`` None means the OA's default (unlink)."""

    menu: RichMenu | None
    source: str = FriendRichMenu.Source.SEGMENT
    rule: RichMenuRule | None = None

    def group_key(self) -> tuple:
        """Friends with the same key go to LINE together and get the same row."""
        return (
            self.menu.pk if self.menu else None,
            self.source,
            self.rule.pk if self.rule else None,
        )


@dataclass
class SyncResult:
    linked: int = 0
    unlinked: int = 0
    retry: set[int] = field(default_factory=set)  # friend ids to try again later
    retry_in: int = 0
    refused: list[str] = field(default_factory=list)  # LINE's messages


def links_record(
    *,
    account: LineAccount,
    friend_ids: Sequence[int],
    wanted: Wanted,
    at: datetime | None = None,
) -> None:
    """Record that LINE accepted linking ``wanted.menu`` to these friends (or unlinking)."""
    rows = FriendRichMenu.objects.for_account(account)
    if wanted.menu is None:
        rows.filter(friend_id__in=list(friend_ids)).delete()
        return
    at = at or timezone.now()
    if connection.vendor == "postgresql":
        _links_upsert_postgresql(account, list(friend_ids), wanted, at)
        return
    rows.bulk_create(
        [
            FriendRichMenu(
                account=account,
                friend_id=pk,
                menu=wanted.menu,
                source=wanted.source,
                rule=wanted.rule,
                linked_at=at,
            )
            for pk in friend_ids
        ],
        update_conflicts=True,
        unique_fields=["friend"],
        update_fields=["menu", "source", "rule", "linked_at"],
    )


def _links_upsert_postgresql(
    account: LineAccount, friend_ids: list[int], wanted: Wanted, at: datetime
) -> None:
    """The same upsert in one statement whose friend ids travel as one array: building a
    model instance and its parameters per row was three quarters of a 300,000-friend
    assignment (bench/richmenus.py)."""
    table = FriendRichMenu._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (account_id, friend_id, menu_id, source, rule_id, linked_at)
            SELECT %s, friend_id, %s, %s, %s, %s FROM unnest(%s::bigint[]) AS friend_id
            ON CONFLICT (friend_id) DO UPDATE SET menu_id = EXCLUDED.menu_id,
                source = EXCLUDED.source, rule_id = EXCLUDED.rule_id,
                linked_at = EXCLUDED.linked_at
            """,
            [
                account.pk,
                wanted.menu.pk,
                wanted.source,
                wanted.rule.pk if wanted.rule else None,
                at,
                friend_ids,
            ],
        )


def following_line_user_ids(account: LineAccount, friend_ids: list[int]) -> dict[int, str]:
    """Friend id -> LINE user id of these friends who still follow, in one query."""
    if not friend_ids:
        return {}
    return dict(
        Friend.objects.for_account(account)
        .filter(pk__in=friend_ids, status=Friend.Status.FOLLOWING)
        .values_list("pk", "line_user_id")
        .iterator(chunk_size=10_000)
    )


def line_apply(
    *,
    account: LineAccount,
    users: Sequence[str],
    menu: RichMenu | None,
    bulk_ok: bool = True,
    api=None,
) -> Outcome:
    """One LINE call for ``users`` (at most 500): per user when one, bulk otherwise; through
    ``api`` when the caller makes many calls with one client."""
    if len(users) == 1 or not bulk_ok:
        if menu is None:
            return line.rich_menu_unlink_user(account=account, line_user_id=users[0], api=api)
        return line.rich_menu_link_user(
            account=account, line_user_id=users[0], rich_menu_id=menu.line_rich_menu_id, api=api
        )
    if menu is None:
        return line.rich_menu_bulk_unlink(account=account, line_user_ids=users, api=api)
    return line.rich_menu_bulk_link(
        account=account, line_user_ids=users, rich_menu_id=menu.line_rich_menu_id, api=api
    )


def link_endpoint(count: int, menu: RichMenu | None) -> str:
    """The limiter class of the call ``line_apply`` makes for ``count`` friends."""
    if count == 1:
        return line.UNLINK_ONE if menu is None else line.LINK_ONE
    return line.BULK_UNLINK if menu is None else line.BULK_LINK


def changes_apply(
    *, account: LineAccount, changes: dict[int, Wanted], users: dict[int, str]
) -> SyncResult:
    """Apply ``changes`` (friend id -> wanted) at LINE, grouped by menu, through the
    channel's limiter; records what LINE accepted. Friends whose call must wait (limiter, 429,
    5xx) come back in ``retry``."""
    result = SyncResult()
    groups: dict[tuple, list[int]] = defaultdict(list)
    for pk, wanted in changes.items():
        groups[wanted.group_key()].append(pk)
    for ids in groups.values():
        wanted = changes[ids[0]]
        for start in range(0, len(ids), line.BULK_MAX_USERS):
            chunk = ids[start : start + line.BULK_MAX_USERS]
            decision = line.rich_menu_rate_acquire(account, link_endpoint(len(chunk), wanted.menu))
            if not decision.allowed:
                result.retry.update(chunk)
                result.retry_in = max(result.retry_in, decision.retry_in)
                continue
            outcome = line_apply(
                account=account, users=[users[pk] for pk in chunk], menu=wanted.menu
            )
            if outcome.accepted:
                links_record(account=account, friend_ids=chunk, wanted=wanted)
                if wanted.menu is None:
                    result.unlinked += len(chunk)
                else:
                    result.linked += len(chunk)
            elif outcome.retry_later:
                result.retry.update(chunk)
                result.retry_in = max(result.retry_in, outcome.retry_after or 5)
            else:
                logger.warning(
                    "LINE refused a rich menu link",
                    extra={"account": account.pk, "status": outcome.status},
                )
                result.refused.append(outcome.message or outcome.reason)
    return result


def friend_rich_menus_sync(
    *,
    account: LineAccount,
    friend_ids: Iterable[int],
    added_tags: dict[int, set[int]] | None = None,
) -> SyncResult:
    """Re-evaluate these friends' menus and apply the changes. ``added_tags`` (friend id ->
    tag ids just added) fires the OA's tag rules first; a tag or journey menu then stays
    (``PINNED_SOURCES``) and segment rules leave that friend alone."""
    friends = following_line_user_ids(account, list(set(friend_ids)))
    if not friends:
        return SyncResult()
    current = {
        row.friend_id: row
        for row in FriendRichMenu.objects.for_account(account).filter(friend_id__in=list(friends))
    }
    changes: dict[int, Wanted] = {}
    if added_tags:
        tag_ids = {tag for tags in added_tags.values() for tag in tags}
        rules = tag_rules_active(account, tag_ids)
        for pk, tags in added_tags.items():
            rule = next((r for r in rules if r.tag_id in tags), None)
            if rule is None or pk not in friends:
                continue
            row = current.get(pk)
            if row is None or row.menu_id != rule.menu_id or row.source != rule.kind:
                changes[pk] = Wanted(menu=rule.menu, source=FriendRichMenu.Source.TAG, rule=rule)
    rest = [
        pk
        for pk in friends
        if pk not in changes and (pk not in current or current[pk].source not in PINNED_SOURCES)
    ]
    if rest:
        wanted = segment_menus_wanted(account=account, friend_ids=rest)
        for pk in rest:
            rule = wanted.get(pk)
            row = current.get(pk)
            if rule is not None and (row is None or row.menu_id != rule.menu_id):
                changes[pk] = Wanted(menu=rule.menu, rule=rule)
            elif rule is not None and row.rule_id != rule.pk:
                row.rule = rule  # same menu, now through another rule: no LINE call
                row.save(update_fields=["rule"])
            elif rule is None and row is not None:
                changes[pk] = Wanted(menu=None)
    if not changes:
        return SyncResult()
    return changes_apply(account=account, changes=changes, users=friends)


@transaction.atomic
def friend_rich_menu_switch(
    *, account: LineAccount, friend: Friend, menu: RichMenu | None
) -> Outcome | None:
    """Link ``menu`` to one friend now (a journey's "Switch rich menu" node); ``None`` goes
    back to the segment rules' menu or the default. Answers LINE's outcome, or None when the
    friend already sees that menu or has blocked the OA (nothing to call)."""
    if friend.account_id != account.pk or (menu is not None and menu.account_id != account.pk):
        raise ValueError("friend or menu of another OA")
    if friend.status != Friend.Status.FOLLOWING:
        return None
    row = FriendRichMenu.objects.for_account(account).filter(friend=friend).first()
    if menu is None:
        if row is None:
            return None
        row.delete()
        result = friend_rich_menus_sync(account=account, friend_ids=[friend.pk])
        if friend.pk in result.retry or result.refused:
            transaction.set_rollback(True)
        return None
    if row is not None and row.menu_id == menu.pk:
        if row.source != FriendRichMenu.Source.JOURNEY:
            row.source, row.rule = FriendRichMenu.Source.JOURNEY, None
            row.save(update_fields=["source", "rule"])
        return None
    outcome = line.rich_menu_link_user(
        account=account, line_user_id=friend.line_user_id, rich_menu_id=menu.line_rich_menu_id
    )
    if outcome.accepted:
        links_record(
            account=account,
            friend_ids=[friend.pk],
            wanted=Wanted(menu=menu, source=FriendRichMenu.Source.JOURNEY),
        )
    return outcome
