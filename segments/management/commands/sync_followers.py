"""``manage.py sync_followers --account ID``: read an OA's follower list from LINE now.

Runs in the foreground and prints progress: pages of up to 1,000 ids, friends added and,
once the whole list has been read, friends marked as no longer following. When LINE's rate
limit makes it wait, the command waits (it is not a worker) and resumes from the saved
continuation token. If a sync of the OA is already going, it continues that one.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oa_console.models import LineAccount
from segments.models import FollowerSync
from segments.services import follower_syncs


class Command(BaseCommand):
    help = "Read an OA's follower ids from LINE (GET /v2/bot/followers/ids) into its friends."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--account", type=int, required=True, help="The OA's id.")
        parser.add_argument(
            "--max-wait",
            type=int,
            default=3600,
            help="Give up (leaving the sync to the worker) after waiting this many seconds.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        account = LineAccount.unscoped.filter(pk=options["account"]).first()
        if account is None:
            raise CommandError(f"No OA with id {options['account']}.")
        job, created = follower_syncs.follower_sync_request(
            account=account, trigger=FollowerSync.Trigger.COMMAND, enqueue=False
        )
        if not created:
            self.stdout.write(f"A sync of {account} is already going (#{job.pk}); continuing it.")
        waited = 0
        while True:
            step = follower_syncs.follower_sync_run(job_id=job.pk)
            job.refresh_from_db()
            self.stdout.write(
                f"{job.get_status_display()}: {job.pages_read} pages, {job.ids_seen} ids, "
                f"{job.friends_added} friends added"
            )
            if step.retry_in is None:
                break
            if step.retry_in:
                if waited + step.retry_in > options["max_wait"]:
                    follower_syncs.follower_sync_enqueue(job.pk, countdown=step.retry_in)
                    raise CommandError(
                        f"Still waiting for LINE after {waited} s; the worker continues sync #{job.pk}."
                    )
                self.stdout.write(
                    f"Waiting {step.retry_in} s for LINE ({job.error or 'rate limit'})"
                )
                time.sleep(step.retry_in)
                waited += step.retry_in
        if job.status == FollowerSync.Status.DONE:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Done: {job.ids_seen} followers listed, {job.friends_added} friends added, "
                    f"{job.friends_unfollowed} marked as no longer following."
                )
            )
        elif job.status in (FollowerSync.Status.REFUSED, FollowerSync.Status.FAILED):
            raise CommandError(f"{job.get_status_display()}: {job.error}")
