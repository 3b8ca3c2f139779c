"""The Chats page's section from the console's own chats: answers by kind, response times
(median, 90th percentile) and the busiest hours, against hand-computed figures."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from inbox.selectors.insights import ResponsePeriod, percentile
from inbox.services.ingestion import Inbound, inbound_messages_record
from inbox.services.outbound import outbound_messages_record
from insights.dashboards.chat_inbox import inbox_figures
from oa_console.ranges import DateRange
from tests.conftest import client_for
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db

JST = timedelta(hours=9)


def _jst(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 3) -> datetime:
    """A time of the OA's zone (Asia/Tokyo) as UTC."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC) - JST


def _ask(account, friend, key: str, at: datetime) -> None:
    inbound_messages_record(
        account=account,
        items=[
            Inbound(
                event_key=key,
                friend_id=friend.pk,
                message_type="text",
                line_message_id=key,
                text="?",
                payload={},
                occurred_at=at,
            )
        ],
    )


def _answer(account, friend, at: datetime, sent_by: str = "manual", count: int = 1) -> None:
    outbound_messages_record(
        account=account,
        friend_id=friend.pk,
        messages=[{"type": "text", "text": f"answer {n}"} for n in range(count)],
        sent_by=sent_by,
        occurred_at=at,
    )


@pytest.fixture
def chats(account):
    """Monday 2 March 2026 (JST): three friends ask at 09:00, 09:30, 10:00 and are answered by
    hand after 2 min, 10 min and 1 min. Tuesday 3 March 23:30: an auto-reply of two messages
    answers after 5 s. Outside the week: 28 Feb 23:59 JST and 8 March 00:30 JST (7 March in
    UTC), answered by hand after 30 s and 10 min; and a broadcast, which is no answer."""
    a, b, c = (FriendFactory(account=account) for _n in range(3))
    _ask(account, a, "a1", _jst(2, 9))
    _answer(account, a, _jst(2, 9, 2))
    _ask(account, b, "b1", _jst(2, 9, 30))
    _answer(account, b, _jst(2, 9, 40))
    _ask(account, c, "c1", _jst(2, 10))
    _answer(account, c, _jst(2, 10, 1))
    _ask(account, a, "a2", _jst(3, 23, 30))
    _answer(account, a, _jst(3, 23, 30, 5), sent_by="auto_reply", count=2)
    _ask(account, b, "b0", _jst(28, 23, 59, month=2))
    _answer(account, b, _jst(28, 23, 59, 30, month=2))
    _ask(account, c, "c9", _jst(8, 0, 30))
    _answer(account, c, _jst(8, 0, 40))
    _answer(account, c, _jst(4, 12), sent_by="broadcast")


WEEK = DateRange(date(2026, 3, 1), date(2026, 3, 7), None, False)


def test_the_figures_match_hand_computed_values(account, chats, django_assert_num_queries):
    with django_assert_num_queries(3):
        figures = inbox_figures(account=account, window=WEEK)
    answered = {d.day: (d.manual, d.automatic) for d in figures.answers if d.manual or d.automatic}
    assert answered == {date(2026, 3, 2): (3, 0), date(2026, 3, 3): (0, 2)}
    assert len(figures.answers) == 7  # every day of the week, zeros included
    assert (figures.manual, figures.automatic) == (3, 2)
    # Monday's waits 60, 120, 600 s: median 120; p90 at rank 1.8: 120 + 0.8 * 480 = 504.
    assert figures.response_times == [
        ResponsePeriod(date(2026, 3, 2), 3, 120.0, 504.0),
        ResponsePeriod(date(2026, 3, 3), 1, 5.0, 5.0),
    ]
    grid = figures.busiest
    assert grid[0][9] == 2 and grid[0][10] == 1 and grid[1][23] == 1
    assert sum(map(sum, grid)) == 4  # 28 Feb and 8 March (JST) are outside the week
    assert figures.granularity == "day"


def test_weekly_response_times_for_long_ranges(account, chats):
    quarter = DateRange(date(2026, 2, 1), date(2026, 4, 30), None, False)
    figures = inbox_figures(account=account, window=quarter)
    assert figures.granularity == "week"
    # Week of 23 Feb: 30 s. Week of 2 March (8 March JST is its Sunday): 60, 120, 600, 5
    # and 600 s; sorted 5, 60, 120, 600, 600: median 120; p90 at rank 3.6: 600.
    assert figures.response_times == [
        ResponsePeriod(date(2026, 2, 23), 1, 30.0, 30.0),
        ResponsePeriod(date(2026, 3, 2), 5, 120.0, 600.0),
    ]
    assert percentile([5.0, 10.0, 60.0, 120.0, 600.0], 0.9) == pytest.approx(120 + 0.6 * 480)


def test_the_chats_page_shows_the_section_and_downloads_its_numbers(account, owner, chats):
    client = client_for(owner)
    url = reverse("insights_chats", args=["alpha", account.slug])
    page = client.get(url, {"from": "2026-03-01", "to": "2026-03-07"}).content.decode()
    assert 'data-testid="chat-inbox-section"' in page
    assert 'data-testid="chat-inbox-manual">3<' in page
    assert 'data-testid="chat-inbox-automatic">2<' in page
    heatmap = json.loads(page.split('id="chart-inbox-busiest-figure">')[1].split("</script>")[0])
    (cells,) = heatmap["data"]  # square markers: the vendored Plotly has no heatmap trace
    assert cells["type"] == "scatter" and cells["marker"]["symbol"] == "square"
    colour = dict(
        zip(zip(cells["y"], cells["x"], strict=True), cells["marker"]["color"], strict=True)
    )
    assert len(colour) == 7 * 24
    assert (colour[("Mon", "09")], colour[("Mon", "10")], colour[("Tue", "23")]) == (2, 1, 1)
    assert sum(colour.values()) == 4

    def download(chart: str) -> list[list[str]]:
        response = client.get(
            url, {"from": "2026-03-01", "to": "2026-03-07", "chart": chart, "format": "csv"}
        )
        assert response.status_code == 200
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    answers = download("inbox-answers")
    assert answers[0] == ["Day", "By a team member", "By an auto-reply"]
    assert answers[2:4] == [["2026-03-02", "3", "0"], ["2026-03-03", "0", "2"]]
    times = download("inbox-response-times")
    assert times[1:] == [["2026-03-02", "3", "2.0", "8.4"], ["2026-03-03", "1", "0.1", "0.1"]]
    hours = download("inbox-busiest-hours")
    assert hours[1][0] == "Mon" and hours[1][10] == "2" and hours[1][11] == "1"
    # The CSV figures' own charts still download as before; an unknown chart is a 404.
    bad = client.get(url, {"chart": "nope", "format": "csv"})
    assert bad.status_code == 404
