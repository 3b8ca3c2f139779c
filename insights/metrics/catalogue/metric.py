"""What a metric is: its definition, sources, how days combine, which way is better; and the
two ways to declare one (stored, or a ratio of two stored metrics)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from insights.models import MetricSource

CSV, API, WEBHOOK, CONSOLE = (
    MetricSource.CSV.value,
    MetricSource.API.value,
    MetricSource.WEBHOOK.value,
    MetricSource.CONSOLE.value,
)


HIGHER, LOWER, NEITHER = "higher", "lower", ""
BETTER_TEXT = {HIGHER: _("higher is better"), LOWER: _("lower is better")}


@dataclass(frozen=True)
class Metric:
    name: str
    label: object
    definition: object
    # Stored metrics: how days combine, and which sources may hold it, preferred first.
    agg: str = "sum"
    sources: tuple[str, ...] = ()
    # Ratio metrics: numerator / denominator (stored metric names); shown as a percentage.
    numerator: str = ""
    denominator: str = ""
    unit: str = "count"  # count | percent
    internal: bool = False
    # Ratio metrics that leave out single items (a coupon on a day) rather than whole days:
    # the stored metric counting the items left out, and the note that says so (``count``).
    excluded: str = ""
    excluded_note: object = ""
    # Which way is good for the OA: "higher" (friends, open rate), "lower" (blocks, block
    # rate) or "" (neither: a share that describes, like manual responses). Portfolio ranks
    # (P100 = best) and the colour of a change against the previous period follow it.
    better: str = HIGHER
    # Stored metrics a source reports for every day (LINE's daily friend statistics, the
    # console's tag snapshots): a day without a row is a day without data. Other metrics have
    # rows only on days something happened (a broadcast, a coupon claim), so a period has
    # data from the OA's first row of the metric on (see ``series.metric_coverage``).
    daily: bool = False

    @property
    def is_ratio(self) -> bool:
        return bool(self.numerator)

    @property
    def reported_daily(self) -> bool:
        """Whether a day without a row is missing data (a ratio: as its numerator)."""
        # The catalogue holds every metric and is built from this module: read it when asked.
        from insights.metrics.catalogue import BY_NAME

        return BY_NAME[self.numerator].daily if self.is_ratio else self.daily

    @property
    def better_text(self) -> str:
        """ "higher is better" / "lower is better" / "" for a page or CSV."""
        return str(BETTER_TEXT.get(self.better, ""))


LINE_SOURCES = (API, CSV)  # the Insight API is exact per day; CSV fills what it lacks
IMPORT_SOURCES = (CSV, API)  # OA Manager exports list every broadcast; the API only ours


def stored_metric(
    name,
    label,
    definition,
    *,
    agg="sum",
    sources=(CSV,),
    internal=False,
    better=HIGHER,
    daily=False,
) -> Metric:
    return Metric(
        name,
        label,
        definition,
        agg=agg,
        sources=sources,
        internal=internal,
        better=better,
        daily=daily,
    )


def ratio_metric(
    name,
    label,
    definition,
    numerator,
    denominator,
    *,
    excluded="",
    excluded_note="",
    better=HIGHER,
) -> Metric:
    return Metric(
        name,
        label,
        definition,
        numerator=numerator,
        denominator=denominator,
        unit="percent",
        excluded=excluded,
        excluded_note=excluded_note,
        better=better,
    )
