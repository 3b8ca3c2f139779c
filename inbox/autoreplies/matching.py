"""Which rule answers an event: a pure decision over the OA's rules, unit-tested.

The order, for the rules that are on (each stage takes the lowest priority number, then the
oldest rule):

1. A follow is answered by a greeting rule "on follow"; a re-follow after a block (LINE's
   ``isUnblocked``) by a greeting rule "on re-follow". Nothing else answers them.
2. A postback is answered by a postback rule whose data matches (exact or prefix). Nothing
   else answers a postback: it is a button's tap, not something the friend wrote.
3. A message (text, sticker, image...): the first keyword rule that matches its text. Then,
   if none matched: outside business hours the away rule, otherwise (or without an away rule)
   the fallback rule. Keywords answer at any hour: a friend asking for the opening hours at
   night gets that answer rather than "we are away".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from inbox.autoreplies.patterns import data_matches, text_matches
from inbox.models import AutoReplyRule

Kind = AutoReplyRule.Kind

FOLLOW = "follow"
REFOLLOW = "refollow"
MESSAGE = "message"
POSTBACK = "postback"
EVENT_KINDS = (FOLLOW, REFOLLOW, MESSAGE, POSTBACK)


@dataclass(frozen=True)
class AutoReplyEvent:
    """What the friend did: ``kind`` one of ``EVENT_KINDS``; ``text`` a text message's text
    (empty for a sticker or an image); ``data`` a postback's data."""

    kind: str
    text: str = ""
    data: str = ""


def _first(rules: Sequence[AutoReplyRule], kind: str, test=lambda rule: True):
    for rule in rules:
        if rule.kind == kind and test(rule):
            return rule
    return None


def rule_for(
    rules: Sequence[AutoReplyRule], event: AutoReplyEvent, *, open_now: bool
) -> AutoReplyRule | None:
    """The rule that answers ``event``, or None; ``open_now``: within business hours."""
    ordered = sorted(
        (rule for rule in rules if rule.enabled), key=lambda r: (r.priority, r.pk or 0)
    )
    if event.kind == FOLLOW:
        return _first(ordered, Kind.GREETING, lambda rule: rule.on_follow)
    if event.kind == REFOLLOW:
        return _first(ordered, Kind.GREETING, lambda rule: rule.on_refollow)
    if event.kind == POSTBACK:
        return _first(
            ordered, Kind.POSTBACK, lambda rule: data_matches(rule.match, rule.patterns, event.data)
        )
    if event.kind != MESSAGE:
        return None
    keyword = _first(
        ordered, Kind.KEYWORD, lambda rule: text_matches(rule.match, rule.patterns, event.text)
    )
    if keyword is not None:
        return keyword
    if not open_now:
        away = _first(ordered, Kind.AWAY)
        if away is not None:
            return away
    return _first(ordered, Kind.FALLBACK)
