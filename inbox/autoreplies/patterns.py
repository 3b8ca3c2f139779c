"""Keyword patterns: how text is compared, and which regular expressions are allowed.

Exact and contains compare NFKC-normalised, case-folded text, so "SALE" typed full-width
matches "sale" and half-width katakana matches full-width. Regular expressions run on the NFKC form
with IGNORECASE.

Python's ``re`` has no timeout (the ``regex`` package is not a dependency), and a pattern such
as ``(a+)+b`` or ``.*a.*a.*b`` backtracks for minutes on a long message. So a pattern is
refused when saved unless its backtracking stays small: at most ``MAX_PATTERN_LENGTH``
characters, no repetition inside a repetition, no alternatives inside a repetition, no back
references, at most ``MAX_VARIABLE_REPEATS`` variable-length repeats (an optional ``?`` weighs a
quarter); and a message is matched
on its first ``MATCH_TEXT_LIMIT`` characters (keyword answers are for short messages). With
two ``.*`` on 200 characters the worst case is about 10 ms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from django.utils.translation import gettext as _

MAX_PATTERN_LENGTH = 100
MAX_VARIABLE_REPEATS = 2
# Two repeats and a couple of optional parts: ``order\s*#?\d+`` weighs 2.25.
MAX_REPEAT_WEIGHT = 2.5
# An optional part (``x?``) weighs a quarter of a repeat: ``#?\d+`` is fine, twenty ``a?`` not.
OPTIONAL_WEIGHT = 0.25
MATCH_TEXT_LIMIT = 200

# The parsed form of a pattern (CPython's own parser, as ``re.compile`` uses it).
from re import _constants as sre_constants  # noqa: E402
from re import _parser as sre_parser  # noqa: E402

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}
_BACKREFERENCES = {sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS}


def normalise(text: str) -> str:
    """The form exact and contains compare: NFKC (full-width to half-width), case-folded,
    surrounding spaces trimmed."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def regex_error(pattern: str) -> str:
    """Why ``pattern`` is refused as a keyword regular expression, or "" when it is fine."""
    if not pattern.strip():
        return _("Enter a regular expression.")
    if len(pattern) > MAX_PATTERN_LENGTH:
        return _("A regular expression has at most %(max)s characters.") % {
            "max": MAX_PATTERN_LENGTH
        }
    try:
        parsed = sre_parser.parse(pattern, re.IGNORECASE)
    except re.error as exc:
        return _("“%(pattern)s” is not a valid regular expression: %(reason)s.") % {
            "pattern": pattern,
            "reason": exc.msg,
        }
    problem, variable = _walk(list(parsed), inside_repeat=False)
    if not problem and variable > MAX_REPEAT_WEIGHT:
        problem = _(
            "At most %(max)s variable repeats (such as .* or \\d+) are allowed in one "
            "expression: more could make matching too slow."
        ) % {"max": MAX_VARIABLE_REPEATS}
    return problem


def _walk(items: list, *, inside_repeat: bool) -> tuple[str, float]:
    """(problem, weight of the variable-length repeats) of a parsed pattern."""
    variable = 0.0
    for op, value in items:
        if op in _BACKREFERENCES:
            return _("Back references (\\1, (?P=name)) are not allowed."), variable
        if op in _REPEATS:
            low, high, sub = value
            if inside_repeat:
                return (
                    _(
                        "A repeat inside a repeat (like (a+)+) can make matching take "
                        "minutes; write the expression without nesting."
                    ),
                    variable,
                )
            if low != high:
                # An optional part (``?``) backtracks once; a longer repeat once per character.
                variable += 1 if high > 1 else OPTIONAL_WEIGHT
            problem, inner = _walk(list(sub), inside_repeat=True)
            if problem:
                return problem, variable
            variable += inner
            continue
        if op == sre_constants.BRANCH and inside_repeat:
            return (
                _(
                    "Alternatives inside a repeat (like (a|b)*) can make matching take "
                    "minutes; repeat a character class such as [ab]* instead."
                ),
                variable,
            )
        for sub in _children(op, value):
            problem, inner = _walk(sub, inside_repeat=inside_repeat)
            if problem:
                return problem, variable
            variable += inner
    return "", variable


def _children(op, value) -> list[list]:
    """The sub-patterns of a group, an alternation or a lookaround."""
    if op == sre_constants.SUBPATTERN:
        return [list(value[-1])]
    if op == sre_constants.BRANCH:
        return [list(branch) for branch in value[1]]
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [list(value[1])]
    if op == sre_constants.ATOMIC_GROUP:
        return [list(value)]
    return []


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> re.Pattern | None:
    """The compiled expression (cached: every message is matched against every rule), or
    None for a pattern that is not allowed (never saved, but a row could be edited by hand)."""
    if regex_error(pattern):
        return None
    return re.compile(pattern, re.IGNORECASE)


def text_matches(match: str, patterns: list[str], text: str) -> bool:
    """True when ``text`` matches any of the patterns in the ``match`` way."""
    if not text:
        return False
    if match == "regex":
        subject = unicodedata.normalize("NFKC", text)[:MATCH_TEXT_LIMIT]
        return any(
            expression is not None and expression.search(subject) is not None
            for expression in map(compiled, patterns)
        )
    subject = normalise(text)
    keywords = [normalise(pattern) for pattern in patterns]
    if match == "exact":
        return subject in keywords
    if match == "contains":
        return any(keyword and keyword in subject for keyword in keywords)
    return False


def data_matches(match: str, patterns: list[str], data: str) -> bool:
    """Postback data (the button's own string, compared as it is): exact or prefix."""
    if not data:
        return False
    if match == "exact":
        return data in patterns
    if match == "prefix":
        return any(pattern and data.startswith(pattern) for pattern in patterns)
    return False
