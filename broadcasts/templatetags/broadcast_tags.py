"""Template helpers for broadcast previews and status badges."""

from django import template

from broadcasts.messages import DISPLAY_NAME

register = template.Library()


@register.filter
def with_name(text: str, name: str) -> str:
    """A text bubble as a friend called ``name`` would read it."""
    return (text or "").replace(DISPLAY_NAME, name)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
