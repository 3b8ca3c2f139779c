"""Which query parameters a page reads, found by watching it read them.

A page's parameters are not declared anywhere the sweep could read: some views bind a form to
``request.GET``, some call ``request.GET.get("page")``, some pass ``request.GET`` down to a
helper (``date_range_from(request.GET)``). So the sweep asks the running code: every look-up
on a ``QueryDict`` (``[]``, ``get``, ``getlist``, ``in``) during a request is recorded. A page
is requested without parameters, then again with every name found so far set to a plain value
(a parameter read only when another is present is found in the next round), until no new name
appears. What this cannot see (a name read only after a specific value of another) is covered
by ``source_parameter_names``: every literal name the project's code reads from ``GET`` or
``query_params``, which the sweep also applies to every page.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.http import QueryDict

APP_DIRS = ("oa_console", "segments", "broadcasts", "insights", "webhooks")
ROOT = Path(__file__).resolve().parents[2]
MAX_ROUNDS = 4


@contextmanager
def recording_reads() -> Iterator[set[str]]:
    """Within the block, every key looked up on any QueryDict is added to the yielded set."""
    names: set[str] = set()
    originals = {
        attribute: getattr(QueryDict, attribute)
        for attribute in ("__getitem__", "get", "getlist", "__contains__")
    }

    def recorder(original: Callable) -> Callable:
        def wrapper(self, key, *args, **kwargs):
            if isinstance(key, str):
                names.add(key)
            return original(self, key, *args, **kwargs)

        return wrapper

    for attribute, original in originals.items():
        setattr(QueryDict, attribute, recorder(original))
    try:
        yield names
    finally:
        for attribute, original in originals.items():
            setattr(QueryDict, attribute, original)


def page_parameter_names(client, url: str, *, plain_value: str = "1") -> set[str]:
    """The query parameters ``url`` reads (see the module docstring), by GETting it."""
    found: set[str] = set()
    for _round in range(MAX_ROUNDS):
        with recording_reads() as names:
            client.get(url, dict.fromkeys(found, plain_value))
        if names <= found:
            break
        found |= names
    return found


def _reads_query(node: ast.AST) -> bool:
    """``<x>.GET`` or ``<x>.query_params``."""
    return isinstance(node, ast.Attribute) and node.attr in ("GET", "query_params")


def source_parameter_names() -> set[str]:
    """Every string literal the apps' code reads from ``request.GET`` / ``query_params``:
    ``GET["x"]``, ``GET.get("x")``, ``GET.getlist("x")``, ``"x" in GET``."""
    names: set[str] = set()
    for app in APP_DIRS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                key = None
                if isinstance(node, ast.Subscript) and _reads_query(node.value):
                    key = node.slice
                elif (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("get", "getlist")
                    and _reads_query(node.func.value)
                    and node.args
                ):
                    key = node.args[0]
                elif (
                    isinstance(node, ast.Compare)
                    and len(node.ops) == 1
                    and isinstance(node.ops[0], ast.In | ast.NotIn)
                    and _reads_query(node.comparators[0])
                ):
                    key = node.left
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    names.add(key.value)
    return names
