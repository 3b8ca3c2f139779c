"""bench/imports.py: Insight CSV imports end to end (upload → job done) against a COPY baseline.

Workloads (PostgreSQL, as the README's Performance table records):
- a 1,000,000-row reward-card point-history export (~60 MB),
- a 400-day friends export.

Each run stores the file through ``import_job_create`` (what the upload view calls), then runs
the job in a separate process exactly as a Celery worker would (``import_job_run``), so the
worker's peak memory (ru_maxrss) is measured on its own. The baseline is ``COPY`` of the same
rows, already normalised (key, date, JSON values), into a table with the same columns and
indexes as ``insights_insightrecord``. The script creates its own workspace, OA and tables and
drops them at the end.
"""

from __future__ import annotations

import io
import json
import os
import resource
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.fernet import Fernet

from bench._common import Timing, report, setup_django
from bench._guard import Checks, require_postgresql, run

# The OA row needs encrypted fields; the worker process inherits this key.
os.environ.setdefault("FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
setup_django()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench._imports_common import DiskUpload, run_job_in_worker  # noqa: E402
from insights.imports.jobs import import_job_create, import_job_delete  # noqa: E402
from insights.models import ImportJob, InsightRecord  # noqa: E402
from oa_console.models import LineAccount, Workspace  # noqa: E402
from oa_console.tenancy import tenant_scope  # noqa: E402

HISTORY_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 1_000_000))
FRIENDS_DAYS = 400
REPEAT = int(os.environ.get("BENCH_REPEAT", 3))
RECORD_TABLE = InsightRecord._meta.db_table


BENCH = "bench/imports.py"


def history_frame(rows: int) -> pd.DataFrame:
    """Point history: unique (time, customer, type), times spread over 400 days, JST."""
    rng = np.random.default_rng(7)
    start = np.datetime64("2024-10-01T09:00:00")
    step = max(1, (400 * 86400) // rows)
    times = start + np.arange(rows) * np.timedelta64(step, "s")
    customers = np.array([f"C{n:08X}" for n in rng.integers(0, 16**8, 50_000)], dtype=object)
    return pd.DataFrame(
        {
            "Date Time": pd.Series(times).dt.strftime("%Y/%m/%d %H:%M:%S"),
            "Customer ID": customers[rng.integers(0, len(customers), rows)],
            "Point Type": np.where(rng.random(rows) < 0.8, "Store visit", "Reward"),
            "Points": np.where(rng.random(rows) < 0.8, 1, -10),
        }
    )


def friends_frame(days: int) -> pd.DataFrame:
    dates = pd.date_range("2024-10-01", periods=days, freq="D")
    adds = np.random.default_rng(3).integers(0, 30, days).cumsum()
    return pd.DataFrame(
        {
            "date": dates.strftime("%Y%m%d"),
            "contacts": 5000 + adds,
            "targetReaches": (5000 + adds) * 86 // 100,
            "blocks": 300 + np.arange(days) // 3,
        }
    )


def normalised_copy_text(frame: pd.DataFrame, report: str, account_id: int, job_id: int) -> bytes:
    """The rows as the importer stores them, in COPY text format, for the baseline."""
    if report == "reward_card_history":
        iso = pd.to_datetime(frame["Date Time"], format="%Y/%m/%d %H:%M:%S").dt.strftime(
            "%Y-%m-%dT%H:%M:%S"
        )
        key = iso + "|" + frame["Customer ID"] + "|" + frame["Point Type"]
        day = iso.str[:10]
        values = (
            '{"occurred_at":"'
            + iso
            + '","customer_id":"'
            + frame["Customer ID"]
            + '","point_type":"'
            + frame["Point Type"]
            + '","points":'
            + frame["Points"].astype(str)
            + "}"
        )
    else:
        day = pd.to_datetime(frame["date"], format="%Y%m%d").dt.strftime("%Y-%m-%d")
        key = day
        values = (
            '{"date":"'
            + day
            + '","contacts":'
            + frame["contacts"].astype(str)
            + ',"target_reaches":'
            + frame["targetReaches"].astype(str)
            + ',"blocks":'
            + frame["blocks"].astype(str)
            + "}"
        )
    lines = (
        f"{account_id}\t{report}\tcsv\t" + key + "\t" + day + "\t" + values + f"\t{job_id}\ttrue"
    )
    return ("\n".join(lines.tolist()) + "\n").encode()


def run_import(account: LineAccount, path: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    with tenant_scope(workspace=account.workspace, account=account):
        upload = DiskUpload(path)
        job = import_job_create(account=account, uploaded_file=upload)
        upload.close()
    stored = time.perf_counter() - started
    outcome, job = run_job_in_worker(job.pk)
    outcome.update(job_id=job.pk, inserted=job.inserted)
    return stored + outcome["seconds"], outcome


def forget_imports(account: LineAccount) -> None:
    """Untimed: remove the previous run's rows and vacuum, so every run inserts into a table
    in the same state as the baseline's freshly truncated one."""
    with tenant_scope(workspace=account.workspace, account=account):
        for job in ImportJob.objects.exclude(original_name="baseline.csv"):
            import_job_delete(job=job)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {RECORD_TABLE}")


def copy_baseline(table: str, payload: bytes) -> float:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")
        started = time.perf_counter()
        cursor.copy_expert(
            f'COPY {table} (account_id, report, source, key, date, "values", import_job_id, is_current) FROM STDIN',
            io.BytesIO(payload),
        )
        return time.perf_counter() - started


def main() -> None:
    require_postgresql(BENCH)
    checks = Checks()
    call_command("migrate", verbosity=0)
    tag = uuid.uuid4().hex[:8]
    workspace = Workspace.objects.create(slug=f"bench-imports-{tag}", name="Benchmark")
    account = LineAccount.unscoped.create(
        workspace=workspace,
        slug="bench",
        display_name="Bench",
        channel_secret="x" * 32,
        access_token="t",
    )
    baseline_table = f"bench_copy_{tag}"
    # The baseline's rows belong to a real job, and its table has the same foreign keys.
    baseline_job = ImportJob.unscoped.create(account=account, original_name="baseline.csv")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {baseline_table} (LIKE {RECORD_TABLE} INCLUDING ALL)")
        cursor.execute(
            f"ALTER TABLE {baseline_table} "
            f"ADD FOREIGN KEY (account_id) REFERENCES {LineAccount._meta.db_table} (id), "
            f"ADD FOREIGN KEY (import_job_id) REFERENCES {ImportJob._meta.db_table} (id)"
        )
    timings: list[Timing] = []
    details: dict[str, dict] = {}
    try:
        with tempfile.TemporaryDirectory() as folder:
            workloads = [
                ("reward_card_history", HISTORY_ROWS, history_frame(HISTORY_ROWS)),
                ("friends", FRIENDS_DAYS, friends_frame(FRIENDS_DAYS)),
            ]
            for report_type, rows, frame in workloads:
                path = Path(folder) / f"{report_type}.csv"
                frame.to_csv(path, index=False)
                payload = normalised_copy_text(frame, report_type, account.pk, baseline_job.pk)
                del frame
                copies, imports, peaks = [], [], []
                for _ in range(REPEAT):
                    copies.append(copy_baseline(baseline_table, payload))
                    forget_imports(account)
                    seconds, outcome = run_import(account, path)
                    imports.append(seconds)
                    peaks.append(outcome["max_rss_mb"])
                    checks.require(
                        outcome["inserted"] == rows,
                        f"{report_type}: the import inserted {outcome['inserted']:,} of "
                        f"{rows:,} rows",
                    )
                label = f"{rows:,} {report_type} rows"
                timings.append(Timing(f"COPY {label}", tuple(copies), items=rows))
                timings.append(Timing(f"import {label}", tuple(imports), items=rows))
                details[report_type] = {
                    "rows": rows,
                    "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
                    "worker_peak_rss_mb": max(peaks),
                    "copy_p50_s": sorted(copies)[len(copies) // 2],
                    "import_p50_s": sorted(imports)[len(imports) // 2],
                }
                forget_imports(account)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {baseline_table}")
        with tenant_scope(workspace=workspace):
            ImportJob.unscoped.filter(account=account).delete()
        workspace.delete()
    for name, detail in details.items():
        detail["ratio_to_copy"] = round(detail["import_p50_s"] / detail["copy_p50_s"], 2)
        print(f"{name}: {json.dumps(detail)}")
    report(
        "imports",
        timings,
        baseline=f"COPY {HISTORY_ROWS:,} reward_card_history rows",
        checks=checks,
        params={"repeat": REPEAT, "workloads": details},
    )
    print(
        f"bench process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    run(main)
