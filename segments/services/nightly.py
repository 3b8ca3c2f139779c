"""The nightly CRM jobs of each OA (tag coverage snapshot, RFM), run once per local day.

Beat calls the sweep every few minutes; an OA is due when its local time is past
``NIGHTLY_HOUR`` and today's coverage snapshot is missing. The snapshot is written last, so an
OA whose job failed half-way is retried by the next sweep, and a second sweep finding the day
done does nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from oa_console.models import LineAccount
from oa_console.selectors import account_get_for_job
from oa_console.tenancy import tenant_scope
from segments.models import TagCoverageSnapshot
from segments.services import rfm, tagging

logger = logging.getLogger("segments.nightly")

NIGHTLY_HOUR = 2


def crm_nightly_due(*, now: datetime | None = None) -> list[int]:
    """Ids of the OAs whose nightly jobs have not run for their current local day."""
    now = now or timezone.now()
    due = []
    for account in LineAccount.unscoped.order_by("pk"):  # every tenant's OAs
        local = now.astimezone(ZoneInfo(account.time_zone or "UTC"))
        if local.hour < NIGHTLY_HOUR:
            continue
        if (
            not TagCoverageSnapshot.objects.for_account(account)
            .filter(date=local.date(), scope="all")
            .exists()
        ):
            due.append(account.pk)
    return due


def crm_nightly_run(*, account_id: int, now: datetime | None = None) -> bool:
    """RFM, then the coverage snapshot of the OA's local day. False when it was already done."""
    now = now or timezone.now()
    # The task's one lookup by id; every read after it is this OA's.
    account = account_get_for_job(account_id=account_id)
    if account is None:
        return False
    day = now.astimezone(ZoneInfo(account.time_zone or "UTC")).date()
    if TagCoverageSnapshot.objects.for_account(account).filter(date=day, scope="all").exists():
        return False
    with tenant_scope(workspace=account.workspace, account=account):
        scored = rfm.rfm_compute(account=account, now=now)
        rows = tagging.tag_coverage_snapshot(account=account, day=day)
    logger.info(
        "crm nightly done", extra={"account_id": account.pk, "rfm": scored, "coverage": rows}
    )
    return True
