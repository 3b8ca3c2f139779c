"""Auto-tag rules: tag a friend when an event matches (a postback's data, a keyword in a
message, the add-friend source, a custom event with an optional property value, the destination
of a tracked link they clicked).

The same predicate decides for live events (``segments.services.tag_rule_reactions``, the activity hub's
subscriber) and for past events (``tag_rule_backfill``, run as a task on request), so a rule
tags the same friends whichever way it ran. Tagging is idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from oa_console.links import link_error
from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort
from oa_console.tenancy import tenant_scope
from segments.models import (
    CustomEvent,
    Friend,
    FriendTag,
    Interaction,
    Tag,
    TagRule,
    TagRuleBackfill,
)
from segments.registries.past_link_clicks import past_link_clicks
from segments.services import tagging

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


def rule_matches_click(rule: TagRule, *, url: str) -> bool:
    """A click's destination (the real link, not the ``/r/`` redirect) against the pattern."""
    return rule.kind == TagRule.Kind.LINK_CLICK and text_matches(rule, url)


def _rule_errors(
    *,
    account: LineAccount,
    tag: Tag,
    kind: str,
    match: str,
    pattern: str,
    property_key: str,
    property_value: str = "",
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if tag.account_id != account.pk:
        errors["tag"] = [_("Unknown tag.")]
    if kind not in TagRule.Kind.values:
        errors["kind"] = [_("Choose what the rule reacts to.")]
    if match not in TagRule.Match.values:
        errors["match"] = [_("Choose how the value is matched.")]
    if not pattern.strip():
        errors["pattern"] = [_("Give the value to match.")]
    elif (
        kind == TagRule.Kind.LINK_CLICK
        and match == TagRule.Match.EXACT
        and link_error(pattern.strip().lower()) is not None  # matched case-insensitively
    ):
        # Clicks store full web links: an exact pattern that is not one could never match.
        errors["pattern"] = [
            _(
                "Give the whole link, starting with https:// or http://, or choose "
                "“contains” to match part of it."
            )
            + " "
            + link_error(pattern.strip().lower())
        ]
    if property_key and kind != TagRule.Kind.CUSTOM_EVENT:
        errors["property_key"] = [_("Only custom event rules look at properties.")]
    elif property_key and not PROPERTY_KEY.match(property_key):
        errors["property_key"] = [_("Letters, digits and underscores, starting with a letter.")]
    if property_value and kind != TagRule.Kind.CUSTOM_EVENT:
        errors["property_value"] = [_("Only custom event rules look at properties.")]
    return errors


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
    errors = _rule_errors(
        account=account,
        tag=tag,
        kind=kind,
        match=match,
        pattern=pattern,
        property_key=property_key,
        property_value=property_value,
    )
    if errors:
        raise ValidationError(errors)
    return TagRule.objects.for_account(account).create(
        account=account,
        tag=tag,
        kind=kind,
        match=match,
        pattern=pattern.strip(),
        property_key=property_key,
        property_value=property_value,
    )


RULE_EDITABLE = ("tag", "kind", "match", "pattern", "property_key", "property_value", "is_active")


@transaction.atomic
def tag_rule_update(*, rule: TagRule, **changes) -> TagRule:
    """Change some of a rule's fields (``RULE_EDITABLE``), validated as a whole. Friends keep
    the tags it gave under its former definition."""
    unknown = set(changes) - set(RULE_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    values = {name: changes.get(name, getattr(rule, name)) for name in RULE_EDITABLE}
    errors = _rule_errors(
        account=rule.account,
        tag=values["tag"],
        kind=values["kind"],
        match=values["match"],
        pattern=values["pattern"],
        property_key=values["property_key"],
        property_value=values["property_value"],
    )
    if errors:
        raise ValidationError(errors)
    values["pattern"] = values["pattern"].strip()
    for name, value in values.items():
        setattr(rule, name, value)
    rule.save(update_fields=list(RULE_EDITABLE))
    return rule


@transaction.atomic
def tag_rule_set_active(*, rule: TagRule, is_active: bool) -> TagRule:
    rule.is_active = is_active
    rule.save(update_fields=["is_active"])
    return rule


@transaction.atomic
def tag_rule_delete(*, rule: TagRule) -> None:
    """Friends keep the tags the rule gave (their source still says "rule")."""
    rule.delete()


def active_rules(account: LineAccount, kinds: Iterable[str]) -> list[TagRule]:
    return list(
        TagRule.objects.for_account(account)
        .filter(is_active=True, kind__in=list(kinds))
        .select_related("tag")
        .order_by("pk")
    )


def tag_rule_hits_apply(
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


def _backfill_candidates(rule: TagRule) -> tuple[QuerySet, Callable[[tuple], int | None]]:
    """The stored rows a rule may match (the database narrows them by kind, name or a pattern
    filter) and the shared predicate turning one row into the friend to tag, or None."""
    account = rule.account
    if rule.kind in (TagRule.Kind.POSTBACK, TagRule.Kind.KEYWORD):
        kind = (
            Interaction.Kind.POSTBACK
            if rule.kind == TagRule.Kind.POSTBACK
            else Interaction.Kind.MESSAGE
        )
        rows = Interaction.objects.for_account(account).filter(kind=kind, friend__isnull=False)
        if rule.kind == TagRule.Kind.KEYWORD:
            rows = rows.filter(text__icontains=rule.pattern.strip())

        def interaction(row: tuple) -> int | None:
            friend_id, item_kind, text, data = row
            hit = rule_matches_interaction(rule, kind=item_kind, text=text, data=data)
            return friend_id if hit else None

        return rows.values_list("friend_id", "kind", "text", "data"), interaction
    if rule.kind == TagRule.Kind.CUSTOM_EVENT:
        rows = CustomEvent.objects.for_account(account)
        if rule.match == TagRule.Match.EXACT:
            rows = rows.filter(name__iexact=rule.pattern.strip())
        else:
            rows = rows.filter(name__icontains=rule.pattern.strip())

        def custom_event(row: tuple) -> int | None:
            friend_id, name, properties = row
            return friend_id if rule_matches_event(rule, name=name, properties=properties) else None

        return rows.values_list("friend_id", "name", "properties"), custom_event
    if rule.kind == TagRule.Kind.LINK_CLICK:
        # Stored by the apps that publish clicks (broadcasts, journeys), which register them.
        lookup = "url__iexact" if rule.match == TagRule.Match.EXACT else "url__icontains"
        sources = [
            clicks.filter(**{lookup: rule.pattern.strip()})
            .order_by()
            .values_list("friend_id", "url")
            for clicks in past_link_clicks(account)
        ]
        rows = sources[0].union(*sources[1:], all=True) if len(sources) > 1 else sources[0]

        def click(row: tuple) -> int | None:
            friend_id, url = row
            return friend_id if rule_matches_click(rule, url=url) else None

        return rows, click
    rows = Friend.objects.for_account(account).exclude(add_source="")

    def source(row: tuple) -> int | None:
        friend_id, add_source = row
        return friend_id if text_matches(rule, add_source) else None

    return rows.values_list("pk", "add_source"), source


def tag_rule_backfill(*, rule: TagRule, job: TagRuleBackfill | None = None) -> int:
    """On request: apply one rule to everything already stored; returns friends newly tagged.

    With a ``job``, its total and processed counts are written as the scan goes (each write
    commits on its own, so the page polling the job sees them); the tags are added at the end
    in one transaction, so a run that dies half-way leaves no partial tagging behind.
    """
    # A task's body: the rule's OA is the scope (as webhook processing sets its OA's).
    account = rule.account
    with tenant_scope(workspace=account.workspace, account=account):
        return _backfill(rule=rule, job=job)


def _backfill(*, rule: TagRule, job: TagRuleBackfill | None = None) -> int:
    rows, friend_of = _backfill_candidates(rule)
    jobs = TagRuleBackfill.objects.for_account(rule.account)
    total = 0
    if job is not None:
        total = rows.count()
        jobs.filter(pk=job.pk).update(
            status=TagRuleBackfill.Status.RUNNING,
            total=total,
            processed=0,
            started_at=timezone.now(),
            error="",
        )
    friend_ids: set[int] = set()
    processed = 0
    for row in rows.iterator(chunk_size=BACKFILL_CHUNK):
        friend_id = friend_of(row)
        if friend_id is not None:
            friend_ids.add(friend_id)
        processed += 1
        if job is not None and processed % BACKFILL_CHUNK == 0:
            jobs.filter(pk=job.pk).update(processed=processed)
    with transaction.atomic():
        tagged = tag_rule_hits_apply(rule.account, {rule.pk: friend_ids}, {rule.pk: rule})
        now = timezone.now()
        TagRule.objects.for_account(rule.account).filter(pk=rule.pk).update(last_backfilled_at=now)
        if job is not None:
            jobs.filter(pk=job.pk).update(
                status=TagRuleBackfill.Status.DONE,
                processed=processed,
                total=max(processed, total),
                tagged=tagged,
                finished_at=now,
            )
    return tagged


@transaction.atomic
def tag_rule_backfill_request(*, rule: TagRule) -> tuple[TagRuleBackfill, bool]:
    """Queue a run over past events; returns the job and whether it is new. A rule with a run
    waiting or in progress gets that run back instead of a second one."""
    account = rule.account
    jobs = TagRuleBackfill.objects.for_account(account)
    active = jobs.select_for_update().filter(rule=rule, status__in=TagRuleBackfill.ACTIVE).first()
    if active is not None:
        return active, False
    job = jobs.create(account=account, rule=rule)
    transaction.on_commit(lambda: _enqueue_backfill(account, job.pk, rule.pk))
    return job, True


def _enqueue_backfill(account: LineAccount, job_id: int, rule_id: int) -> None:
    """No sweep re-sends a lost backfill, so a broker outage fails the job where the user sees
    it (they can press the button again) rather than leaving it waiting forever."""
    from segments.tasks import backfill_tag_rule

    if not enqueue_best_effort(backfill_tag_rule, (rule_id, job_id)):
        TagRuleBackfill.objects.for_account(account).filter(pk=job_id).update(
            status=TagRuleBackfill.Status.FAILED,
            error=_("The task queue is unavailable; try again in a minute."),
            finished_at=timezone.now(),
        )


def tag_rule_backfill_run(*, rule: TagRule, job_id: int | None = None) -> int:
    """The task's body: run the job unless it already finished (a redelivered task)."""
    jobs = TagRuleBackfill.objects.for_account(rule.account)
    job = None
    if job_id is not None:
        job = jobs.filter(pk=job_id, rule=rule).first()
        if job is None or job.status in (
            TagRuleBackfill.Status.DONE,
            TagRuleBackfill.Status.FAILED,
        ):
            return job.tagged if job is not None else 0
    try:
        return tag_rule_backfill(rule=rule, job=job)
    except Exception as exc:
        if job is not None:
            jobs.filter(pk=job.pk).update(
                status=TagRuleBackfill.Status.FAILED,
                error=f"{type(exc).__name__}: {exc}"[:1000],
                finished_at=timezone.now(),
            )
        raise


def tag_rule_backfill_latest(*, rule: TagRule) -> TagRuleBackfill | None:
    return TagRuleBackfill.objects.filter(account_id=rule.account_id, rule=rule).first()


def tag_rule_counts(*, account: LineAccount) -> dict[int, int]:
    """Friends each rule has tagged (and still carry the tag), by rule id."""
    return dict(
        FriendTag.objects.for_account(account)
        .filter(rule__isnull=False)
        .values("rule_id")
        .annotate(n=Count("pk"))
        .values_list("rule_id", "n")
    )
