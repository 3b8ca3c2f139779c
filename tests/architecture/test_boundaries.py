"""The code's shape, checked: what import-linter cannot see (function-local imports across apps),
module size, and where the cross-tenant ``unscoped`` manager is used.

The layer contract itself is ``.importlinter``, run by ``make lint``; these checks keep the ways
around it from creeping back. Each list of exceptions is in ``allowances.py`` with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.architecture.allowances import LOCAL, OVERSIZED, UNSCOPED

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "oa_console",
    "webhooks",
    "segments",
    "coupons",
    "liff_forms",
    "richmenus",
    "broadcasts",
    "insights",
    "journeys",
    "inbox",
)
MAX_LINES = 400


def _modules(*roots: str):
    for root in roots:
        if not (ROOT / root).is_dir():
            continue
        for path in sorted((ROOT / root).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path


def function_local_cross_app_imports() -> set[tuple[str, str]]:
    """(module path, imported module) for every import inside a function that reaches another
    app: the way around the layer contract that import-linter reports but cannot tell apart."""
    found = set()
    for name, path in _modules(*APPS):
        app = name.split("/")[0]
        tree = ast.parse(path.read_text(), filename=name)
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules = [node.module]
                elif isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                else:
                    continue
                for module in modules:
                    if module.split(".")[0] in APPS and module.split(".")[0] != app:
                        found.add((name, module))
    return found


def test_function_local_imports_across_apps_are_listed_with_a_reason():
    found = function_local_cross_app_imports()
    unlisted = sorted(found - set(LOCAL))
    gone = sorted(set(LOCAL) - found)
    assert not unlisted, f"function-local imports across apps (import at module level): {unlisted}"
    assert not gone, f"listed in allowances.LOCAL but no longer in the code, remove: {gone}"


def test_no_module_grows_past_the_limit():
    sizes = {
        name: len(path.read_text().splitlines()) for name, path in _modules(*APPS, "tests", "bench")
    }
    too_long = {n: lines for n, lines in sizes.items() if lines > MAX_LINES}
    grown = {n: lines for n, lines in too_long.items() if lines > OVERSIZED.get(n, MAX_LINES)}
    fixed = sorted(n for n in OVERSIZED if n not in too_long)
    assert not grown, f"modules over {MAX_LINES} lines (split them by concern): {grown}"
    assert not fixed, f"listed in allowances.OVERSIZED but now short enough, remove: {fixed}"


def test_the_cross_tenant_manager_stays_where_it_is_listed():
    uses = {}
    for name, path in _modules(*APPS):
        count = len(re.findall(r"\.unscoped\b", path.read_text()))
        if count:
            uses[name] = count
    grown = {n: c for n, c in uses.items() if c > UNSCOPED.get(n, 0)}
    shrunk = {n: (UNSCOPED[n], uses.get(n, 0)) for n in UNSCOPED if uses.get(n, 0) < UNSCOPED[n]}
    assert not grown, (
        f"new uses of `unscoped` (read with Model.objects.for_account(account)): {grown}"
    )
    assert not shrunk, f"fewer `unscoped` uses than allowances.UNSCOPED lists, lower it: {shrunk}"
