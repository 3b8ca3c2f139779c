"""Auto-tag rules reacting to live activity: the activity hub's ``segments.tag_rules``
subscriber (registered in ``SegmentsConfig.ready()``), and the add-friend source rules that an
import applies to the friends whose source it changed.

Decisions use the same predicates as the backfill (``segments.services.tag_rules``), so a rule tags
the same friends live and on request. Tagging is idempotent, so a redelivered batch changes
nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction

from oa_console.activity.models import Activity
from oa_console.activity.registry import ActivityRow, per_account
from oa_console.models import LineAccount
from segments.models import Friend, TagRule
from segments.services.tag_rules import (
    active_rules,
    rule_matches_click,
    rule_matches_event,
    rule_matches_interaction,
    tag_rule_hits_apply,
    text_matches,
)

SUBSCRIBER = "segments.services.tag_rules"
ADD_SOURCE = "add_source"
KINDS = (
    Activity.Kind.MESSAGE,
    Activity.Kind.POSTBACK,
    Activity.Kind.CUSTOM_EVENT,
    Activity.Kind.LINK_CLICK,
    Activity.Kind.ATTRIBUTE_CHANGED,
)
_RULE_KINDS = {
    Activity.Kind.MESSAGE: TagRule.Kind.KEYWORD,
    Activity.Kind.POSTBACK: TagRule.Kind.POSTBACK,
    Activity.Kind.CUSTOM_EVENT: TagRule.Kind.CUSTOM_EVENT,
    Activity.Kind.LINK_CLICK: TagRule.Kind.LINK_CLICK,
}


def _matches(rule: TagRule, activity: ActivityRow) -> bool:
    payload = activity.payload or {}
    if activity.kind in (Activity.Kind.MESSAGE, Activity.Kind.POSTBACK):
        return rule_matches_interaction(
            rule,
            kind=payload.get("interaction", activity.kind),
            text=payload.get("text", ""),
            data=payload.get("data") or {},
        )
    if activity.kind == Activity.Kind.CUSTOM_EVENT:
        return rule_matches_event(
            rule, name=payload.get("name", ""), properties=payload.get("properties") or {}
        )
    if activity.kind == Activity.Kind.LINK_CLICK:
        return rule_matches_click(rule, url=payload.get("url", ""))
    return False


def source_changed(activity: ActivityRow) -> bool:
    payload = activity.payload or {}
    return activity.kind == Activity.Kind.ATTRIBUTE_CHANGED and (
        payload.get("attribute") == ADD_SOURCE or ADD_SOURCE in payload.get("targets", ())
    )


def tag_rules_react(activities: Sequence[ActivityRow]) -> None:
    """The hub's handler: tag the friends whose activity matches an active rule of their OA
    (one query for the OA's rules per batch; writes only when a rule matches)."""
    per_account(activities, _react)


def _react(account: LineAccount, rows: list[ActivityRow]) -> None:
    rows = [row for row in rows if row.friend_id is not None]
    if not rows:
        return
    kinds = {_RULE_KINDS[row.kind] for row in rows if row.kind in _RULE_KINDS}
    rules = active_rules(account, kinds) if kinds else []
    hits: dict[int, set[int]] = defaultdict(set)
    for rule in rules:
        for row in rows:
            if _RULE_KINDS.get(row.kind) == rule.kind and _matches(rule, row):
                hits[rule.pk].add(row.friend_id)
    tag_rule_hits_apply(account, hits, {rule.pk: rule for rule in rules})
    sourced = {row.friend_id for row in rows if source_changed(row)}
    if sourced:
        tag_rules_apply_to_sources(account=account, friend_ids=sourced)


@transaction.atomic
def tag_rules_apply_to_sources(*, account: LineAccount, friend_ids: Iterable[int]) -> int:
    """Friends whose add-friend source was just set (an import, a campaign attribution)."""
    ids = sorted(set(friend_ids))
    rules = active_rules(account, [TagRule.Kind.ADD_SOURCE])
    if not ids or not rules:
        return 0
    sources = dict(
        Friend.objects.for_account(account).filter(pk__in=ids).values_list("pk", "add_source")
    )
    hits: dict[int, set[int]] = defaultdict(set)
    for rule in rules:
        hits[rule.pk] = {pk for pk, source in sources.items() if text_matches(rule, source)}
    return tag_rule_hits_apply(account, hits, {rule.pk: rule for rule in rules})
