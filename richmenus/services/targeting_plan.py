"""What applying the segment rules to everyone must change at LINE, as a stream of bulk calls.

The plan is read from the segment queries while the first calls are already on their way
(``assignment_batches`` is a generator), so a 300,000-friend segment's friends start getting
their menu as soon as its first 500 rows arrive rather than after the whole query (a second
of planning, bench/richmenus.py). Nothing of the plan is stored: a later step plans again
from the recorded links (``FriendRichMenu``), which then leave out what is already done.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from oa_console.line import rich_menu_links as line
from oa_console.models import LineAccount
from richmenus.models import FriendRichMenu, RichMenuRule
from richmenus.services.targeting import segment_rule_members
from richmenus.services.targeting_apply import following_line_user_ids, link_endpoint


@dataclass(frozen=True)
class Batch:
    """Up to 500 friends to link to ``rule``'s menu (``rule`` None: to unlink), with their
    LINE user ids in the same order."""

    rule: RichMenuRule | None
    friend_ids: list[int]
    users: list[str]

    @property
    def endpoint(self) -> str:
        """The limiter class of the call ``line_apply`` makes for this batch."""
        return link_endpoint(len(self.friend_ids), self.rule.menu if self.rule else None)


def assignment_batches(account: LineAccount) -> Iterator[Batch]:
    """The batches to call, links first (rule by rule, in priority order, as the segment
    queries stream), then the unlinks of friends linked before who match no rule now. A
    friend already linked to the menu they should have is left out; blocked friends are left
    as they are (LINE ignores them)."""
    current = dict(FriendRichMenu.objects.for_account(account).values_list("friend_id", "menu_id"))
    seen: set[int] = set()
    rule: RichMenuRule | None = None
    friend_ids: list[int] = []
    users: list[str] = []
    for member_rule, pk, line_user_id in segment_rule_members(account=account):
        if pk in seen:
            continue  # a higher-priority rule has this friend
        seen.add(pk)
        if current.get(pk) == member_rule.menu_id:
            continue
        if friend_ids and (member_rule is not rule or len(friend_ids) == line.BULK_MAX_USERS):
            yield Batch(rule, friend_ids, users)
            friend_ids, users = [], []
        rule = member_rule
        friend_ids.append(pk)
        users.append(line_user_id)
    if friend_ids:
        yield Batch(rule, friend_ids, users)
    unlink = following_line_user_ids(account, [pk for pk in current if pk not in seen])
    ids = sorted(unlink)
    for start in range(0, len(ids), line.BULK_MAX_USERS):
        chunk = ids[start : start + line.BULK_MAX_USERS]
        yield Batch(None, chunk, [unlink[pk] for pk in chunk])
