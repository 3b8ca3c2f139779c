"""Words and formatted figures of a ``BroadcastResults`` (results_selectors), shared by the
broadcast page and Insights > Broadcasts so a figure reads the same on both: LINE's null is
"fewer than 20", a partial A/B total "at least N", and the wait for LINE names its time in
the OA's zone with the zone shown."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from broadcasts.results_selectors import BroadcastResults, State
from oa_console.models import LineAccount


def figure(value: int | None, *, at_least: bool = False, arms: int = 1) -> str:
    if value is None:
        return _("fewer than 20 in each A/B arm") if arms > 1 else _("fewer than 20")
    number = formats.number_format(value, use_l10n=True, force_grouping=True)
    return _("at least %(number)s") % {"number": number} if at_least else number


def rate(value: float | None) -> str:
    if value is None:
        return "—"
    # The same words as the Insights pages' percentages (insights.metrics.display).
    return _("%(value)s %%") % {
        "value": formats.number_format(round(value * 100, 1), 1, use_l10n=True)
    }


def local_time(moment: datetime, account: LineAccount) -> str:
    """A time in the OA's zone, with the zone named (LINE's own times are JST)."""
    local = timezone.localtime(moment, ZoneInfo(account.time_zone))
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({account.time_zone})"


def status_text(results: BroadcastResults, account: LineAccount) -> str:
    """What stands in for LINE's figures while there are none."""
    if results.state == State.PENDING and results.published_after:
        return _("Published by LINE after %(time)s") % {
            "time": local_time(results.published_after, account)
        }
    if results.state == State.WAITING:
        return _("Published by LINE; the console fetches them within the hour.")
    if results.state == State.NONE:
        return _(
            "LINE reports no statistics for a multicast or push sent without an aggregation unit."
        )
    return ""


def summary(results: BroadcastResults) -> list[dict]:
    """The headline figures, each labelled, formatted and with a test id."""
    delivered_label = (
        _("Accepted by LINE (LINE reports no delivered count for units)")
        if results.delivered_is_accepted
        else _("Delivered")
    )
    rows = [
        ("delivered", delivered_label, figure(results.delivered)),
        (
            "unique-impressions",
            _("Opened (unique impressions)"),
            figure(
                results.unique_impressions,
                at_least="unique_impressions" in results.at_least,
                arms=results.arms,
            ),
        ),
        (
            "unique-clicks",
            _("Clicked (unique)"),
            figure(
                results.unique_clicks,
                at_least="unique_clicks" in results.at_least,
                arms=results.arms,
            ),
        ),
        ("open-rate", _("Open rate"), rate(results.open_rate)),
        ("click-rate", _("Click rate (of those who opened)"), rate(results.click_rate)),
    ]
    if results.video_plays is not None:
        rows.append(
            ("video-plays", _("Played a video"), figure(results.video_plays, arms=results.arms))
        )
    return [{"key": key, "label": label, "value": value} for key, label, value in rows]


def bubble_rows(results: BroadcastResults) -> list[dict]:
    return [
        {
            "seq": bubble.seq,
            "impressions": figure(bubble.impressions, arms=results.arms),
            "unique_impressions": figure(bubble.unique_impressions, arms=results.arms)
            if results.source == "aggregation_units"
            else "—",
        }
        for bubble in results.bubbles
    ]


def url_rows(results: BroadcastResults) -> list[dict]:
    def per_link(value: int | None, links: int) -> str:
        if value is None and results.arms > 1:
            return figure(value, arms=results.arms)
        if value is None and links > 1:  # a push's per-friend links, each withheld
            return _("under 20 per link (%(links)s links)") % {"links": links}
        return figure(value)

    return [
        {
            "seq": url.seq if url.seq is not None else "—",
            "url": url.url,
            "clicks": per_link(url.clicks, url.links),
            "unique_clicks": per_link(url.unique_clicks, url.links),
        }
        for url in results.urls
    ]
