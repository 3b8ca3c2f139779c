"""The repository is whole on its own: no tracked file reaches outside it.

A fresh clone is all a newcomer (and CI's smoke step) has, with nothing beside it. So no tracked
file may read, link to or send a reader to a path above the repository root: LINE's OpenAPI
documents and the SDK's webhook fixture are vendored under docs/, as static/ vendors its
libraries.

Three ways a file can reach outside, each checked here:

- text: a ``../`` path in prose, a markdown link, a comment or a string literal. Markdown's are
  resolved from the file's own folder (as its links render); any other file's both from its
  folder and from the repository root (where ``make`` runs commands and prose counts from);
  escaping either way is a failure. A ``../`` glued to
  a word, ``=`` or ``/`` (a URL such as ``?partial=../base`` or ``/media/a/../../etc``) is not a
  file path and is left alone.
- Python path arithmetic: ``Path(__file__).resolve().parents[2] / ".." / "shared"`` and
  ``os.path.join(os.path.dirname(__file__), "..", ...)`` are evaluated from the file's location.
- symbolic links whose target lies outside.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Not tracked in a checkout (see .gitignore); skipped when the tree is walked without git.
UNTRACKED_DIRS = {
    ".git",
    ".venv",
    ".tools",
    "var",
    "staticfiles",
    "test-results",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
}

# A relative path going up: at the start of the text or after a space, quote, backtick or bracket.
PARENT_PATH = re.compile(r"""(?:(?<=^)|(?<=[\s"'`(\[<]))((?:\.\./)+[^\s"'`)\]>,;]*)""", re.M)


def tracked_files() -> list[Path]:
    """The files git tracks, or (outside a git checkout) every file not in an ignored folder."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return [
            path
            for path in ROOT.rglob("*")
            if path.is_file() or path.is_symlink()
            if not UNTRACKED_DIRS.intersection(path.relative_to(ROOT).parts)
        ]
    return [ROOT / name for name in listing.decode().split("\0") if name]


def escapes(path: Path) -> bool:
    """Whether ``path`` (absolute, possibly with ``..``) lies outside the repository root."""
    return not Path(os.path.normpath(path)).is_relative_to(ROOT)


def text_reaches(path: Path, text: str) -> Iterator[str]:
    """Every ``../`` path in ``text`` that leaves the repository.

    Markdown is read from the file's own folder (as its links render); any other file's paths
    also from the root, where ``make`` and CI run its commands.
    """
    bases = [path.parent] if path.suffix == ".md" else [path.parent, ROOT]
    for match in PARENT_PATH.finditer(text):
        target = match.group(1)
        if any(escapes(base / target) for base in bases):
            line = text.count("\n", 0, match.start()) + 1
            yield f"{path.relative_to(ROOT)}:{line}: {target}"


class _PathEvaluator(ast.NodeVisitor):
    """Evaluates the path arithmetic of a Python module from its own ``__file__``.

    Only paths computed from ``__file__`` are followed (an absolute ``Path("/proc")`` is the
    machine's, not a file of another checkout). Knows ``Path(...)``, ``.resolve()``, ``.absolute()``, ``.parent``, ``.parents[n]``, ``/``,
    ``os.path.join``, ``os.path.dirname``, ``os.path.abspath`` and module-level names bound to
    such expressions. Records every evaluated path that leaves the repository.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.names: dict[str, Path | str] = {}
        self.found: list[str] = []

    def value(self, node: ast.AST) -> Path | str | None:
        result = self._value(node)
        if isinstance(result, Path) and escapes(result):
            self.found.append(
                f"{self.path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}"
                f" -> {os.path.normpath(result)}"
            )
        return result

    def _value(self, node: ast.AST) -> Path | str | None:
        match node:
            case ast.Constant(value=str() as text):
                return text
            case ast.Name(id="__file__"):
                return self.path
            case ast.Name(id=name):
                return self.names.get(name)
            case ast.Call(func=ast.Name(id="Path" | "PurePath"), args=[arg]):
                inner = self.value(arg)
                return inner if isinstance(inner, Path) else None
            case ast.Call(func=ast.Attribute(attr="resolve" | "absolute", value=inner), args=[]):
                base = self.value(inner)
                return base if isinstance(base, Path) else None
            case ast.Attribute(attr="parent", value=inner):
                base = self.value(inner)
                return Path(os.path.normpath(base)).parent if isinstance(base, Path) else None
            case ast.Subscript(
                value=ast.Attribute(attr="parents", value=inner),
                slice=ast.Constant(value=int() as n),
            ):
                base = self.value(inner)
                return Path(os.path.normpath(base)).parents[n] if isinstance(base, Path) else None
            case ast.BinOp(op=ast.Div(), left=left, right=right):
                base, part = self.value(left), self.value(right)
                if isinstance(base, Path) and part is not None:
                    return base / part
                return None
            case ast.Call(func=ast.Attribute(attr="join", value=_), args=[first, *rest]):
                base = self.value(first)
                parts = [self.value(arg) for arg in rest]
                if not isinstance(base, Path) or any(part is None for part in parts):
                    return None
                return Path(os.path.join(base, *map(str, parts)))
            case ast.Call(func=ast.Attribute(attr="dirname" | "abspath" as attr), args=[arg]):
                base = self.value(arg)
                if not isinstance(base, Path):
                    return None
                return base.parent if attr == "dirname" else base
        return None

    def visit_Assign(self, node: ast.Assign) -> None:
        result = self.value(node.value)
        for target in node.targets:
            if isinstance(target, ast.Name) and result is not None:
                self.names[target.id] = result
        self.generic_visit(node)

    def visit_expr(self, node: ast.expr) -> None:
        self.value(node)
        self.generic_visit(node)

    visit_BinOp = visit_Call = visit_Attribute = visit_Subscript = visit_expr


def python_reaches(path: Path, source: str) -> list[str]:
    evaluator = _PathEvaluator(path)
    evaluator.visit(ast.parse(source, filename=str(path)))
    return sorted(set(evaluator.found))


def reaches_outside(files: list[Path]) -> list[str]:
    found: list[str] = []
    for path in files:
        if path == Path(__file__).resolve():
            continue  # this file's examples of ways out are the check's own test data
        if path.is_symlink():
            if escapes(path.parent / os.readlink(path)):
                found.append(f"{path.relative_to(ROOT)}: symlink to {os.readlink(path)}")
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue  # binary (compiled catalogues, images) or deleted but not yet committed
        found.extend(text_reaches(path, text))
        if path.suffix == ".py":
            found.extend(python_reaches(path, text))
    return found


def test_no_tracked_file_reaches_outside_the_repository():
    files = tracked_files()
    assert len(files) > 100, "the listing found the repository's files"
    outside = reaches_outside(files)
    assert not outside, "files reach outside the repository:\n" + "\n".join(outside)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("README.md", "The conventions are in `../shared/ARCHITECTURE.md`."),
        ("docs/guide.md", "See [the notes](../../notes.md)."),
        ("tests/fakes/x.py", '"""Validated against ../shared/line-openapi/*.yml."""'),
        ("tests/fakes/x.py", 'SPEC = Path(__file__).resolve().parents[2] / ".." / "shared"\n'),
        ("tests/fakes/x.py", 'D = os.path.join(os.path.dirname(__file__), "..", "..", "..")\n'),
        ("tests/fakes/x.py", 'BASE = Path(__file__).parent.parent.parent\nX = BASE / ".."\n'),
    ],
)
def test_the_check_catches_each_way_out(name, text):
    """Each way out, written into a file at ``name``, is reported."""
    assert reaches_outside_text(ROOT / name, text)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("docs/guide.md", "See [the broadcasts](../README.md) and `../docs/tags.md`."),
        ("tests/webhooks/x.py", 'client.get(url + "?partial=../base")'),
        ("tests/broadcasts/x.py", '"/media/broadcasts/../../etc/passwd"'),
        (
            "tests/fakes/x.py",
            'SPEC = Path(__file__).resolve().parents[2] / "docs" / "line-openapi"\n',
        ),
        ("tests/fakes/x.py", 'BASE = Path(__file__).resolve().parent / ".."\n'),
    ],
)
def test_paths_inside_the_repository_pass(name, text):
    assert not reaches_outside_text(ROOT / name, text)


def reaches_outside_text(path: Path, text: str) -> list[str]:
    found = list(text_reaches(path, text))
    if path.suffix == ".py":
        found.extend(python_reaches(path, text))
    return found
