"""Know every friend: read LINE's follower id list (``GET /v2/bot/followers/ids``) into friends.

Webhooks only tell the console about friends who followed or wrote after the webhook was
connected; LINE's list has everyone who follows now. A sync reads it page by page with LINE's
continuation token (saved with every page, so a sync that must wait for LINE's rate limit
resumes where it stopped), adds the ids it does not know as friends (source "LINE follower
list", profiles fetched by the usual profile task) and, once every page has been read, marks the
known following friends the list did not contain as no longer following. A sync that stopped
part-way never marks anyone. Blocked friends are not in LINE's list (it excludes blockers) and
are left as they are.

The list is a fact with a time like a webhook event: ``Friend.listed_at`` / ``unlisted_at``
are weighed against follow and unfollow events by ``services.friends_recompute``, so a follow
that arrives while a sync runs is never undone by it.

LINE answers 403 for OAs that are neither verified nor premium; that is recorded on the
account and said on the settings page and in the broadcast composer.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from oa_console.line import limiter
from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort
from segments.models.follower_syncs import FollowerSync
from segments.models.friends import Friend
from segments.services import friends as services
from segments.services.follower_syncs.pages import (
    PageReader,
    _Failed,
    _Refused,
    _Transient,
    line_page_reader,
)
from segments.services.follower_syncs.store import ProfileSource, follower_ids_apply

logger = logging.getLogger("segments.followers")

# One task reads pages for at most this long, then hands the rest to a new task, so a
# million-friend OA (1,000 pages) never holds a worker for minutes.
TASK_BUDGET_SECONDS = 20.0
# 429s and LINE failures in a row before the sync gives up (backoff 30 s ... 30 min).
MAX_RETRIES = 8
RECOMPUTE_CHUNK = 1000

Status = FollowerSync.Status


@dataclass(frozen=True)
class SyncStep:
    """What one task run ended with: ``retry_in`` seconds until the task should run again."""

    status: str
    retry_in: int | None = None


# Requests ---------------------------------------------------------------------------------------


@transaction.atomic
def follower_sync_request(
    *, account: LineAccount, trigger: str, requested_by=None, enqueue: bool = True
) -> tuple[FollowerSync, bool]:
    """Queue a sync of this OA; returns the job and whether it is new. An OA with a sync
    waiting or going gets that one back instead of a second (a unique constraint holds it).
    ``enqueue=False`` leaves the running to the caller (the command runs it in the foreground)."""
    active = (
        FollowerSync.objects.for_account(account).filter(status__in=FollowerSync.ACTIVE).first()
    )
    if active is not None:
        return active, False
    try:
        with transaction.atomic():
            job = FollowerSync.objects.for_account(account).create(
                account=account, trigger=trigger, requested_by=requested_by
            )
    except IntegrityError:  # a concurrent request created it first
        return FollowerSync.objects.for_account(account).get(status__in=FollowerSync.ACTIVE), False
    if enqueue:
        transaction.on_commit(lambda: follower_sync_enqueue(job.pk))
    return job, True


def follower_sync_enqueue(job_id: int, countdown: int = 0) -> None:
    """Best effort: a job whose task never reached the broker is found by the sweep."""
    from segments.tasks import sync_followers

    enqueue_best_effort(sync_followers, (job_id,), countdown=countdown)


def follower_sync_on_connect(account: LineAccount) -> None:
    """Registered with ``oa_console.services.line_accounts``: a newly connected OA reads its list at once."""
    follower_sync_request(account=account, trigger=FollowerSync.Trigger.CONNECT)


def follower_sync_nightly() -> int:
    """Scheduled nightly: a sync for every OA (one call a night also notices an OA that has
    become verified since LINE last refused)."""
    count = 0
    for account in LineAccount.unscoped.all():  # every tenant's OAs
        _job, created = follower_sync_request(account=account, trigger=FollowerSync.Trigger.NIGHTLY)
        count += created
    return count


def follower_sync_sweep(*, stale_after: int = 2400) -> int:
    """Re-enqueue active syncs whose task was lost (broker outage, dead worker): a redelivered
    task is harmless, since each page is applied only by the run holding its token. Only syncs
    untouched for longer than the longest backoff (30 minutes) count as lost."""
    cutoff = timezone.now() - timedelta(seconds=stale_after)
    ids = list(  # lost jobs of every tenant
        FollowerSync.unscoped.filter(
            status__in=FollowerSync.ACTIVE, updated_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for job_id in ids:
        follower_sync_enqueue(job_id)
    return len(ids)


# Running -----------------------------------------------------------------------------------------


def _backoff(attempts: int) -> int:
    """Exponential backoff with jitter: 30 s, 60 s, 120 s ... capped at 30 minutes."""
    return int(min(1800, 30 * 2 ** max(0, attempts - 1)) * random.uniform(0.5, 1.0)) + 1


def follower_sync_run(
    *,
    job_id: int,
    read_page: PageReader = line_page_reader,
    budget: float = TASK_BUDGET_SECONDS,
    profile_for: ProfileSource | None = None,
) -> SyncStep:
    """The task's body: read pages until the list ends, LINE makes us wait, or the budget is
    spent (then ``retry_in`` is 0: continue in a fresh task). Safe to run twice at once.
    ``read_page`` and ``profile_for`` let the demo seed apply its simulated list without HTTP
    or profile tasks (new friends get the profile ``profile_for`` gives instead).

    The job is looked up by id alone (the task knows nothing else) to learn its OA; every
    read and write after that is that OA's."""
    job = FollowerSync.unscoped.select_related("account__workspace").filter(pk=job_id).first()
    if job is None or not job.is_active:
        return SyncStep(job.status if job else "missing")
    account = job.account
    jobs = FollowerSync.objects.for_account(account)
    if job.started_at is None:
        jobs.filter(pk=job.pk, started_at__isnull=True).update(started_at=timezone.now())
    jobs.filter(pk=job.pk, status__in=FollowerSync.ACTIVE).update(status=Status.RUNNING)
    job.refresh_from_db()
    deadline = time.monotonic() + budget
    while True:
        decision = limiter.rate_limit_acquire(account, "followers")
        if not decision.allowed:
            _set_status(account, job, Status.WAITING)
            return SyncStep(Status.WAITING, retry_in=decision.retry_in)
        token = job.next_token
        read_at = timezone.now()
        try:
            user_ids, next_token = read_page(account, token)
        except _Refused as refusal:
            _refused(account, job, str(refusal))
            return SyncStep(Status.REFUSED)
        except _Transient as problem:
            return _wait_after(account, job, str(problem), problem.retry_after)
        except _Failed as failure:
            _finish(account, job, Status.FAILED, error=str(failure))
            return SyncStep(Status.FAILED)
        except Exception as error:
            logger.exception("follower sync failed", extra={"job": job.pk})
            _finish(account, job, Status.FAILED, error=f"{type(error).__name__}: {error}"[:1000])
            return SyncStep(Status.FAILED)
        applied = _page_apply(
            account=account,
            job_id=job.pk,
            token=token,
            user_ids=user_ids,
            next_token=next_token,
            read_at=read_at,
            profile_for=profile_for,
        )
        if applied is None:  # another run of the same job applied this page first
            return SyncStep("superseded")
        job = applied
        if not next_token:
            _complete(account, job)
            return SyncStep(Status.DONE)
        if time.monotonic() >= deadline:
            return SyncStep(Status.RUNNING, retry_in=0)


def _active(account: LineAccount, job: FollowerSync) -> QuerySet[FollowerSync]:
    """The job's row while it is still active (a stopped job is never moved on)."""
    return FollowerSync.objects.for_account(account).filter(
        pk=job.pk, status__in=FollowerSync.ACTIVE
    )


def _set_status(account: LineAccount, job: FollowerSync, status: str) -> None:
    _active(account, job).update(status=status)


def _wait_after(
    account: LineAccount, job: FollowerSync, message: str, retry_after: int | None
) -> SyncStep:
    """A 429 or a LINE failure: keep the token, count the attempt, come back later."""
    attempts = job.rate_limited + 1
    if attempts > MAX_RETRIES:
        _finish(
            account,
            job,
            Status.FAILED,
            error=_("LINE kept failing (%(attempts)s attempts); last answer: %(message)s")
            % {"attempts": MAX_RETRIES, "message": message},
        )
        return SyncStep(Status.FAILED)
    _active(account, job).update(status=Status.WAITING, rate_limited=attempts, error=message[:1000])
    return SyncStep(Status.WAITING, retry_in=max(retry_after or 0, _backoff(attempts)))


@transaction.atomic
def _page_apply(
    *,
    account: LineAccount,
    job_id: int,
    token: str,
    user_ids: list[str],
    next_token: str,
    read_at: datetime,
    profile_for: ProfileSource | None = None,
) -> FollowerSync | None:
    """Apply one page and move the job's token on, in one transaction; ``None`` when the job
    no longer waits for this page (a duplicate run got there first, or it was stopped)."""
    job = FollowerSync.objects.for_account(account).select_for_update().filter(pk=job_id).first()
    if job is None or not job.is_active or job.next_token != token:
        return None
    added = follower_ids_apply(
        account=account, user_ids=user_ids, listed_at=read_at, profile_for=profile_for
    )
    job.next_token = next_token
    job.pages_read += 1
    job.ids_seen += len(user_ids)
    job.friends_added += added
    job.rate_limited = 0
    job.error = ""
    job.status = Status.RUNNING
    job.save(
        update_fields=[
            "next_token",
            "pages_read",
            "ids_seen",
            "friends_added",
            "rate_limited",
            "error",
            "status",
            "updated_at",
        ]
    )
    return job


@transaction.atomic
def _complete(account: LineAccount, job: FollowerSync) -> None:
    """Every page has been read: the known following friends LINE did not list (and who
    existed before the sync began) no longer follow. Their time is the sync's start, so a
    follow event that arrived since wins over it."""
    job = FollowerSync.objects.for_account(account).select_for_update().get(pk=job.pk)
    if not job.is_active:
        return
    started = job.started_at or job.created_at
    friends = Friend.objects.for_account(account)
    # An erased friend's row has no LINE user id any more: LINE cannot list it.
    gone = friends.filter(
        status=Friend.Status.FOLLOWING,
        created_at__lt=started,
        erased_at__isnull=True,
    ).exclude(listed_at__gte=started)
    gone_ids = list(gone.values_list("pk", flat=True))
    unfollowed = 0
    for start in range(0, len(gone_ids), RECOMPUTE_CHUNK):
        chunk = gone_ids[start : start + RECOMPUTE_CHUNK]
        friends.filter(pk__in=chunk).update(unlisted_at=started)
        services.friends_recompute(account=account, friend_ids=chunk)
        unfollowed += friends.filter(pk__in=chunk, status=Friend.Status.BLOCKED).count()
    job.friends_unfollowed = unfollowed
    job.status = Status.DONE
    job.next_token = ""
    job.finished_at = timezone.now()
    job.save(
        update_fields=["friends_unfollowed", "status", "next_token", "finished_at", "updated_at"]
    )
    _account_row(account).update(follower_ids_refused_at=None, follower_ids_refusal="")


def _account_row(account: LineAccount) -> QuerySet[LineAccount]:
    """The OA's own row, to record what LINE said about listing its followers."""
    return LineAccount.objects.for_workspace(account.workspace).filter(pk=account.pk)


@transaction.atomic
def _refused(account: LineAccount, job: FollowerSync, message: str) -> None:
    now = timezone.now()
    _account_row(account).update(
        follower_ids_refused_at=now,
        follower_ids_refusal=message or _("Access to this endpoint is not allowed."),
    )
    _finish(
        account,
        job,
        Status.REFUSED,
        error=_("LINE lists friends only for verified or premium OAs. LINE said: %(message)s")
        % {"message": message or "403"},
    )


def _finish(account: LineAccount, job: FollowerSync, status: str, *, error: str = "") -> None:
    _active(account, job).update(status=status, error=error[:1000], finished_at=timezone.now())
