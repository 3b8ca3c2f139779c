"""Template tags for the shared components of ``templates/components/``.

Loaded as a builtin (settings ``TEMPLATES`` ``builtins``), so every template can use them
without ``{% load %}``.
"""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.template.base import Parser, Token
from django.template.context import Context
from django.utils.safestring import mark_safe

register = template.Library()


class TableBoxNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        box = context.template.engine.get_template("components/table_box.html")
        with context.push(table=mark_safe(self.nodelist.render(context))):
            return box.render(context)


@register.tag
def tablebox(parser: Parser, token: Token) -> TableBoxNode:
    """``{% tablebox %}<table>…</table>{% endtablebox %}``: the table in a box that scrolls
    sideways on its own, so a wide table never makes the page scroll sideways on a phone.
    Every table of the console is wrapped in one (tests/oa_console/test_templates.py)."""
    nodelist = parser.parse(("endtablebox",))
    parser.delete_first_token()
    return TableBoxNode(nodelist)


@register.simple_tag(takes_context=True)
def page_query(context: Context, param: str, number: int) -> str:
    """``?...`` for page ``number`` of the list paged by ``param``, keeping the request's other
    query parameters: a date range, the filters, the other list's page on a page with two
    (``components/pagination.html``)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[param] = str(number)
    return "?" + query.urlencode()
