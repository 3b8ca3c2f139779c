"""How a figure reads on a page: localised numbers, "fewer than 20" for hidden values, and the
change against the previous period (relative for counts, percentage points for rates)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from insights.metrics.catalogue import Metric
from insights.metrics.series import Point


def number(value: float | int, unit: str) -> str:
    if unit == "percent":
        # Django's number_format cuts decimals off; round first so 10.48 reads 10.5.
        return _("%(value)s %%") % {"value": number_format(round(value, 1), 1, use_l10n=True)}
    return number_format(round(value), 0, use_l10n=True, force_grouping=True)


def figure(point: Point | None, metric: Metric) -> str:
    if point is None or point.value is None:
        return _("fewer than 20") if point is not None and point.hidden else "—"
    text = number(point.value, metric.unit)
    if point.hidden:
        # Part of the inputs was withheld: the visible part is a lower bound.
        return _("at least %(value)s") % {"value": text}
    return text


@dataclass(frozen=True)
class Change:
    text: str
    direction: str  # up | down | flat | none


def change(current: Point | None, previous: Point | None, metric: Metric) -> Change:
    if current is None or previous is None or current.value is None or previous.value is None:
        return Change(_("no comparison"), "none")
    delta = current.value - previous.value
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    if metric.unit == "percent":
        text = _("%(sign)s%(value)s pp") % {
            "sign": "+" if delta > 0 else "",
            "value": number_format(round(delta, 1), 1, use_l10n=True),
        }
        return Change(text, direction)
    if not previous.value:
        return Change(_("new"), direction) if delta else Change("±0", "flat")
    relative = 100 * delta / abs(previous.value)
    text = _("%(sign)s%(value)s %%") % {
        "sign": "+" if relative > 0 else "",
        "value": number_format(round(relative, 1), 1, use_l10n=True),
    }
    return Change(text, direction)
