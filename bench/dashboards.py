"""bench/dashboards.py: Insights pages, the portfolio and the metric rollups at scale, each
beside the bare SQL it rests on.

Data (PostgreSQL, generated with ``generate_series``): ``BENCH_DASH_OAS`` OAs (3), each with
``BENCH_DASH_FRIENDS`` friends (1,000,000), ``BENCH_DASH_EVENTS`` webhook-derived events
(10,000,000: 20 % follows and blocks, 80 % chat messages) spread over 400 days, and 400 days of
imported reports (friends CSV and API, a broadcast a day, chats, three coupons a day, profile
views, a VOOM post a day, 40 reward-card point entries a day) plus daily tag coverage. The
portfolio is measured with ``BENCH_DASH_PORTFOLIO_OAS`` OAs (50): the large ones and copies of
their rollups under further OAs.

Workloads (each beside a baseline measured in the same run):
- full recompute of one OA's 400 days (``metrics_recompute``) beside the bare aggregate SQL of
  the same grouped reads (no writes);
- incremental refresh after one more day of events (recompute of the dirty days) beside the
  same bare SQL for those days;
- every Insights page (overview, friends, broadcasts, chats, coupons, reward cards, profile,
  tags): ``BENCH_REPEAT`` (50) requests through the whole Django stack, cycling the 7, 30, 90
  and 365-day ranges, beside the bare rollup SELECTs of the page's charts;
- the portfolio page for 50 OAs beside its bare rollup SELECT.

Generation is set-based SQL; webhook-derived rows are written in time order, as webhooks
arrive. When the event and friend tables hold no other rows (a fresh bench database), their
foreign keys and secondary indexes are dropped for the load and rebuilt once at the end
(``bulk_load``): a sorted index build and one join per foreign key instead of maintaining seven
indexes and two deferred FK checks per row. Three OAs then take ~15 min (rebuild included, at
load average 8 on 2 cores) where one OA took ~10 min before. On a database with other rows the
indexes stay and the load is just slower.

The script creates its own workspace and deletes every row it made at the end.
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

from cryptography.fernet import Fernet

from bench._common import execute, fetch, measure, report, setup_django
from bench._guard import Checks, require_postgresql, run

os.environ.setdefault("FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
# Pages render without a collectstatic manifest (a static URL costs the same either way).
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
setup_django()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench._dashboards_data import (  # noqa: E402
    DAYS,
    EVENTS,
    FRIENDS,
    TZ,
    bulk_load,
    generate,
    generate_events,
    make_account,
)
from insights.dashboards.pages import PAGES  # noqa: E402
from insights.metrics.catalogue import inputs_of  # noqa: E402
from insights.metrics.rollups import metrics_recompute  # noqa: E402
from oa_console.models import LineAccount, Workspace  # noqa: E402
from oa_console.ranges import local_today  # noqa: E402
from oa_console.roles import Role  # noqa: E402
from oa_console.services.memberships import membership_set  # noqa: E402
from oa_console.services.users import user_create  # noqa: E402
from oa_console.services.workspaces import workspace_create  # noqa: E402

OAS = int(os.environ.get("BENCH_DASH_OAS", 3))
PORTFOLIO_OAS = int(os.environ.get("BENCH_DASH_PORTFOLIO_OAS", 50))
REPEAT = int(os.environ.get("BENCH_REPEAT", 50))
RANGES = (7, 30, 90, 365)
TABLES = [
    "insights_metricdaily",
    "insights_metricrefreshstate",
    "insights_insightrecord",
    "segments_tagcoveragesnapshot",
    "segments_interaction",
    "segments_friendstatuschange",
    "segments_friend",
]


BENCH = "bench/dashboards.py"


def bare_aggregates(account: LineAccount, date_from, date_to) -> None:
    """The grouped reads a recompute rests on, as a developer would write them (no writes)."""
    a = account.pk
    start = f"{date_from} 00:00:00+09"
    end = f"{date_to + timedelta(days=1)} 00:00:00+09"
    fetch(
        """SELECT (occurred_at AT TIME ZONE 'Asia/Tokyo')::date, count(*) FILTER (WHERE kind =
        'follow' AND NOT is_unblock), count(*) FILTER (WHERE kind = 'follow' AND is_unblock),
        count(*) FILTER (WHERE kind = 'unfollow') FROM segments_friendstatuschange
        WHERE account_id = %s AND occurred_at >= %s AND occurred_at < %s GROUP BY 1""",
        [a, start, end],
    )
    fetch(
        """SELECT (occurred_at AT TIME ZONE 'Asia/Tokyo')::date, count(*),
        count(DISTINCT line_user_id) FROM segments_interaction WHERE account_id = %s
        AND kind = 'message' AND group_id = '' AND room_id = '' AND occurred_at >= %s
        AND occurred_at < %s GROUP BY 1""",
        [a, start, end],
    )
    fetch(
        """SELECT report, date, source, count(*), sum(("values" ->> 'delivered')::bigint)
        FROM insights_insightrecord WHERE account_id = %s AND is_current AND date BETWEEN %s
        AND %s GROUP BY 1, 2, 3""",
        [a, date_from, date_to],
    )


def bare_rollups(account_ids: list[int], names: list[str], date_from, date_to) -> None:
    fetch(
        """SELECT metric, source, date, value, hidden FROM insights_metricdaily
        WHERE account_id = ANY(%s) AND metric = ANY(%s) AND date BETWEEN %s AND %s""",
        [account_ids, names, date_from, date_to],
    )


def cleanup(workspace: Workspace, account_ids: list[int]) -> None:
    for table in TABLES:
        execute(f"DELETE FROM {table} WHERE account_id = ANY(%s)", [account_ids])
    workspace.delete()


def main() -> None:
    require_postgresql(BENCH)
    checks = Checks()
    stamp = uuid.uuid4().hex[:6]
    workspace = workspace_create(
        slug=f"bench-dash-{stamp}", name="Bench dashboards", kind=Workspace.Kind.AGENCY
    )
    user = user_create(email=f"bench-{stamp}@example.com", password=None)
    membership_set(workspace=workspace, user=user, role=Role.OWNER)
    accounts = [make_account(workspace, n) for n in range(OAS)]
    ids = [a.pk for a in accounts]
    try:
        started = time.perf_counter()
        with bulk_load():
            for account in accounts:
                generate(account)
                elapsed = time.perf_counter() - started
                print(f"generated OA {account.slug}: {elapsed:.1f} s", flush=True)
        for table in TABLES:
            execute(f"VACUUM ANALYZE {table}")
        generate_s = round(time.perf_counter() - started, 1)
        print(f"generated {OAS} OAs in {generate_s} s", flush=True)
        big = accounts[0]
        today = local_today(TZ)
        first = today - timedelta(days=DAYS - 1)

        # Full recompute of one OA (and compute the others so every page has rollups).
        for account in accounts[1:]:
            metrics_recompute(account=account)
        compute = [
            measure(
                "bare aggregate SQL, 400 days",
                lambda: bare_aggregates(big, first, today),
                repeat=3,
            ),
            measure("full recompute, 400 days", lambda: metrics_recompute(account=big), repeat=3),
        ]
        # Incremental: one more day of events, then the refresh of the dirty days.
        daily_events = max(EVENTS // DAYS, 1)
        counter = iter(range(1000))

        def add_day() -> None:
            generate_events(big, daily_events, days=1, prefix=f"inc{next(counter)}-")

        dirty = (today - timedelta(days=2), today + timedelta(days=1))
        compute += [
            measure(
                "bare aggregate SQL, dirty days",
                lambda: bare_aggregates(big, *dirty),
                repeat=5,
                setup=add_day,
            ),
            measure(
                "incremental refresh after a day of events",
                lambda: metrics_recompute(account=big, date_from=dirty[0], date_to=dirty[1]),
                repeat=5,
                setup=add_day,
            ),
        ]
        params = {
            "oas": OAS,
            "friends_per_oa": FRIENDS,
            "events_per_oa": EVENTS,
            "days": DAYS,
            "generate_s": generate_s,
            "events_per_incremental_day": daily_events,
        }
        report(
            "dashboards_compute",
            compute,
            baseline="bare aggregate SQL, 400 days",
            checks=checks,
            params=params,
        )

        # Pages through the full Django stack.
        client = Client()
        client.force_login(user)
        pages = []
        pages_params = {**params, "requests_per_page": REPEAT, "ranges_days": list(RANGES)}
        for name, page in PAGES.items():
            url_name = "account_insights" if name == "overview" else f"insights_{name}"
            url = reverse(url_name, args=[workspace.slug, big.slug])
            names = inputs_of([m for chart in page.charts for m in chart.metrics])
            cycle = iter(range(10_000))

            def request(url=url, cycle=cycle) -> None:
                days = RANGES[next(cycle) % len(RANGES)]
                response = client.get(url, {"range": days})
                checks.require(
                    response.status_code == 200,
                    f"{url}?range={days} answered HTTP {response.status_code}",
                )

            cycle_sql = iter(range(10_000))
            reads = len(page.charts)

            def bare(names=names, cycle=cycle_sql, reads=reads) -> None:
                days = RANGES[next(cycle) % len(RANGES)]
                for _read in range(reads):  # the page reads once per chart (and previous period)
                    bare_rollups([big.pk], names, today - timedelta(days=days - 1), today)

            pages.append(measure(f"bare rollup SQL: {name}", bare, repeat=REPEAT))
            pages.append(measure(f"page: {name}", request, repeat=REPEAT, warmup=2))
        report(
            "dashboards_pages",
            pages,
            baseline="bare rollup SQL: overview",
            checks=checks,
            params=pages_params,
        )

        # Portfolio: copies of the large OAs' rollups under further OAs, up to 50 in all.
        for n in range(OAS, PORTFOLIO_OAS):
            extra = make_account(workspace, n)
            source = accounts[n % OAS]
            execute(
                """INSERT INTO insights_metricdaily (account_id, metric, source, date, value,
                   hidden, computed_at)
                   SELECT %s, metric, source, date, value, hidden, computed_at
                   FROM insights_metricdaily WHERE account_id = %s""",
                [extra.pk, source.pk],
            )
            ids.append(extra.pk)
        execute("ANALYZE insights_metricdaily")
        portfolio_url = reverse("workspace_portfolio", args=[workspace.slug])
        portfolio_names = inputs_of(
            [
                "friends.total",
                "friends.net",
                "friends.block_rate",
                "broadcasts.open_rate",
                "broadcasts.click_rate",
                "tags.coverage",
            ]
        )

        def portfolio_request() -> None:
            status = client.get(portfolio_url).status_code
            checks.require(status == 200, f"{portfolio_url} answered HTTP {status}")

        portfolio = [
            measure(
                "bare rollup SQL: portfolio",
                lambda: bare_rollups(ids, portfolio_names, today - timedelta(days=29), today),
                repeat=REPEAT,
            ),
            measure(f"page: portfolio ({PORTFOLIO_OAS} OAs)", portfolio_request, repeat=REPEAT),
        ]
        report(
            "dashboards_portfolio",
            portfolio,
            baseline="bare rollup SQL: portfolio",
            checks=checks,
            params={**params, "portfolio_oas": PORTFOLIO_OAS},
        )
    finally:
        cleanup(workspace, ids)
        user.delete()


if __name__ == "__main__":
    run(main)
