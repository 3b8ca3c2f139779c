"""The Insights pages on the golden data set: the KPI figures a marketer reads, charts and their
CSV downloads, the htmx range swap, notes for hidden values, broadcasts and empty states."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from insights.metrics.broadcasts import broadcast_key
from insights.metrics.rollups import metrics_recompute
from tests.insights import metrics_golden as golden

pytestmark = pytest.mark.django_db
RANGE = {"from": golden.FROM.isoformat(), "to": golden.TO.isoformat()}


@pytest.fixture
def loaded(account):
    golden.load_golden(account)
    metrics_recompute(account=account)
    return account


def _url(account, name, **kwargs):
    kwargs.update(workspace_slug=account.workspace.slug, account_slug=account.slug)
    return reverse(name, kwargs=kwargs)


def _kpis(html: str) -> dict[str, str]:
    cards = re.findall(
        r'data-metric="([^"]+)".*?data-testid="kpi-value">([^<]*)<', html, flags=re.S
    )
    return dict(cards)


def test_overview_kpis_match_the_golden_totals(loaded, owner_client):
    response = owner_client.get(_url(loaded, "account_insights"), RANGE)
    assert response.status_code == 200
    assert _kpis(response.content.decode()) == {
        "friends.total": "1,050",
        "friends.target_reach": "830",
        "friends.net": "40",
        "friends.block_rate": "10.5 %",
        "broadcasts.open_rate": "36.7 %",
        "broadcasts.click_rate": "25.0 %",
        "tags.coverage": "50.0 %",
    }


def test_overview_calls_out_what_changed(loaded, owner_client):
    html = owner_client.get(_url(loaded, "account_insights"), RANGE).content.decode()
    callouts = html[html.index('data-testid="callouts"') :]
    assert "Largest block spike: 6 blocks on 2025-03-05" in callouts
    assert "Best broadcast: “Spring sale”" in callouts  # 40 % opened
    assert "Weakest broadcast: “Evening tips”, opened by 30.0 %" in callouts  # 150 / 500


def test_kpis_compare_with_the_previous_period(loaded, owner_client):
    # 03-03 .. 03-05 against 02-28 .. 03-02: friends 1,050 vs 1,010 = +4.0 %.
    html = owner_client.get(
        _url(loaded, "account_insights"), {"from": "2025-03-03", "to": "2025-03-05"}
    ).content.decode()
    card = html[html.index('data-metric="friends.total"') :]
    change = re.search(r'data-testid="kpi-change">([^<]*)<', card).group(1).strip()
    assert change == "+4.0 %"
    card = html[html.index('data-metric="friends.block_rate"') :]
    change = re.search(r'data-testid="kpi-change">([^<]*)<', card).group(1).strip()
    assert change == "+0.3 pp"  # 110/1050 = 10.48 against 103/1010 = 10.20


def test_every_page_renders_its_charts(loaded, owner_client):
    for name in (
        "account_insights",
        "insights_friends",
        "insights_broadcasts",
        "insights_chats",
        "insights_coupons",
        "insights_rewards",
        "insights_profile",
        "insights_tags",
    ):
        html = owner_client.get(_url(loaded, name), RANGE).content.decode()
        assert 'data-testid="chart-card"' in html, name
        assert "data-plotly-figure" in html, name
        assert 'data-testid="empty-state"' not in html, name


def test_chart_csv_is_exactly_the_charts_numbers(loaded, owner_client):
    url = _url(loaded, "insights_friends")
    html = owner_client.get(url, RANGE).content.decode()
    # The figure's own data, as Plotly receives it.
    start = html.index(">", html.index('id="chart-growth-figure"')) + 1
    figure = json.JSONDecoder().raw_decode(html[start:])[0]
    plotted = {t["meta"]: t["y"] for t in figure["data"]}
    response = owner_client.get(url, {**RANGE, "chart": "growth", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    from_csv: dict[str, list] = {}
    for row in rows:
        value = float(row["value"]) if row["value"] else None
        from_csv.setdefault(row["metric"], []).append(value)
    assert from_csv == plotted
    assert from_csv["friends.adds"] == [None, 10, 20, None, 20]


def test_the_csv_of_a_compared_chart_has_both_periods(loaded, owner_client):
    url = _url(loaded, "insights_friends")
    response = owner_client.get(url, {**RANGE, "compare": "1", "chart": "levels", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["previous_period"] for r in rows} == {"true", "false"}
    assert len(rows) == 2 * 3 * 5  # two periods x three lines x five days


def test_unknown_chart_csv_is_404(loaded, owner_client):
    response = owner_client.get(
        _url(loaded, "insights_friends"), {**RANGE, "chart": "nope", "format": "csv"}
    )
    assert response.status_code == 404


def test_htmx_range_change_swaps_only_the_dashboard(loaded, owner_client):
    response = owner_client.get(
        _url(loaded, "insights_friends"),
        {"range": "7"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="dashboard-body",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="dashboard-body"')
    assert "<html" not in html
    refused = owner_client.get(
        _url(loaded, "insights_friends"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="other"
    )
    assert refused.status_code == 400


def test_bad_range_is_explained_and_the_default_shown(loaded, owner_client):
    html = owner_client.get(
        _url(loaded, "insights_friends"), {"from": "2025-03-05", "to": "2025-03-01"}
    ).content.decode()
    assert "The start date is after the end date." in html


def test_hidden_values_say_fewer_than_20_and_rates_note_the_left_out_days(loaded, owner_client):
    html = owner_client.get(_url(loaded, "insights_coupons"), RANGE).content.decode()
    usage = html[html.index('data-chart="usage"') :]
    usage = usage[: usage.index("</article>")]
    assert "1 coupon-day left out of the rate: LINE hid its claims or uses (below 20)." in usage
    assert 'data-testid="excluded-note"' not in usage  # no whole day is left out
    html = owner_client.get(_url(loaded, "insights_chats"), RANGE).content.decode()
    assert "1 day left out of the rate: LINE hides values below 20." in html
    html = owner_client.get(_url(loaded, "insights_broadcasts"), RANGE).content.decode()
    assert 'data-testid="hidden-note"' in html
    flash = html[html.index("Flash sale") :]
    assert "fewer than 20" in flash[: flash.index("</tr>")]


def test_broadcast_list_sorts_by_any_metric(loaded, owner_client):
    url = _url(loaded, "insights_broadcasts")

    def titles(sort):
        html = owner_client.get(url, {**RANGE, "sort": sort}).content.decode()
        return re.findall(r'data-testid="broadcast-link">([^<]+)<', html)

    assert titles("-delivered") == ["Spring sale", "Flash sale", "Evening tips"]
    assert titles("delivered") == ["Evening tips", "Flash sale", "Spring sale"]
    # Click rate unknown for Evening tips (hidden) and Flash sale: they go last.
    assert titles("-click_rate")[0] == "Spring sale"
    assert titles("-sent_at") == ["Flash sale", "Evening tips", "Spring sale"]


def test_broadcast_detail_attributes_blocks(loaded, owner_client):
    key = broadcast_key("2025-03-02T12:00:00|Spring sale")
    html = owner_client.get(_url(loaded, "insights_broadcast_detail", broadcast_key=key))
    if html.status_code == 404:  # the importer's key layout: find the row from the list instead
        listing = owner_client.get(_url(loaded, "insights_broadcasts"), RANGE).content.decode()
        link = re.search(r'href="([^"]+)" data-testid="broadcast-link">Spring sale<', listing)
        html = owner_client.get(link.group(1))
    text = html.content.decode()
    assert "Spring sale" in text
    # Sent 03-02 12:00 JST (03:00 UTC): unfollows at 03-02 14:59 UTC (24 h) and 03-04 15:00 UTC.
    assert re.search(r'data-testid="blocks-24h">1<', text)
    assert re.search(r'data-testid="blocks-72h">2<', text)
    assert re.search(r'data-testid="open-rate">40.0 %<', text)


def test_empty_states_say_how_to_get_data(account, owner_client):
    html = owner_client.get(_url(account, "insights_friends")).content.decode()
    assert 'data-testid="empty-state"' in html
    assert "Upload the Friends CSV export" in html
    assert reverse("account_imports", args=[account.workspace.slug, account.slug]) in html


def _audience_world(account):
    from segments.services.campaigns import campaign_link_create
    from tests.insights.conftest import upload_file
    from tests.segments.factories import FriendFactory

    for name, content in [
        ("gender.csv", "gender,percentage\nmale,40.5\nfemale,-\n"),
        ("age.csv", "age,percentage\nfrom25to29,30.0\nfrom50,20.0\nunknown,5.0\n"),
    ]:
        job = upload_file(account, content, name, report="demographics")
        assert job.status == "succeeded", job.errors
    account.basic_id = "@alpha"
    account.save(update_fields=["basic_id"])
    campaign_link_create(account=account, name="QR code at the register", source="qr_store")
    FriendFactory(account=account, line_user_id="U" + "1" * 32, add_source="qr_store")
    FriendFactory(account=account, line_user_id="U" + "2" * 32, add_source="qr_store")
    FriendFactory(account=account, line_user_id="U" + "3" * 32, add_source="website")


def test_friends_page_shows_demographics_and_add_sources(account, owner_client):
    _audience_world(account)
    html = owner_client.get(_url(account, "insights_friends")).content.decode()
    audience = html[html.index('data-testid="audience"') :]
    assert re.search(r"<dt>Male</dt><dd>40.5 %</dd>", audience)
    assert re.search(r"<dt>Female</dt><dd>hidden</dd>", audience)
    assert re.search(r"<dt>25\u201329</dt><dd>30.0 %</dd><dt>50\+</dt><dd>20.0 %</dd>", audience)
    assert re.search(
        r"<dt>QR code at the register</dt><dd>2</dd><dt>website</dt><dd>1</dd>", audience
    )
    assert not re.search(r"from\d+|qr_store|\bmale\b", audience)


def test_demographics_read_as_names_in_japanese(account, owner_client):
    _audience_world(account)
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    html = owner_client.get(_url(account, "insights_friends")).content.decode()
    audience = html[html.index('data-testid="audience"') :]
    assert re.search(r"<dt>男性</dt><dd>40.5 %</dd>", audience)
    assert re.search(r"<dt>25〜29 歳</dt><dd>30.0 %</dd><dt>50 歳以上</dt>", audience)
    assert re.search(r"<dt>不明</dt><dd>5.0 %</dd>", audience)
    assert not re.search(r"from\d+|qr_store|\b(male|female|unknown)\b", audience)


def test_broadcast_times_are_shown_in_the_oas_time_zone(loaded, owner_client):
    """Flash sale was sent 09:00 JST: the Tokyo OA's list says 9 a.m., also in an htmx swap."""
    url = _url(loaded, "insights_broadcasts")
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "dashboard-body"}):
        html = owner_client.get(url, RANGE, **headers).content.decode()
        row = html[html.index('data-testid="broadcast-row"') :]
        assert "03/05/2025 9 a.m." in row[: row.index("</tr>")]


def _coupon_rows(html: str) -> dict[str, list[str]]:
    rows = re.findall(r'data-testid="coupon-row"><td>([^<]+)(.*?)</tr>', html, flags=re.S)
    return {
        name.strip(): [
            re.sub(r"<[^>]+>", " ", cell).split()
            for cell in re.findall(r'<td class="num">(.*?)</td>', rest, flags=re.S)
        ]
        for name, rest in rows
    }


def test_coupon_table_leaves_out_only_the_hidden_days_of_a_coupon(loaded, owner_client):
    html = owner_client.get(_url(loaded, "insights_coupons"), RANGE).content.decode()
    rows = _coupon_rows(html)
    # Ten off: 10 / 40 and 8 / 20 both visible.
    assert [" ".join(c) for c in rows["Ten off"]] == ["150", "60", "18", "30.0 %"]
    # Free drink: its only day has claimed hidden, so no rate, and the day is named.
    assert [" ".join(c) for c in rows["Free drink"]] == [
        "30",
        "fewer than 20",
        "5",
        "— 1 day left out",
    ]


def test_a_partly_hidden_coupon_reads_at_least_and_keeps_its_visible_days(account, owner_client):
    from tests.insights.conftest import upload_file

    job = upload_file(
        account,
        "date,coupon_id,coupon_name,views,claimed,used\n"
        "20250301,A,Ten off,100,<20,5\n"
        "20250302,A,Ten off,90,40,10\n",
        report="coupons",
    )
    assert job.status == "succeeded", job.errors
    html = owner_client.get(_url(account, "insights_coupons"), RANGE).content.decode()
    assert [" ".join(c) for c in _coupon_rows(html)["Ten off"]] == [
        "190",
        "at least 40",
        "15",
        "25.0 % 1 day left out",
    ]
