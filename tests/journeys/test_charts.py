"""The funnel figure and its CSV: the same steps, the same numbers, in the same order."""

from __future__ import annotations

from journeys.charts import funnel_figure, funnel_table, has_data
from journeys.selectors.stats import FunnelStep

STEPS = [
    FunnelStep("enrolled", "Enrolled", 200, 1.0),
    FunnelStep("reminder", "Cart reminder", 150, 0.75),
    FunnelStep("coupon", "Coupon", 0, 0.0),
    FunnelStep("converted", "Converted", 30, 0.15),
]


def test_the_csv_holds_exactly_the_bars_of_the_figure():
    figure = funnel_figure(STEPS, title="Friends at each step")
    trace = figure["data"][0]
    header, rows = funnel_table(STEPS)
    assert header == ["step", "label", "friends", "percent_of_enrolled"]
    assert [row[1] for row in rows] == trace["y"]
    assert [row[2] for row in rows] == trace["x"] == [200, 150, 0, 30]
    assert [row[3] for row in rows] == [100.0, 75.0, 0.0, 15.0]
    assert trace["customdata"] == ["100.0 %", "75.0 %", "0.0 %", "15.0 %"]


def test_first_step_on_top_and_the_box_grows_with_the_steps():
    figure = funnel_figure(STEPS, title="t")
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"
    assert figure["data"][0]["orientation"] == "h"
    longer = funnel_figure(STEPS * 3, title="t")
    assert longer["layout"]["height"] > figure["layout"]["height"]


def test_nobody_enrolled_has_no_data_and_no_percentages():
    empty = [FunnelStep("enrolled", "Enrolled", 0, None), FunnelStep("converted", "C", 0, None)]
    assert not has_data(empty)
    assert has_data(STEPS)
    assert [row[3] for row in funnel_table(empty)[1]] == ["", ""]
