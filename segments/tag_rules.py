"""Auto-tag rules: tag a friend when an event matches (a postback's data, a keyword in a
message, the add-friend source, a custom event with an optional property value).

The same predicate decides for live events (called from webhook processing and from the custom
events service, for the rows just stored) and for past events (``tag_rule_backfill``, run as a
task on request), so a rule tags the same friends whichever way it ran. Tagging is idempotent.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from oa_console.models import LineAccount
from segments import tagging
from segments.models import CustomEvent, Friend, FriendTag, Interaction, Tag, TagRule

PROPERTY_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
BACKFILL_CHUNK = 2000


def text_matches(rule: TagRule, text: str) -> bool:
    pattern, text = rule.pattern.strip().casefold(), (text or "").strip().casefold()
    if not pattern:
        return False
    return text == pattern if rule.match == TagRule.Match.EXACT else pattern in text


def _property_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def rule_matches_interaction(rule: TagRule, *, kind: str, text: str, data: dict) -> bool:
    if rule.kind == TagRule.Kind.POSTBACK and kind == Interaction.Kind.POSTBACK:
        return text_matches(rule, str((data or {}).get("data", "")))
    if rule.kind == TagRule.Kind.KEYWORD and kind == Interaction.Kind.MESSAGE:
        return text_matches(rule, text)
    return False


def rule_matches_event(rule: TagRule, *, name: str, properties: dict) -> bool:
    if rule.kind != TagRule.Kind.CUSTOM_EVENT or not text_matches(rule, name):
        return False
    if rule.property_key:
        return _property_text((properties or {}).get(rule.property_key)) == rule.property_value
    return True


@transaction.atomic
def tag_rule_create(
    *,
    account: LineAccount,
    tag: Tag,
    kind: str,
    pattern: str,
    match: str = TagRule.Match.EXACT,
    property_key: str = "",
    property_value: str = "",
) -> TagRule:
    errors: dict[str, list[str]] = {}
    if tag.account_id != account.pk:
        errors["tag"] = [_("Unknown tag.")]
    if kind not in TagRule.Kind.values:
        errors["kind"] = [_("Choose what the rule reacts to.")]
    if match not in TagRule.Match.values:
        errors["match"] = [_("Choose how the value is matched.")]
    if not pattern.strip():
        errors["pattern"] = [_("Give the value to match.")]
    if property_key and kind != TagRule.Kind.CUSTOM_EVENT:
        errors["property_key"] = [_("Only custom event rules look at properties.")]
    elif property_key and not PROPERTY_KEY.match(property_key):
        errors["property_key"] = [_("Letters, digits and underscores, starting with a letter.")]
    if errors:
        raise ValidationError(errors)
    return TagRule.unscoped.create(
        account=account,
        tag=tag,
        kind=kind,
        match=match,
        pattern=pattern.strip(),
        property_key=property_key,
        property_value=property_value,
    )


@transaction.atomic
def tag_rule_set_active(*, rule: TagRule, is_active: bool) -> TagRule:
    rule.is_active = is_active
    rule.save(update_fields=["is_active"])
    return rule


@transaction.atomic
def tag_rule_delete(*, rule: TagRule) -> None:
    """Friends keep the tags the rule gave (their source still says "rule")."""
    rule.delete()


def _active_rules(account: LineAccount, kinds: Iterable[str]) -> list[TagRule]:
    return list(
        TagRule.unscoped.filter(account=account, is_active=True, kind__in=list(kinds))
        .select_related("tag")
        .order_by("pk")
    )


def _apply(
    account: LineAccount,
    hits: dict[int, set[int]],
    rules: dict[int, TagRule],
    at: datetime | None = None,
) -> int:
    tagged = 0
    for rule_id, friend_ids in hits.items():
        rule = rules[rule_id]
        tagged += tagging.friend_tags_add(
            account=account,
            tag=rule.tag,
            friend_ids=friend_ids,
            source=FriendTag.Source.RULE,
            rule=rule,
            at=at,
        )
    return tagged


@transaction.atomic
def tag_rules_apply_to_activity(
    *, account: LineAccount, interactions: Sequence, friend_ids: dict[str, int]
) -> int:
    """Live: the interactions of one processed webhook batch (``InteractionInput`` rows from
    ``segments.services``; ``friend_ids`` maps LINE user ids to friends). Returns new tags."""
    candidates = [item for item in interactions if item.friend_user_id in friend_ids]
    if not candidates:
        return 0
    rules = _active_rules(account, [TagRule.Kind.POSTBACK, TagRule.Kind.KEYWORD])
    hits: dict[int, set[int]] = defaultdict(set)
    for rule in rules:
        for item in candidates:
            if rule_matches_interaction(rule, kind=item.kind, text=item.text, data=item.data):
                hits[rule.pk].add(friend_ids[item.friend_user_id])
    return _apply(account, hits, {rule.pk: rule for rule in rules})


@transaction.atomic
def tag_rules_apply_to_events(*, account: LineAccount, events: Sequence[CustomEvent]) -> int:
    """Live: custom events just stored."""
    rules = _active_rules(account, [TagRule.Kind.CUSTOM_EVENT])
    hits: dict[int, set[int]] = defaultdict(set)
    for rule in rules:
        for event in events:
            if rule_matches_event(rule, name=event.name, properties=event.properties):
                hits[rule.pk].add(event.friend_id)
    return _apply(account, hits, {rule.pk: rule for rule in rules})


@transaction.atomic
def tag_rules_apply_to_sources(*, account: LineAccount, friend_ids: Iterable[int]) -> int:
    """Live: friends whose add-friend source was just set (an import, the API)."""
    ids = sorted(set(friend_ids))
    rules = _active_rules(account, [TagRule.Kind.ADD_SOURCE])
    if not ids or not rules:
        return 0
    sources = dict(
        Friend.unscoped.filter(account=account, pk__in=ids).values_list("pk", "add_source")
    )
    hits: dict[int, set[int]] = defaultdict(set)
    for rule in rules:
        hits[rule.pk] = {pk for pk, source in sources.items() if text_matches(rule, source)}
    return _apply(account, hits, {rule.pk: rule for rule in rules})


def tag_rule_backfill(*, rule: TagRule) -> int:
    """On request: apply one rule to everything already stored. The database narrows the
    candidates (kind, name, a pattern filter); the shared predicate decides."""
    account = rule.account
    friend_ids: set[int] = set()
    if rule.kind in (TagRule.Kind.POSTBACK, TagRule.Kind.KEYWORD):
        kind = (
            Interaction.Kind.POSTBACK
            if rule.kind == TagRule.Kind.POSTBACK
            else (Interaction.Kind.MESSAGE)
        )
        rows = Interaction.unscoped.filter(account=account, kind=kind, friend__isnull=False)
        if rule.kind == TagRule.Kind.KEYWORD:
            rows = rows.filter(text__icontains=rule.pattern.strip())
        for friend_id, item_kind, text, data in rows.values_list(
            "friend_id", "kind", "text", "data"
        ).iterator(chunk_size=BACKFILL_CHUNK):
            if rule_matches_interaction(rule, kind=item_kind, text=text, data=data):
                friend_ids.add(friend_id)
    elif rule.kind == TagRule.Kind.CUSTOM_EVENT:
        rows = CustomEvent.unscoped.filter(account=account)
        if rule.match == TagRule.Match.EXACT:
            rows = rows.filter(name__iexact=rule.pattern.strip())
        else:
            rows = rows.filter(name__icontains=rule.pattern.strip())
        for friend_id, name, properties in rows.values_list(
            "friend_id", "name", "properties"
        ).iterator(chunk_size=BACKFILL_CHUNK):
            if rule_matches_event(rule, name=name, properties=properties):
                friend_ids.add(friend_id)
    else:
        for friend_id, source in (
            Friend.unscoped.filter(account=account)
            .exclude(add_source="")
            .values_list("pk", "add_source")
            .iterator(chunk_size=BACKFILL_CHUNK)
        ):
            if text_matches(rule, source):
                friend_ids.add(friend_id)
    with transaction.atomic():
        tagged = _apply(account, {rule.pk: friend_ids}, {rule.pk: rule})
        TagRule.unscoped.filter(pk=rule.pk).update(last_backfilled_at=timezone.now())
    return tagged


def tag_rule_counts(*, account: LineAccount) -> dict[int, int]:
    """Friends each rule has tagged (and still carry the tag), by rule id."""
    return dict(
        FriendTag.unscoped.filter(account=account, rule__isnull=False)
        .values("rule_id")
        .annotate(n=Count("pk"))
        .values_list("rule_id", "n")
    )
