"""bench/member_import.py: a member data import end to end (upload → job done) against
hand-written SQL doing the same writes.

Workload (PostgreSQL): an OA with 1,000,000 friends and a 1,000,000-row member CSV keyed by
LINE user id (1 % unknown ids) with member tier, gender, birthday and a number attribute.
Each run stores the file through ``import_job_create``, confirms the mapping as the mapping
step does, and runs the job in a separate process as a Celery worker would (its peak memory is
measured on its own). The baseline is what a DBA would write for the same effect, given the
already-parsed rows: ``COPY`` into a temp table, one ``UPDATE … FROM`` of the friends and one
``INSERT … ON CONFLICT`` of the attribute, in one transaction. Before every run (timed or
baseline) the friends' fields and the attribute values are reset, untimed, so both start from
the same state. The script creates its own workspace, OA and friends and deletes them.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.fernet import Fernet

from bench._common import Timing, report, setup_django
from bench._guard import BenchFailed, Checks, require_postgresql, run

os.environ.setdefault("FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
setup_django()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench._imports_common import DiskUpload, run_job_in_worker  # noqa: E402
from insights.imports.jobs import (  # noqa: E402
    import_job_confirm_mapping,
    import_job_create,
    import_job_run,
)
from insights.models import ImportJob  # noqa: E402
from oa_console.models import LineAccount, Workspace  # noqa: E402
from oa_console.tenancy import tenant_scope  # noqa: E402
from segments.models import AttributeDefinition, Friend, FriendAttribute  # noqa: E402

ROWS = int(os.environ.get("BENCH_MEMBER_ROWS", 1_000_000))
REPEAT = int(os.environ.get("BENCH_REPEAT", 2))
FRIENDS = Friend._meta.db_table
VALUES = FriendAttribute._meta.db_table
MAPPING = {
    "user id": "line_user_id",
    "tier": "member_tier",
    "gender": "gender",
    "birthday": "birthday",
    "spend": "attribute:number:spend",
}


BENCH = "bench/member_import.py"


def user_id(n: int) -> str:
    return f"U{n:032x}"


def member_frame(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    ids = np.arange(rows)
    known = rng.random(rows) >= 0.01  # 1 % of the rows name no friend
    days = rng.integers(0, 60 * 365, rows)
    return pd.DataFrame(
        {
            "user id": [user_id(n) if k else f"X{n:032x}" for n, k in zip(ids, known, strict=True)],
            "tier": np.array(["bronze", "silver", "gold", "platinum"])[rng.integers(0, 4, rows)],
            "gender": np.array(["female", "male", "other"])[rng.integers(0, 3, rows)],
            "birthday": (np.datetime64("1950-01-01") + days.astype("timedelta64[D]")).astype(str),
            "spend": (rng.integers(0, 1_000_000, rows) / 100).round(2),
        }
    )


def create_friends(account: LineAccount, rows: int) -> None:
    """COPY the friends (every NOT NULL column given: Django sets no database defaults)."""
    columns = {
        "account_id": str(account.pk),
        "line_user_id": "",
        "status": "following",
        "times_unblocked": "0",
        "message_count": "0",
        "display_name": "",
        "picture_url": "",
        "language": "",
        "status_message": "",
        "member_id": "",
        "gender": "",
        "region": "",
        "member_tier": "",
        "add_source": "",
        "profile_status": "pending",
        "profile_attempts": "0",
        "profile_error": "",
        "created_at": "2025-01-01 00:00:00+00",
        "updated_at": "2025-01-01 00:00:00+00",
    }
    before = "\t".join(list(columns.values())[:1])
    after = "\t".join(list(columns.values())[2:])
    text = "".join(f"{before}\t{user_id(n)}\t{after}\n" for n in range(rows))
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {FRIENDS} ({', '.join(columns)}) FROM STDIN", io.BytesIO(text.encode())
        )
        cursor.execute(f"ANALYZE {FRIENDS}")


def reset(account: LineAccount) -> None:
    """Untimed: the friends and the attribute as before any import."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {FRIENDS} SET member_tier = '', gender = '', birthday = NULL "
            "WHERE account_id = %s",
            [account.pk],
        )
        cursor.execute(f"DELETE FROM {VALUES} WHERE account_id = %s", [account.pk])
        cursor.execute(f"VACUUM ANALYZE {FRIENDS}")
        cursor.execute(f"VACUUM ANALYZE {VALUES}")


def baseline(account: LineAccount, frame: pd.DataFrame, definition_id: int) -> float:
    buffer = io.StringIO()
    frame.to_csv(buffer, sep="\t", header=False, index=False)
    payload = buffer.getvalue().encode()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_members (line_user_id text, tier text, gender text, "
            "birthday date, spend numeric) ON COMMIT DROP"
        )
        cursor.copy_expert("COPY bench_members FROM STDIN", io.BytesIO(payload))
        cursor.execute(
            f"""UPDATE {FRIENDS} f SET member_tier = m.tier, gender = m.gender,
                birthday = m.birthday, updated_at = now()
            FROM bench_members m WHERE f.account_id = %s AND f.line_user_id = m.line_user_id""",
            [account.pk],
        )
        cursor.execute(
            f"""INSERT INTO {VALUES} (account_id, friend_id, definition_id, value_text,
                value_number, updated_at)
            SELECT %s, f.id, %s, '', m.spend, now() FROM bench_members m
            JOIN {FRIENDS} f ON f.account_id = %s AND f.line_user_id = m.line_user_id
            ON CONFLICT (friend_id, definition_id) DO UPDATE
            SET value_number = EXCLUDED.value_number, updated_at = EXCLUDED.updated_at""",
            [account.pk, definition_id, account.pk],
        )
    return time.perf_counter() - started


def run_import(account: LineAccount, path: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    with tenant_scope(workspace=account.workspace, account=account):
        upload = DiskUpload(path)
        job = import_job_create(account=account, uploaded_file=upload, report="members")
        upload.close()
    # A member file always asks for its mapping first (the run stops after the header);
    # answered as the mapping step would.
    import_job_run(job_id=job.pk)
    job = ImportJob.unscoped.get(pk=job.pk)
    if job.status != ImportJob.Status.NEEDS_MAPPING:
        raise BenchFailed(f"the member file did not ask for its mapping: {job.status}")
    with tenant_scope(workspace=account.workspace, account=account):
        import_job_confirm_mapping(
            job=job,
            report="members",
            mapping=MAPPING,
            options={"key": "line_user_id"},
            remember=False,
        )
    stored = time.perf_counter() - started
    outcome, job = run_job_in_worker(job.pk)
    outcome.update(updated=job.updated, unknown=job.unknown)
    return stored + outcome["seconds"], outcome


def main() -> None:
    require_postgresql(BENCH)
    checks = Checks()
    call_command("migrate", verbosity=0)
    tag = uuid.uuid4().hex[:8]
    workspace = Workspace.objects.create(slug=f"bench-members-{tag}", name="Benchmark")
    account = LineAccount.unscoped.create(
        workspace=workspace,
        slug="bench",
        display_name="Bench",
        channel_secret="x" * 32,
        access_token="t",
    )
    timings: list[Timing] = []
    detail: dict = {}
    try:
        create_friends(account, ROWS)
        definition = AttributeDefinition.unscoped.create(
            account=account, key="spend", label="Spend", type="number"
        )
        frame = member_frame(ROWS)
        known = frame[frame["user id"].str.startswith("U")]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "members.csv"
            frame.to_csv(path, index=False)
            baselines, imports, peaks = [], [], []
            for _ in range(REPEAT):
                reset(account)
                baselines.append(baseline(account, known, definition.pk))
                reset(account)
                seconds, outcome = run_import(account, path)
                imports.append(seconds)
                peaks.append(outcome["max_rss_mb"])
                checks.require(
                    outcome["updated"] == len(known),
                    f"the import updated {outcome['updated']:,} of {len(known):,} known friends",
                )
                checks.require(
                    outcome["unknown"] == ROWS - len(known),
                    f"the import counted {outcome['unknown']:,} unknown ids, expected "
                    f"{ROWS - len(known):,}",
                )
            label = f"{ROWS:,} member rows"
            timings.append(Timing(f"SQL {label}", tuple(baselines), items=ROWS))
            timings.append(Timing(f"import {label}", tuple(imports), items=ROWS))
            detail = {
                "rows": ROWS,
                "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
                "worker_peak_rss_mb": round(max(peaks)),
                "sql_p50_s": round(sorted(baselines)[len(baselines) // 2], 2),
                "import_p50_s": round(sorted(imports)[len(imports) // 2], 2),
            }
            detail["ratio_to_sql"] = round(detail["import_p50_s"] / detail["sql_p50_s"], 2)
    finally:
        # Its own rows first, in bulk: the ORM's cascade would collect every friend in Python.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {VALUES} WHERE account_id = %s", [account.pk])
            cursor.execute(f"DELETE FROM {FRIENDS} WHERE account_id = %s", [account.pk])
        with tenant_scope(workspace=workspace):
            ImportJob.unscoped.filter(account=account).delete()
        workspace.delete()
    print(f"members: {json.dumps(detail)}")
    with open("/proc/loadavg") as handle:
        load = handle.read().split()[:3]
    report(
        "member_import",
        timings,
        baseline=f"SQL {ROWS:,} member rows",
        checks=checks,
        params={"repeat": REPEAT, "load_average": load, **detail},
    )


if __name__ == "__main__":
    run(main)
