"""Shared components are used where the layout depends on them."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

TEMPLATE_ROOTS = [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]


def _templates() -> list[Path]:
    return sorted(path for root in TEMPLATE_ROOTS for path in root.rglob("*.html"))


def test_every_table_sits_in_its_own_scrolling_box():
    """A table outside {% tablebox %} makes the whole page scroll sideways on a phone once
    its columns are wider than the screen."""
    unwrapped = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in _templates()
        for match in re.finditer(r"(?<!\{% tablebox %\})<table[^>]*>", path.read_text())
    ]
    assert len(_templates()) > 20
    assert not unwrapped, "Wrap these tables in {% tablebox %}…{% endtablebox %}:\n" + "\n".join(
        unwrapped
    )


def test_tablebox_wraps_the_table_in_a_scrolling_box():
    html = Template("{% tablebox %}<table><tr><td>{{ cell }}</td></tr></table>{% endtablebox %}")
    rendered = html.render(Context({"cell": "<b>"}))
    assert rendered.startswith('<div class="table-box" tabindex="0"><table>')
    assert "<td>&lt;b&gt;</td>" in rendered  # the content is escaped as anywhere else
    assert rendered.endswith("</table></div>\n") or rendered.endswith("</table></div>")


def test_pagination_links_keep_the_pages_other_query_parameters(rf):
    """Paging one list keeps the date range, the filters and the other list's page."""
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    request = rf.get(
        "/", {"from": "2026-11-01", "to": "2026-11-30", "tags_page": "3", "rules_page": "2"}
    )
    html = render_to_string(
        "components/pagination.html",
        {"page_obj": Paginator(range(100), 10).get_page(2), "param": "rules_page"},
        request=request,
    )
    previous = re.search(r'href="([^"]+)" rel="prev"', html).group(1)
    following = re.search(r'href="([^"]+)" rel="next"', html).group(1)
    assert previous == "?from=2026-11-01&amp;to=2026-11-30&amp;tags_page=3&amp;rules_page=1"
    assert following == "?from=2026-11-01&amp;to=2026-11-30&amp;tags_page=3&amp;rules_page=3"
