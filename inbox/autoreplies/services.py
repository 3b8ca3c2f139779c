"""Writes of auto-reply rules and business hours: one validation for the form and the API.

Every problem is a ``ValidationError`` naming its field, so the page shows it in place and the
API answers 400 with ``error.fields``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from inbox.autoreplies.hours import END_OF_DAY, minutes
from inbox.autoreplies.patterns import regex_error
from inbox.autoreplies.selectors import auto_reply_rule_list
from inbox.models import AutoReplyRule, BusinessHours
from oa_console.line.messages import messages_errors
from oa_console.models import LineAccount
from segments.models import Tag

Kind = AutoReplyRule.Kind
Match = AutoReplyRule.Match
MATCHES = {
    Kind.KEYWORD: (Match.EXACT, Match.CONTAINS, Match.REGEX),
    Kind.POSTBACK: (Match.EXACT, Match.PREFIX),
}
MAX_PATTERNS = 20
MAX_KEYWORD_LENGTH = 100
MAX_POSTBACK_DATA_LENGTH = 300  # LINE's limit on a postback action's data
MAX_WINDOWS = 28
MAX_CLOSED_DATES = 366
PRIORITY_STEP = 10


@dataclass
class RuleInput:
    """A rule as the form or the API hands it over (tags already looked up in the OA)."""

    name: str
    kind: str
    messages: list
    match: str = ""
    patterns: list[str] = field(default_factory=list)
    on_follow: bool = True
    on_refollow: bool = True
    enabled: bool = True
    hand_over: bool = False
    tags: Sequence[Tag] = ()


def rule_errors(data: RuleInput) -> dict[str, list[str]]:
    """Every problem of ``data``, by field; empty when the rule can be saved."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.name.strip():
        add("name", _("Give the rule a name."))
    if data.kind not in Kind.values:
        add("kind", _("Choose what the rule answers."))
    if data.kind in MATCHES:
        if data.match not in MATCHES[data.kind]:
            add("match", _("Choose how the rule matches."))
        patterns = [pattern for pattern in data.patterns if pattern.strip()]
        if not patterns:
            add(
                "patterns",
                _("Enter at least one keyword.")
                if data.kind == Kind.KEYWORD
                else _("Enter the postback data to answer."),
            )
        if len(patterns) > MAX_PATTERNS:
            add("patterns", _("At most %(max)s per rule.") % {"max": MAX_PATTERNS})
        limit = MAX_KEYWORD_LENGTH if data.kind == Kind.KEYWORD else MAX_POSTBACK_DATA_LENGTH
        for pattern in patterns:
            if len(pattern) > limit:
                add(
                    "patterns",
                    _("“%(pattern)s…” is longer than %(max)s characters.")
                    % {"pattern": pattern[:20], "max": limit},
                )
            elif data.kind == Kind.KEYWORD and data.match == Match.REGEX:
                problem = regex_error(pattern)
                if problem:
                    add("patterns", problem)
    if data.kind == Kind.GREETING and not (data.on_follow or data.on_refollow):
        add("on_follow", _("A greeting answers a follow, a re-follow, or both: tick one."))
    errors.update(
        {"messages": [str(problem) for problem in messages_errors(data.messages)]}
        if messages_errors(data.messages)
        else {}
    )
    return errors


def _normalised(data: RuleInput) -> RuleInput:
    """Fields the kind does not use are emptied, so a rule never keeps a stale match."""
    if data.kind not in MATCHES:
        data.match, data.patterns = "", []
    else:
        data.patterns = [pattern.strip() for pattern in data.patterns if pattern.strip()]
    if data.kind != Kind.GREETING:
        data.on_follow = data.on_refollow = True
    data.name = data.name.strip()
    return data


def _check(account: LineAccount, data: RuleInput) -> RuleInput:
    errors = rule_errors(data)
    if any(tag.account_id != account.pk for tag in data.tags):
        errors.setdefault("tags", []).append(_("Choose tags of this OA."))
    if errors:
        raise ValidationError(errors)
    return _normalised(data)


_FIELDS = ("name", "kind", "match", "patterns", "on_follow", "on_refollow", "enabled")


@transaction.atomic
def auto_reply_rule_create(*, account: LineAccount, data: RuleInput) -> AutoReplyRule:
    """Save a new rule after every other (the lowest priority); ValidationError by field."""
    data = _check(account, data)
    rules = AutoReplyRule.objects.for_account(account)
    last = rules.aggregate(last=Max("priority"))["last"]
    rule = rules.create(
        account=account,
        priority=(last or 0) + PRIORITY_STEP,
        messages=data.messages,
        hand_over=data.hand_over,
        **{name: getattr(data, name) for name in _FIELDS},
    )
    rule.tags.set(data.tags)
    return rule


@transaction.atomic
def auto_reply_rule_update(*, rule: AutoReplyRule, data: RuleInput) -> AutoReplyRule:
    data = _check(rule.account, data)
    for name in _FIELDS:
        setattr(rule, name, getattr(data, name))
    rule.messages = data.messages
    rule.hand_over = data.hand_over
    rule.save()
    rule.tags.set(data.tags)
    return rule


@transaction.atomic
def auto_reply_rule_delete(*, rule: AutoReplyRule) -> None:
    rule.delete()


@transaction.atomic
def auto_reply_rule_move(*, rule: AutoReplyRule, up: bool) -> None:
    """Swap the rule with the one before (``up``) or after it; priorities are renumbered
    10, 20, 30... in the new order."""
    rules = list(auto_reply_rule_list(account=rule.account).select_for_update())
    index = next(i for i, other in enumerate(rules) if other.pk == rule.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(rules):
        rules[index], rules[other] = rules[other], rules[index]
    for position, item in enumerate(rules, start=1):
        item.priority = position * PRIORITY_STEP
    AutoReplyRule.objects.for_account(rule.account).bulk_update(rules, ["priority"])


def business_hours_errors(windows: list, closed_dates: list) -> dict[str, list[str]]:
    """Problems of weekly windows (``[{"weekday", "start", "end"}]``) and closed dates."""
    errors: dict[str, list[str]] = {}
    if not isinstance(windows, list) or len(windows) > MAX_WINDOWS:
        errors["windows"] = [_("At most %(max)s opening windows.") % {"max": MAX_WINDOWS}]
        windows = []
    for number, window in enumerate(windows, start=1):
        problem = _window_error(window)
        if problem:
            errors.setdefault("windows", []).append(
                _("Window %(number)s: %(problem)s") % {"number": number, "problem": problem}
            )
    if not isinstance(closed_dates, list) or len(closed_dates) > MAX_CLOSED_DATES:
        errors["closed_dates"] = [_("At most %(max)s closed dates.") % {"max": MAX_CLOSED_DATES}]
        return errors
    for value in closed_dates:
        try:
            date.fromisoformat(str(value))
        except ValueError:
            errors.setdefault("closed_dates", []).append(
                _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": str(value)[:20]}
            )
    return errors


def _window_error(window) -> str:
    if not isinstance(window, dict) or window.get("weekday") not in range(7):
        return _("the weekday is 0 (Monday) to 6 (Sunday).")
    try:
        start, end = minutes(str(window.get("start"))), minutes(str(window.get("end")))
    except ValueError:
        return _("times are HH:MM, from 00:00 to 24:00.")
    if start >= end or start == END_OF_DAY:
        return _("it must end after it starts (split a night across midnight in two windows).")
    return ""


@transaction.atomic
def business_hours_save(
    *, account: LineAccount, windows: list, closed_dates: list
) -> BusinessHours:
    """Replace the OA's business hours; ValidationError naming ``windows`` or
    ``closed_dates``."""
    errors = business_hours_errors(windows, closed_dates)
    if errors:
        raise ValidationError(errors)
    hours, _created = BusinessHours.objects.for_account(account).update_or_create(
        account=account,
        defaults={
            "windows": sorted(
                ({"weekday": w["weekday"], "start": w["start"], "end": w["end"]} for w in windows),
                key=lambda w: (w["weekday"], w["start"]),
            ),
            "closed_dates": sorted({str(value) for value in closed_dates}),
        },
    )
    return hours


@transaction.atomic
def auto_reply_rule_switch(*, rule: AutoReplyRule, enabled: bool) -> None:
    rule.enabled = enabled
    rule.save(update_fields=["enabled", "updated_at"])
