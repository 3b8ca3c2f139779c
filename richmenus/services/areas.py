"""A menu's tap areas: the rectangles LINE accepts and the action each tap runs.

LINE takes at most 20 areas, each inside the image; overlapping areas are refused here because
LINE would run only one of them for a tap in the overlap, which a designer never means. Every
refusal names the area (by its label or number) and the reason, and nothing is half-written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oa_console.line.rich_menus import MAX_AREAS
from oa_console.links import link_error
from richmenus.models import RichMenu, RichMenuArea
from richmenus.selectors.menus import rich_menu_aliases

ACTION_TYPES = ("uri", "message", "postback", "richmenuswitch", "datetimepicker")
DATETIME_MODES = ("date", "time", "datetime")
MAX_DATA = 300  # LINE's limit for postback, switch and date picker data
MAX_TEXT = 300
ALIAS = re.compile(r"^[a-z0-9_-]{1,32}$")


@dataclass(frozen=True)
class AreaInput:
    """One area as a form or the API gives it: bounds in image pixels, and the action's type
    with the one value it needs (``value``: the link, message text, postback data or alias)
    plus ``data`` for a switch or a date picker and ``mode`` for a date picker."""

    x: int
    y: int
    width: int
    height: int
    label: str
    type: str
    value: str = ""
    data: str = ""
    mode: str = "date"


def action_for(area: AreaInput) -> dict:
    """LINE's action object for ``area`` (messaging-api.yml ``Action``); ``label`` is what
    LINE reads out for accessibility."""
    label = {"label": area.label[:20]} if area.label else {}
    if area.type == "uri":
        return {"type": "uri", "uri": area.value, **label}
    if area.type == "message":
        return {"type": "message", "text": area.value, **label}
    if area.type == "postback":
        return {"type": "postback", "data": area.value, **label}
    if area.type == "richmenuswitch":
        return {
            "type": "richmenuswitch",
            "richMenuAliasId": area.value,
            "data": area.data or f"switch={area.value}",
            **label,
        }
    return {"type": "datetimepicker", "data": area.data or "date", "mode": area.mode, **label}


def area_value(area: RichMenuArea) -> dict:
    """The stored action back as the fields a form shows."""
    action = area.action or {}
    kind = action.get("type", "message")
    value = {
        "uri": action.get("uri", ""),
        "message": action.get("text", ""),
        "postback": action.get("data", ""),
        "richmenuswitch": action.get("richMenuAliasId", ""),
        "datetimepicker": "",
    }.get(kind, "")
    data = action.get("data", "") if kind in ("richmenuswitch", "datetimepicker") else ""
    return {"type": kind, "value": value, "data": data, "mode": action.get("mode", "date")}


def _name(area: AreaInput, number: int) -> str:
    return area.label or _("area %(number)s") % {"number": number}


def _action_errors(area: AreaInput, aliases: set[str]) -> list[str]:
    if area.type not in ACTION_TYPES:
        return [_("Choose what a tap does.")]
    if area.type == "uri":
        problem = link_error(area.value)
        return [problem] if problem else []
    if area.type == "message" and not area.value.strip():
        return [_("Write the message the friend sends by tapping.")]
    if area.type == "message" and len(area.value) > MAX_TEXT:
        return [_("A message is at most %(max)s characters.") % {"max": MAX_TEXT}]
    if area.type == "postback" and not area.value:
        return [_("Give the postback data your webhook receives.")]
    if (
        area.type in ("postback", "richmenuswitch", "datetimepicker")
        and max(len(area.value if area.type == "postback" else area.data), 0) > MAX_DATA
    ):
        return [_("Data is at most %(max)s characters.") % {"max": MAX_DATA}]
    if area.type == "richmenuswitch" and area.value not in aliases:
        return [_("Choose the tab (a menu with an alias) this area switches to.")]
    if area.type == "datetimepicker" and area.mode not in DATETIME_MODES:
        return [_("Choose a date, a time or both.")]
    return []


def areas_errors(menu: RichMenu, areas: Sequence[AreaInput], *, aliases: set[str]) -> list[str]:
    """Every problem of ``areas`` on ``menu``'s image, each naming its area."""
    errors: list[str] = []
    if len(areas) > MAX_AREAS:
        errors.append(
            _("LINE takes at most %(max)s tap areas; this menu has %(count)s.")
            % {"max": MAX_AREAS, "count": len(areas)}
        )
    for number, area in enumerate(areas, 1):
        name = _name(area, number)
        if area.width < 1 or area.height < 1 or area.x < 0 or area.y < 0:
            errors.append(_("%(area)s: give a position and a size.") % {"area": name})
        elif area.x + area.width > menu.width or area.y + area.height > menu.height:
            errors.append(
                _("%(area)s reaches outside the %(width)s x %(height)s image.")
                % {"area": name, "width": menu.width, "height": menu.height}
            )
        errors += [f"{name}: {problem}" for problem in _action_errors(area, aliases)]
        for other_number, other in enumerate(areas[: number - 1], 1):
            if (
                area.x < other.x + other.width
                and other.x < area.x + area.width
                and area.y < other.y + other.height
                and other.y < area.y + area.height
            ):
                errors.append(
                    _("%(area)s overlaps %(other)s.")
                    % {"area": name, "other": _name(other, other_number)}
                )
    return errors


def _aliases(menu: RichMenu) -> set[str]:
    return {alias for alias, _name in rich_menu_aliases(account=menu.account)}


def current_areas(menu: RichMenu) -> list[AreaInput]:
    return [
        AreaInput(
            x=a.x,
            y=a.y,
            width=a.width,
            height=a.height,
            label=a.label,
            **area_value(a),
        )
        for a in RichMenuArea.objects.for_account(menu.account).filter(menu=menu)
    ]


def _area_key(x: int, y: int, width: int, height: int, label: str, action: dict) -> tuple:
    return (x, y, width, height, label, tuple(sorted((k, str(v)) for k, v in action.items())))


def _locked_areas(menu: RichMenu, areas: Sequence[AreaInput], field: str) -> list[RichMenuArea]:
    """Lock the menu, check ``areas`` as its whole set, and answer its current area rows."""
    RichMenu.objects.for_account(menu.account).select_for_update().filter(pk=menu.pk).first()
    errors = areas_errors(menu, areas, aliases=_aliases(menu))
    if errors:
        raise ValidationError({field: errors})
    return list(RichMenuArea.objects.for_account(menu.account).filter(menu=menu))


@transaction.atomic
def areas_replace(*, menu: RichMenu, areas: Sequence[AreaInput], field: str = "areas") -> None:
    """Make ``areas`` the menu's areas (all or nothing); a published menu is marked changed.

    An area that comes back unchanged (same bounds, label and action) keeps its row, and with
    it the taps recorded against it (``RichMenuTap.area``): redrawing one area of a menu does
    not cost the others their history."""
    existing: dict[tuple, list[RichMenuArea]] = {}
    for row in _locked_areas(menu, areas, field):
        key = _area_key(row.x, row.y, row.width, row.height, row.label, row.action)
        existing.setdefault(key, []).append(row)
    kept: list[RichMenuArea] = []
    added: list[RichMenuArea] = []
    for position, area in enumerate(areas):
        action = action_for(area)
        same = existing.get(_area_key(area.x, area.y, area.width, area.height, area.label, action))
        if same:
            row = same.pop(0)
            row.position = position
            kept.append(row)
            continue
        added.append(
            RichMenuArea(
                account=menu.account,
                menu=menu,
                position=position,
                x=area.x,
                y=area.y,
                width=area.width,
                height=area.height,
                label=area.label,
                action=action,
            )
        )
    rows = RichMenuArea.objects.for_account(menu.account)
    gone = [row.pk for rest in existing.values() for row in rest]
    rows.filter(pk__in=gone).delete()
    rows.bulk_update(kept, ["position"])
    rows.bulk_create(added)
    _mark_changed(menu)


def area_add(*, menu: RichMenu, area: AreaInput) -> None:
    """Add one area after the others (the editor's "add area")."""
    areas_replace(menu=menu, areas=[*current_areas(menu), area], field="__all__")


@transaction.atomic
def area_update(*, menu: RichMenu, position: int, area: AreaInput) -> None:
    """Change the area at ``position`` in place: its row, and so its recorded taps, stay."""
    areas = current_areas(menu)
    if not 0 <= position < len(areas):
        raise ValidationError({"__all__": [_("That tap area is no longer on the menu.")]})
    areas[position] = area
    rows = _locked_areas(menu, areas, "__all__")
    row = rows[position]
    row.x, row.y, row.width, row.height = area.x, area.y, area.width, area.height
    row.label, row.action = area.label, action_for(area)
    row.save(update_fields=["x", "y", "width", "height", "label", "action"])
    _mark_changed(menu)


def area_delete(*, menu: RichMenu, position: int) -> None:
    areas = current_areas(menu)
    if 0 <= position < len(areas):
        del areas[position]
    areas_replace(menu=menu, areas=areas)


def _mark_changed(menu: RichMenu) -> None:
    if menu.line_rich_menu_id and not menu.changed_since_publish:
        menu.changed_since_publish = True
        menu.save(update_fields=["changed_since_publish", "updated_at"])
