"""URL modules follow one naming scheme, where the module's name says where it is mounted.

Each app keeps its URL modules in a ``urls`` package, one module per mount point of the root
URLconf (``oa_console/urls.py``): ``<app>/urls/<mount>.py``; its API routes stay in
``<app>/api/urls.py``, included by the API root (``oa_console/api/urls.py``). The root URLconf
is the one other ``urls.py``. The checks read file names and the root's ``include()`` strings,
so a module named outside the scheme, or included at a place its name does not say, fails.
"""

from __future__ import annotations

import ast

from django.conf import settings

from tests.architecture.test_boundaries import APPS, ROOT, _modules

ROOT_URLCONF = "oa_console/urls.py"
API_ROOT = "oa_console/api/urls.py"

# mount -> where the root URLconf includes it (the list of patterns holding the include()).
MOUNTS = {
    "account": "account_patterns",  # /w/<workspace>/oa/<account>/...: one OA's pages
    "workspace": "workspace_patterns",  # /w/<workspace>/...: workspace pages
    "public": "urlpatterns",  # outside any tenant (site root, a/): no console session
    "simulated": "urlpatterns",  # broadcasts' simulated LINE API, the embedded demo only
    "line": "urlpatterns",  # webhooks/: LINE's webhook endpoint, the key names the OA
}


def url_modules_outside_the_scheme(paths: list[str]) -> list[str]:
    """The paths among ``paths`` that hold URL routes (a ``urls`` folder, or ``urls`` in the
    file name) but are neither the root URLconf, ``<app>/api/urls.py``, nor
    ``<app>/urls/<mount>.py`` (or that package's ``__init__.py``)."""
    outside = []
    for path in paths:
        parts = path.split("/")
        if "urls" not in parts[:-1] and "urls" not in parts[-1]:
            continue
        if path == ROOT_URLCONF:
            continue
        if len(parts) == 3 and parts[0] in APPS:
            app_api = parts[1] == "api" and parts[2] == "urls.py"
            mount = parts[1] == "urls" and parts[2].removesuffix(".py") in {*MOUNTS, "__init__"}
            if app_api or mount:
                continue
        outside.append(path)
    return outside


def _included(path: str) -> dict[str, set[str]]:
    """For each list of patterns in the URLconf at ``path`` (by the name it is assigned to or
    appended to), the dotted modules its ``include("...")`` calls name."""
    tree = ast.parse((ROOT / path).read_text(), filename=path)
    found: dict[str, set[str]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
            owner = statement.targets[0].id
        elif isinstance(statement, ast.If):  # urlpatterns.append(...) under a setting
            calls = [n for n in ast.walk(statement) if isinstance(n, ast.Attribute)]
            owner = next(
                (c.value.id for c in calls if c.attr == "append" and isinstance(c.value, ast.Name)),
                "",
            )
        else:
            continue
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "include"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(owner, set()).add(node.args[0].value)
    return found


def test_the_scheme_check_flags_the_old_names():
    old = [
        "broadcasts/public_urls.py",
        "webhooks/line_urls.py",
        "segments/public/urls.py",
        "insights/urls.py",
        "insights/urls/portfolio.py",
    ]
    kept = ["insights/urls/account.py", "insights/urls/__init__.py", "insights/api/urls.py"]
    assert url_modules_outside_the_scheme([*old, *kept, ROOT_URLCONF]) == old


def test_every_url_module_is_named_after_its_mount():
    assert ROOT_URLCONF.removesuffix(".py").replace("/", ".") == settings.ROOT_URLCONF
    paths = [name for name, _path in _modules(*APPS)]
    assert not url_modules_outside_the_scheme(paths), (
        "URL modules go in <app>/urls/<mount>.py (mounts: "
        f"{', '.join(MOUNTS)}) or <app>/api/urls.py: {url_modules_outside_the_scheme(paths)}"
    )
    packages = [name for name in paths if name.endswith("/urls/__init__.py")]
    holding_routes = [
        name for name in packages if "urlpatterns" in (ROOT / name).read_text()
    ]  # include("<app>.urls") must not work: the mount is always named
    assert not holding_routes, f"a urls package's __init__ holds routes: {holding_routes}"


def test_the_root_urlconfs_include_each_module_where_its_name_says():
    misplaced = []
    for owner, modules in _included(ROOT_URLCONF).items():
        for module in modules:
            parts = module.split(".")
            if parts[0] == "django" or module == "oa_console.api.urls":
                continue
            if not (len(parts) == 3 and parts[1] == "urls" and MOUNTS.get(parts[2]) == owner):
                misplaced.append((owner, module))
    for owner, modules in _included(API_ROOT).items():
        misplaced += [(owner, m) for m in modules if not m.endswith(".api.urls")]
    assert not misplaced, f"included where the module's name does not say: {sorted(misplaced)}"
    included = set().union(*_included(ROOT_URLCONF).values(), *_included(API_ROOT).values())
    on_disk = {
        name.removesuffix(".py").replace("/", ".")
        for name, _path in _modules(*APPS)
        if name != ROOT_URLCONF
        and not name.endswith("__init__.py")
        and not url_modules_outside_the_scheme([name])
        and ("/urls/" in name or name.endswith("/urls.py"))
    }
    assert on_disk == {m for m in included if not m.startswith("django.")}, (
        "every URL module is included once by a root URLconf, and every include names one"
    )
