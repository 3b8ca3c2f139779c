"""One mechanism for htmx fragments: ``oa_console.views._render.render_page``.

A fragment is a ``{% partialdef %}`` of the page it belongs to, answered by ``render_page``
(whitelisted target id, or ``fragment=`` named by the view; ``also=`` for out-of-band partials).
This check fails when code elsewhere renders a fragment itself: a ``render()`` or
``render_to_string()`` of a partial (``page.html#name``) or of a standalone fragment template
(a file name starting with ``_``). Including such templates from templates stays fine.
"""

from __future__ import annotations

import ast

from tests.architecture.test_boundaries import APPS, _modules

THE_MECHANISM = "oa_console/views/_render.py"
# function name -> position of its template argument
RENDERERS = {"render": 1, "render_to_string": 0}


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "text"`` assignments (``TEMPLATE = "app/page.html"``)."""
    found = {}
    for statement in tree.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            found[statement.targets[0].id] = statement.value.value
    return found


def _text(node: ast.expr, constants: dict[str, str]) -> str | None:
    """The template name ``node`` spells, with ``{}`` for the parts not known before run time;
    None when nothing of it is known."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.JoinedStr):
        pieces = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                pieces.append(_text(value.value, constants) or "{}")
            else:
                pieces.append(_text(value, constants) or "")
        return "".join(pieces)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left, constants), _text(node.right, constants)
        if left is None and right is None:
            return None
        return (left or "{}") + (right or "{}")
    return None


def fragment_renders(source: str, filename: str) -> list[str]:
    """``filename:line template`` for each render()/render_to_string() in ``source`` whose
    template is a partial (``#``) or a standalone fragment (file name starting with ``_``)."""
    tree = ast.parse(source, filename=filename)
    constants = _constants(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in RENDERERS:
            continue
        position = RENDERERS[name]
        argument = next((k.value for k in node.keywords if k.arg == "template_name"), None)
        if argument is None and len(node.args) > position:
            argument = node.args[position]
        template = _text(argument, constants) if argument is not None else None
        if template and ("#" in template or template.rsplit("/", 1)[-1].startswith("_")):
            found.append(f"{filename}:{node.lineno} {template}")
    return found


def test_the_check_sees_fragments_rendered_by_hand():
    source = """
from django.shortcuts import render
from django.template import loader
TEMPLATE = "segments/segment_builder.html"

def view(request, rule):
    render(request, "segments/_backfill_status.html", {"rule": rule})
    loader.render_to_string(f"{TEMPLATE}#segment-preview", {}, request)
    render_to_string(template_name="segments/_rule_errors.html")
    render(request, TEMPLATE + "#rule-tree", {})
    render(request, TEMPLATE, {})
    render(request, "segments/tags.html", {})
    box.render(context)
"""
    assert fragment_renders(source, "views.py") == [
        "views.py:7 segments/_backfill_status.html",
        "views.py:8 segments/segment_builder.html#segment-preview",
        "views.py:9 segments/_rule_errors.html",
        "views.py:10 segments/segment_builder.html#rule-tree",
    ]


def test_only_render_page_renders_htmx_fragments():
    found = []
    for name, path in _modules(*APPS):
        if name != THE_MECHANISM:
            found += fragment_renders(path.read_text(), name)
    assert not found, (
        "htmx fragments are answered by oa_console.views._render.render_page (a partialdef of "
        f"the page, whitelisted or named with fragment=; also= for out-of-band ones): {found}"
    )
