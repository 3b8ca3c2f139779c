"""The Chats page's section computed from the console's own chats (``inbox.selectors.insights``):
answers by kind, response times and the busiest hours, beside the CSV figures.

The Insights app sits above the inbox in the layer contract (.importlinter), so it reads the
inbox's selectors directly, as it reads every other app's. Pure functions turn the selectors'
rows into Plotly figures and into the CSV of exactly the numbers each chart shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from inbox.selectors.insights import (
    AnswerDay,
    ResponsePeriod,
    chat_answers_by_day,
    chat_busiest_hours,
    chat_response_times,
)
from oa_console.charts import AXIS, LAYOUT, PALETTE
from oa_console.ranges import DateRange

CHARTS = ("inbox-answers", "inbox-response-times", "inbox-busiest-hours")


@dataclass(frozen=True)
class InboxFigures:
    answers: list[AnswerDay]
    response_times: list[ResponsePeriod]
    busiest: list[list[int]]
    granularity: str  # of the response times: day or week

    @property
    def manual(self) -> int:
        return sum(day.manual for day in self.answers)

    @property
    def automatic(self) -> int:
        return sum(day.automatic for day in self.answers)

    @property
    def has_answers(self) -> bool:
        return bool(self.manual or self.automatic)

    @property
    def has_messages(self) -> bool:
        return any(any(row) for row in self.busiest)


def inbox_figures(*, account, window: DateRange) -> InboxFigures:
    """The section's numbers for the window: three queries."""
    granularity = "day" if window.days <= 31 else "week"
    span = {"account": account, "date_from": window.date_from, "date_to": window.date_to}
    return InboxFigures(
        answers=chat_answers_by_day(**span),
        response_times=chat_response_times(**span, granularity=granularity),
        busiest=chat_busiest_hours(**span),
        granularity=granularity,
    )


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 1)


def weekday_names() -> list[str]:
    return [str(WEEKDAYS_ABBR[day]) for day in range(7)]  # Monday first, translated


def answers_figure(figures: InboxFigures) -> dict:
    x = [day.day.isoformat() for day in figures.answers]
    traces = [
        {
            "type": "bar",
            "name": _("By a team member"),
            "x": x,
            "y": [day.manual for day in figures.answers],
            "marker": {"color": PALETTE[0]},
        },
        {
            "type": "bar",
            "name": _("By an auto-reply"),
            "x": x,
            "y": [day.automatic for day in figures.answers],
            "marker": {"color": PALETTE[1]},
        },
    ]
    layout = {
        **LAYOUT,
        "barmode": "stack",
        "xaxis": {**AXIS, "type": "date", "tickformat": "%Y-%m-%d"},
        "yaxis": {**AXIS, "title": {"text": _("Messages")}, "rangemode": "tozero"},
    }
    return {"data": traces, "layout": layout}


def response_times_figure(figures: InboxFigures) -> dict:
    x = [period.period.isoformat() for period in figures.response_times]
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": x,
            "y": [_minutes(getattr(period, field)) for period in figures.response_times],
            "line": {"color": PALETTE[position]},
        }
        for position, (field, name) in enumerate(
            (("median", _("Median")), ("p90", _("90th percentile")))
        )
    ]
    layout = {
        **LAYOUT,
        "xaxis": {**AXIS, "type": "date", "tickformat": "%Y-%m-%d"},
        "yaxis": {**AXIS, "title": {"text": _("Minutes")}, "rangemode": "tozero"},
    }
    return {"data": traces, "layout": layout}


def busiest_hours_figure(figures: InboxFigures) -> dict:
    """A weekday by hour heatmap drawn as square markers coloured by count: the console's
    vendored Plotly bundle (plotly-basic) has scatter, bar and pie traces, not ``heatmap``."""
    names = weekday_names()
    cells = [
        (names[day], hour, count)
        for day, row in enumerate(figures.busiest)
        for hour, count in enumerate(row)
    ]
    trace = {
        "type": "scatter",
        "mode": "markers",
        "name": _("Messages"),
        "x": [f"{hour:02d}" for _day, hour, _count in cells],
        "y": [day for day, _hour, _count in cells],
        "marker": {
            "symbol": "square",
            "size": 13,
            "color": [count for _day, _hour, count in cells],
            "colorscale": "Greens",
            "reversescale": True,
            "cmin": 0,
            "showscale": True,
            "colorbar": {"thickness": 10},
            "line": {"width": 0},
        },
        "hovertemplate": "%{y} %{x}:00 · %{marker.color}<extra></extra>",
    }
    layout = {
        **LAYOUT,
        "showlegend": False,
        "xaxis": {
            **AXIS,
            "title": {"text": _("Hour of the day")},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [f"{hour:02d}" for hour in range(24)],
            "dtick": 3,
        },
        "yaxis": {
            **AXIS,
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(reversed(names)),  # Monday on top
        },
    }
    return {"data": [trace], "layout": layout}


def chart_table(chart: str, figures: InboxFigures) -> tuple[list[str], list[list]]:
    """The header and rows of one chart's CSV: the numbers it draws."""
    if chart == "inbox-answers":
        return (
            [_("Day"), _("By a team member"), _("By an auto-reply")],
            [[day.day.isoformat(), day.manual, day.automatic] for day in figures.answers],
        )
    if chart == "inbox-response-times":
        return (
            [_("Period"), _("Answers"), _("Median (minutes)"), _("90th percentile (minutes)")],
            [
                [p.period.isoformat(), p.answers, _minutes(p.median), _minutes(p.p90)]
                for p in figures.response_times
            ],
        )
    return (
        [_("Weekday"), *[f"{hour:02d}" for hour in range(24)]],
        [[name, *row] for name, row in zip(weekday_names(), figures.busiest, strict=True)],
    )
