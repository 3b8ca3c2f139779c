"""Panels that apps above segments add to a friend's page (the journeys app's timeline),
registered in their ``AppConfig.ready()``: segments owns the friend page but may not import them.

A panel is a function ``(request, friend) -> str`` answering its HTML (rendered from the app's
own template, escaped by it) or an empty string when it has nothing to show for that friend.
Imports no models, so an app's ``apps.py`` can import it at the top.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django.http import HttpRequest

    from segments.models import Friend

FriendPanel = Callable[["HttpRequest", "Friend"], str]

# key -> panel, in registration order (dicts keep it), so the page's order is stable.
_panels: dict[str, FriendPanel] = {}


def register_friend_panel(key: str, panel: FriendPanel) -> None:
    """Add (or, under the same key, replace) a panel of the friend page."""
    _panels[key] = panel


def friend_panels_render(request: HttpRequest, friend: Friend) -> list[SafeString]:
    """Every registered panel's HTML for this friend, skipping the empty ones. Each panel renders
    its own template, which escapes what it shows, so its output is marked safe here."""
    rendered = (panel(request, friend) for panel in _panels.values())
    return [mark_safe(html) for html in rendered if html and html.strip()]
