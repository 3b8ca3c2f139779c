"""The OA's rich menu rules: which segment or tag gets which published menu, and which menu a
friend should see now.

Precedence (shown in the rules page's help): among the segment rules a friend matches, the one
with the lowest priority number wins; a friend who matches none sees the OA's default menu (no
per-user menu). A menu set for one friend by a tag rule or a journey stays until the segment
rules are next applied to everyone (``Apply to everyone``, which a rule change asks for), so
live segment changes never undo it. Friends who blocked the OA are skipped: LINE would ignore
the call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oa_console.models import LineAccount
from richmenus.models import FriendRichMenu, RichMenu, RichMenuRule
from segments.models import Friend, Segment, Tag
from segments.rules.validation import RuleContext
from segments.selectors.segments import segment_friends

MAX_PRIORITY = 1000
# Sources of a per-user link that segment re-evaluations leave alone (see the docstring).
PINNED_SOURCES = (FriendRichMenu.Source.TAG, FriendRichMenu.Source.JOURNEY)


def published_menus(account: LineAccount):
    """Menus that exist at LINE, the only ones a rule or a journey may link."""
    return (
        RichMenu.objects.for_account(account)
        .filter(status=RichMenu.Status.PUBLISHED)
        .exclude(line_rich_menu_id="")
        .order_by("name", "pk")
    )


def _clean(
    *,
    account: LineAccount,
    kind: str,
    segment_id: int | None,
    tag_id: int | None,
    menu_id: int | None,
    priority: int | None,
) -> dict:
    errors: dict[str, list[str]] = {}
    values: dict = {"kind": kind, "segment": None, "tag": None}
    if kind not in RichMenuRule.Kind.values:
        errors["kind"] = [_("Choose a segment menu or a tag menu.")]
    elif kind == RichMenuRule.Kind.SEGMENT:
        segment = Segment.objects.for_account(account).filter(pk=segment_id).first()
        if segment_id is None or segment is None:
            errors["segment"] = [_("Choose one of this account's segments.")]
        values["segment"] = segment
    else:
        tag = Tag.objects.for_account(account).filter(pk=tag_id).first()
        if tag_id is None or tag is None:
            errors["tag"] = [_("Choose one of this account's tags.")]
        values["tag"] = tag
    menu = published_menus(account).filter(pk=menu_id).first() if menu_id else None
    if menu is None:
        errors["menu"] = [_("Choose a published rich menu (publish it first in the designer).")]
    values["menu"] = menu
    if priority is None or not 1 <= priority <= MAX_PRIORITY:
        errors["priority"] = [
            _("Enter a priority from 1 (first) to %(max)s.") % {"max": MAX_PRIORITY}
        ]
    values["priority"] = priority
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def rich_menu_rule_create(
    *,
    account: LineAccount,
    kind: str,
    menu_id: int | None,
    segment_id: int | None = None,
    tag_id: int | None = None,
    priority: int | None = 1,
    is_active: bool = True,
) -> RichMenuRule:
    """A new rule; raises ``ValidationError`` naming the field at fault."""
    values = _clean(
        account=account,
        kind=kind,
        segment_id=segment_id,
        tag_id=tag_id,
        menu_id=menu_id,
        priority=priority,
    )
    return RichMenuRule.objects.for_account(account).create(
        account=account, is_active=is_active, **values
    )


@transaction.atomic
def rich_menu_rule_update(
    *,
    account: LineAccount,
    rule: RichMenuRule,
    menu_id: int | None,
    segment_id: int | None = None,
    tag_id: int | None = None,
    priority: int | None = 1,
    is_active: bool = True,
) -> RichMenuRule:
    """Change a rule (its kind stays); raises ``ValidationError`` naming the field at fault."""
    if rule.account_id != account.pk:
        raise ValueError("rule of another OA")
    values = _clean(
        account=account,
        kind=rule.kind,
        segment_id=segment_id,
        tag_id=tag_id,
        menu_id=menu_id,
        priority=priority,
    )
    for name, value in values.items():
        setattr(rule, name, value)
    rule.is_active = is_active
    rule.save()
    return rule


@transaction.atomic
def rich_menu_rule_delete(*, account: LineAccount, rule: RichMenuRule) -> None:
    if rule.account_id != account.pk:
        raise ValueError("rule of another OA")
    rule.delete()


def segment_rules_active(account: LineAccount) -> list[RichMenuRule]:
    """Active segment rules whose menu is live at LINE, first priority first."""
    return list(
        RichMenuRule.objects.for_account(account)
        .filter(
            kind=RichMenuRule.Kind.SEGMENT,
            is_active=True,
            menu__status=RichMenu.Status.PUBLISHED,
        )
        .exclude(menu__line_rich_menu_id="")
        .select_related("menu", "segment")
        .order_by("priority", "pk")
    )


def tag_rules_active(account: LineAccount, tag_ids: Iterable[int]) -> list[RichMenuRule]:
    return list(
        RichMenuRule.objects.for_account(account)
        .filter(
            kind=RichMenuRule.Kind.TAG,
            is_active=True,
            tag_id__in=list(tag_ids),
            menu__status=RichMenu.Status.PUBLISHED,
        )
        .exclude(menu__line_rich_menu_id="")
        .select_related("menu")
        .order_by("priority", "pk")
    )


def segment_rule_members(
    *, account: LineAccount, friend_ids: Sequence[int] | None = None
) -> Iterator[tuple[RichMenuRule, int, str]]:
    """``(rule, friend id, LINE user id)`` of every following friend each active segment rule
    matches, the rules in priority order (a friend matching several comes once per rule: the
    first wins). ``friend_ids`` limits the evaluation to those friends; one query per rule.
    The LINE user id comes with the row so that a caller linking at LINE needs no second read
    of the friends (the first assignment of a 300,000-friend segment)."""
    rules = segment_rules_active(account)
    context = RuleContext.for_account(account)
    now = timezone.now()
    for rule in rules:
        try:
            members = segment_friends(
                account=account, rules=rule.segment.rules, now=now, context=context
            ).filter(status=Friend.Status.FOLLOWING)
        except ValueError:
            continue  # a segment that no longer validates (a deleted tag) matches no one
        if friend_ids is not None:
            members = members.filter(pk__in=list(friend_ids))
        # Unordered: the rows then stream as the scan finds them, where an ORDER BY made the
        # first of 300,000 wait a second for the sort.
        rows = members.order_by().values_list("pk", "line_user_id").iterator(chunk_size=10_000)
        for pk, line_user_id in rows:
            yield rule, pk, line_user_id


def segment_menus_wanted(
    *, account: LineAccount, friend_ids: Sequence[int] | None = None
) -> dict[int, RichMenuRule]:
    """Following friend id -> the segment rule that gives them their menu (first priority
    wins); friends matching no rule are absent. ``friend_ids`` limits the evaluation to those
    friends (one query per rule either way)."""
    wanted: dict[int, RichMenuRule] = {}
    for rule, pk, _line_user_id in segment_rule_members(account=account, friend_ids=friend_ids):
        wanted.setdefault(pk, rule)
    return wanted
