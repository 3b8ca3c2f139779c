"""``seed_insight_imports``: 400 days of OA Manager exports per demo OA, uploaded through the real
import path (job row, detection, chunked parsing, one transaction per file), and the last month
of the Insight API's followers figures as the daily sync stores them.

Each OA's files are written the way its manager would export them: Japanese headers in Shift_JIS
for the Tokyo OA, Traditional Chinese in Big5 for Taipei, Thai in UTF-8 with BOM for Bangkok and
English in UTF-16 for the brand, so the demo exercises detection and decoding too. The numbers
tell one story: for the days the webhook demo covers, friends added and blocks per day are the
follow and unfollow events it stored and messages received are its message events, on top of a
longer organic history; broadcasts reach the day's target reach, coupons launched with a
campaign draw views from it, and the reward card's usage report is the running total of its own
point history (``insights.demo.engagement``). Every export that LINE gives per day covers every
day, so each chart has a history at every range (365 days and its comparison included).
Generated with a per-OA seed, so a second run produces the same files, and the step skips OAs
that already have demo imports.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from insights.demo.files import export_files
from insights.demo.story import FriendsStory
from insights.demo.styles import API_DAYS, DEMO_PREFIX, JST, PROFILES
from insights.imports.jobs import import_job_create, import_job_run
from insights.models import ImportJob, InsightSyncState
from insights.sync.records import api_record_store, sync_outcome_record, sync_state_get
from oa_console.tenancy import tenant_scope

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy
    from oa_console.models import LineAccount


def _seed_insight_api(account: LineAccount, story: FriendsStory) -> int:
    """The followers figures of the days since the console was connected, stored as the daily
    Insight API sync stores them (source ``api``, beside the CSV rows; the sync's own storing
    and state functions): LINE's API and its CSV export report the same running totals, which
    the Friends page's reconciliation chart shows side by side."""
    rows = story.rows[-API_DAYS:]
    for raw_day, contacts, reach, blocks in rows:
        day = datetime.strptime(raw_day, "%Y%m%d").date()
        values = {
            "date": day.isoformat(),
            "contacts": contacts,
            "target_reaches": reach,
            "blocks": blocks,
        }
        api_record_store(
            account=account, report="friends", key=day.isoformat(), day=day, values=values
        )
    state = sync_state_get(account, InsightSyncState.Endpoint.FOLLOWERS)
    sync_outcome_record(state, InsightSyncState.Outcome.OK, fetched=len(rows), through=day)
    return len(rows)


def seed_insight_imports(demo: DemoTenancy) -> int:
    """Upload and import each demo OA's exports; returns the rows inserted."""
    yesterday = timezone.now().astimezone(JST).date() - timedelta(days=1)
    inserted = 0
    for slug in PROFILES:
        account = demo.accounts.get(slug)
        if account is None:
            continue
        with tenant_scope(workspace=account.workspace, account=account):
            if ImportJob.objects.filter(original_name__startswith=DEMO_PREFIX).exists():
                continue
            files, story = export_files(account, slug, yesterday)
            for name, content in files:
                job = import_job_create(
                    account=account,
                    uploaded_file=SimpleUploadedFile(f"{DEMO_PREFIX}{name}.csv", content),
                    language="en",
                )
                import_job_run(job_id=job.pk)
                job.refresh_from_db()
                if job.status != ImportJob.Status.SUCCEEDED:
                    raise RuntimeError(
                        f"demo import {name} for {slug} failed: {job.failure_code} {job.errors}"
                    )
                inserted += job.inserted
            inserted += _seed_insight_api(account, story)
    return inserted
