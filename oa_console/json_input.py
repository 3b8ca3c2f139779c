"""JSON from outside (API bodies, webhook bodies, JSON typed into a form or a query string).

Python's ``json`` parses nested arrays and objects by recursion: a body nested 10,000 deep
raises ``RecursionError`` (a 500 wherever it escapes), and one nested 900 deep parses but makes
every later recursive walk of it (validation, ``json.dumps``, the worker's processing) fail far
from the request that brought it. Nothing the console accepts is nested more than a handful of
levels (a Flex message, the deepest, stays well under 20), so every parse of outside JSON goes
through ``json_loads_bounded``: the nesting is measured first by an iterative scan, which
cannot recurse, and a body deeper than ``MAX_JSON_DEPTH`` is refused like any other malformed
JSON, with ``JSONTooDeep`` (a ``ValueError``, so existing "not JSON" handling answers it).

The same loader refuses what is not JSON but Python accepts: ``NaN``/``Infinity`` literals and
numbers too large for a float (``1e999`` would become ``inf``), so no non-finite number enters
the console from outside.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate

MAX_JSON_DEPTH = 64

# A whole JSON string, escapes included (the unrolled form keeps the regex linear); removed
# before counting so that brackets inside strings do not count.
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_NOT_BRACKET = r"[^\[\]{}]+"
_PATTERNS = {
    str: (re.compile(_STRING, re.DOTALL), re.compile(_NOT_BRACKET), "", "[{"),
    bytes: (re.compile(_STRING.encode(), re.DOTALL), re.compile(_NOT_BRACKET.encode()), b"", b"[{"),
}
# One nesting step per bracket, for characters (str) and byte values (bytes) alike.
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1, 91: 1, 123: 1, 93: -1, 125: -1}


class JSONTooDeep(ValueError):
    """The document nests arrays/objects deeper than the limit."""

    def __init__(self, limit: int):
        super().__init__(f"nested deeper than {limit} levels")
        self.limit = limit


class JSONNotFinite(ValueError):
    """The document holds NaN, Infinity or a number beyond a float's range."""


def json_depth_exceeds(document: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when ``document`` opens more than ``limit`` arrays/objects inside each other.

    An iterative scan: no recursion, whatever the input. On text that is not JSON (an
    unterminated string) the count may be off, but such text is refused by the parser anyway.
    """
    kind = str if isinstance(document, str) else bytes
    strings, not_bracket, empty, openers = _PATTERNS[kind]
    if sum(document.count(opener) for opener in (openers[:1], openers[1:])) <= limit:
        return False  # the common case: too few brackets to nest that deep
    brackets = not_bracket.sub(empty, strings.sub(empty, document))
    # Running depth after each bracket, computed by C-level iterators (a Python loop over a
    # megabyte of brackets would take a second).
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


def _refuse_constant(name: str) -> float:
    raise JSONNotFinite(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONNotFinite(f"{text[:40]} is beyond the range of a number")
    return value


def json_loads_bounded(document: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> object:
    """``json.loads`` for input from outside: raises ``ValueError`` for anything not strict
    JSON, ``JSONTooDeep`` for nesting beyond ``max_depth`` and ``JSONNotFinite`` for numbers
    that are not finite. Never ``RecursionError``."""
    if json_depth_exceeds(document, max_depth):
        raise JSONTooDeep(max_depth)
    try:
        return json.loads(document, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError as exc:  # unreachable after the scan; kept so it can never be a 500
        raise JSONTooDeep(max_depth) from exc
