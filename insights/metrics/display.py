"""How a figure reads on a page: localised numbers, "fewer than 20" for hidden values, and the
change against the previous period (relative for counts, percentage points for rates; none
when the previous period's data is incomplete, see ``metrics.coverage``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from insights.metrics.catalogue.metric import HIGHER, Metric
from insights.metrics.coverage import Coverage
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
    direction: str  # up | down | flat | none | incomplete
    tone: str = "neutral"  # good | bad | neutral (the metric's direction) | incomplete
    previous: str = ""  # the previous figure, shown beside an incomplete period's flag
    coverage: Coverage | None = None

    @property
    def rate_shown(self) -> bool:
        return self.direction not in ("none", "incomplete")


def _tone(direction: str, metric: Metric) -> str:
    if direction not in ("up", "down") or not metric.better:
        return "neutral"
    return "good" if (direction == "up") == (metric.better == HIGHER) else "bad"


def incomplete_text(coverage: Coverage) -> str:
    if coverage.last_day_has_data is False:
        return _("previous period incomplete: no figure for its last day")
    return _("previous period incomplete: %(with_data)s of %(days)s days have data") % {
        "with_data": number_format(coverage.days_with_data, 0, use_l10n=True, force_grouping=True),
        "days": number_format(coverage.days, 0, use_l10n=True, force_grouping=True),
    }


def change(
    current: Point | None,
    previous: Point | None,
    metric: Metric,
    coverage: Coverage | None = None,
) -> Change:
    """The change against the previous period, or no rate at all when the previous period's
    data does not cover it (``coverage``): a growth rate over 36 days of data against 365 is
    not a growth rate. The previous figure is then shown as it is, flagged."""
    if coverage is not None and not coverage.complete:
        return Change(
            incomplete_text(coverage),
            "incomplete",
            "incomplete",
            figure(previous, metric),
            coverage,
        )
    if current is None or previous is None or current.value is None or previous.value is None:
        return Change(_("no comparison"), "none", coverage=coverage)
    delta = current.value - previous.value
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    tone = _tone(direction, metric)
    if metric.unit == "percent":
        text = _("%(sign)s%(value)s pp") % {
            "sign": "+" if delta > 0 else "",
            "value": number_format(round(delta, 1), 1, use_l10n=True),
        }
        return Change(text, direction, tone, coverage=coverage)
    if not previous.value:
        if not delta:
            return Change("±0", "flat", coverage=coverage)
        return Change(_("new"), direction, tone, coverage=coverage)
    relative = 100 * delta / abs(previous.value)
    text = _("%(sign)s%(value)s %%") % {
        "sign": "+" if relative > 0 else "",
        "value": number_format(round(relative, 1), 1, use_l10n=True),
    }
    return Change(text, direction, tone, coverage=coverage)
