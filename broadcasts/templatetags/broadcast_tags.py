"""Template helpers for broadcast previews and status badges."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from broadcasts import selectors, simulated_line
from broadcasts.demographic import describe as describe_demographic
from oa_console.formatting import percent as format_percent
from oa_console.line.messages import DISPLAY_NAME

register = template.Library()


@register.filter
def with_name(text: str, name: str) -> str:
    """A text bubble as a friend called ``name`` would read it."""
    return (text or "").replace(DISPLAY_NAME, name)


@register.filter(is_safe=True)
def emoji_badges(html: SafeString) -> SafeString:
    """Escaped text with each ``$`` placeholder shown as a LINE emoji badge."""
    badge = format_html('<span class="chat-emoji" title="{}">☺</span>', _("LINE emoji"))
    text = html if isinstance(html, SafeString) else conditional_escape(html)
    return mark_safe(str(text).replace("$", badge))


@register.filter
def line_figure(value) -> str:
    """LINE withholds figures under 20 (null): say so rather than show 0."""
    return _("fewer than 20") if value is None else f"{value:,}"


@register.filter
def line_figure_per(value, links: int | None) -> str:
    """A figure LINE reported for ``links`` links added up (a push's per-friend links): when
    one of them was withheld the total is unknown, each link being under 20."""
    if value is None and (links or 1) > 1:
        return _("under 20 per link (%(links)s links)") % {"links": links}
    return line_figure(value)


@register.filter
def share_of(part, whole) -> str:
    """``part`` as a percentage of ``whole`` (an open or click rate); unknown when either is."""
    if part is None or not whole:
        return "—"
    return format_percent(part / whole * 100)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else format_percent(value * 100)


@register.simple_tag
def simulated_line_banner() -> str:
    """Say plainly when broadcasts go to the demo's simulated LINE rather than to friends."""
    if not simulated_line.enabled():
        return ""
    return format_html(
        '<p class="message simulated-line" role="status" data-testid="simulated-line">{}</p>',
        _(
            "Simulated LINE: this demo sends broadcasts to a fake LINE endpoint built into the "
            "console. No message reaches a real LINE user."
        ),
    )


@register.filter
def demographic_text(demographic) -> str:
    """A LINE demographic filter in words, or "" when only its JSON can say it."""
    return describe_demographic(demographic)


@register.filter
def failure_reason(broadcast) -> str:
    """Why a broadcast failed or is being retried, in the reader's language where it can be."""
    return selectors.broadcast_reason(broadcast=broadcast)
