"""What apps above broadcasts plug into it (insights), registered in their ``AppConfig.ready()``.

Broadcasts is a layer below insights, so it never imports insights; where sending or the
broadcast pages need what insights owns, insights registers it here:

- ``request accepted``: LINE keeps the statistics of a broadcast or narrowcast under the
  request id it answered with; insights' Insight sync wants every such id, to fetch them;
- ``statistics fetcher``: insights' sync is the one place that fetches LINE's statistics of a
  broadcast; the broadcast page's "Refresh" and the first fetch after publication ask it here.

This module imports nothing of the project, so an ``apps.py`` may import it at module level.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from broadcasts.models import Broadcast
    from oa_console.models import LineAccount

RequestAccepted = Callable[..., object]  # (*, account, request_id, sent_at)
StatisticsFetcher = Callable[..., "Broadcast"]  # (*, broadcast) -> the broadcast, stats kept

_request_listeners: list[RequestAccepted] = []
_statistics_fetchers: list[StatisticsFetcher] = []


def register_request_accepted(listener: RequestAccepted) -> None:
    """Call ``listener(account=..., request_id=..., sent_at=...)`` after each accepted request,
    inside the transaction that records the acceptance (so both commit or neither)."""
    if listener not in _request_listeners:
        _request_listeners.append(listener)


def request_accepted(*, account: LineAccount, request_id: str, sent_at: datetime) -> None:
    """Tell every registered listener that LINE accepted ``request_id``."""
    for listener in _request_listeners:
        listener(account=account, request_id=request_id, sent_at=sent_at)


def register_statistics_fetcher(fetcher: StatisticsFetcher) -> None:
    """The one function that fetches and keeps LINE's statistics of a broadcast (the last one
    registered wins: there is one owner)."""
    _statistics_fetchers[:] = [fetcher]


def statistics_fetcher() -> StatisticsFetcher:
    """The registered fetcher; its absence is a configuration error (insights not installed)."""
    if not _statistics_fetchers:
        raise LookupError("no statistics fetcher registered (is the insights app installed?)")
    return _statistics_fetchers[0]
