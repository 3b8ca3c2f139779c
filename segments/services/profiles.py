"""Profile enrichment: a friend's display name, picture, language and status message, read
from LINE after a follow (and again when stale), with backoff on LINE's transient failures and
a sweep that finds friends a broker outage left unfetched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from oa_console.line import clients, limiter
from oa_console.line.outcomes import line_call
from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort
from segments.models.friends import Friend
from segments.services.storage import storable

# A friend who follows again after this long gets a fresh profile (names and pictures change).
PROFILE_REFRESH_AFTER = timedelta(days=1)
# Friends per profile task: few enough that a task finishes in seconds.
PROFILE_TASK_SIZE = 50
PROFILE_MAX_ATTEMPTS = 6
PROFILE_SWEEP_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class ProfileOutcome:
    status: str
    retry_in: int | None = None


def _profile_backoff(attempts: int) -> int:
    """Exponential backoff with full jitter: 30 s, 60 s, 120 s ... capped at 30 minutes."""
    import random

    return int(min(1800, 30 * 2 ** max(0, attempts - 1)) * random.uniform(0.5, 1.0)) + 1


def _profile_failure(
    account: LineAccount, friend_id: int, *, error: str, final: bool, status: str
) -> None:
    with transaction.atomic():
        friend = Friend.objects.for_account(account).select_for_update().get(pk=friend_id)
        friend.profile_attempts += 1
        friend.profile_error = error[:1000]
        if final or friend.profile_attempts >= PROFILE_MAX_ATTEMPTS:
            friend.profile_status = status
        friend.save(
            update_fields=["profile_attempts", "profile_error", "profile_status", "updated_at"]
        )


def friend_profile_fetch(*, friend_id: int) -> ProfileOutcome:
    """Fetch displayName, pictureUrl, language and statusMessage from LINE for one friend.

    No transaction is held open during the HTTP call. Transient failures (429, 5xx, network)
    are counted on the friend and answered with a ``retry_in`` for the task to re-enqueue;
    after ``PROFILE_MAX_ATTEMPTS`` the friend is marked failed with the last error. A 404 means
    LINE no longer shares the profile (the user blocked us): marked unavailable, not retried.

    The task knows only the friend's id: this one lookup learns the OA, and the writes after it
    are that OA's.
    """
    friend = Friend.unscoped.select_related("account").filter(pk=friend_id).first()
    if friend is None:
        return ProfileOutcome("missing")
    if friend.profile_status in (Friend.ProfileStatus.FAILED, Friend.ProfileStatus.UNAVAILABLE) or (
        friend.profile_status == Friend.ProfileStatus.FETCHED
        and friend.profile_fetched_at
        and friend.profile_fetched_at > timezone.now() - PROFILE_REFRESH_AFTER
    ):
        return ProfileOutcome("unchanged")
    decision = limiter.rate_limit_acquire(friend.account, "profile")
    if not decision.allowed:
        return ProfileOutcome("rate_limited", retry_in=decision.retry_in)
    # The embedded demo's simulated LINE answers profiles too (None elsewhere).
    with clients.messaging_api(friend.account, host=clients.simulated_host()) as api:
        outcome = line_call(
            lambda: api.get_profile_with_http_info(
                friend.line_user_id, _request_timeout=clients.REQUEST_TIMEOUT
            )
        )
    if not outcome.accepted:
        error = outcome.error or f"LINE answered {outcome.status}: {outcome.body[:300]!r}"
        if outcome.not_found:
            _profile_failure(
                friend.account,
                friend_id,
                error=error,
                final=True,
                status=Friend.ProfileStatus.UNAVAILABLE,
            )
            return ProfileOutcome("unavailable")
        transient = outcome.retry_later
        _profile_failure(
            friend.account,
            friend_id,
            error=error,
            final=not transient,
            status=Friend.ProfileStatus.FAILED,
        )
        friend.refresh_from_db(fields=["profile_status", "profile_attempts"])
        if not transient or friend.profile_status == Friend.ProfileStatus.FAILED:
            return ProfileOutcome("failed")
        return ProfileOutcome(
            "retry",
            retry_in=max(outcome.retry_after or 0, _profile_backoff(friend.profile_attempts)),
        )
    profile = outcome.data
    friend_profile_store(
        account=friend.account,
        friend_id=friend_id,
        display_name=profile.display_name or "",
        picture_url=profile.picture_url or "",
        language=profile.language or "",
        status_message=profile.status_message or "",
    )
    return ProfileOutcome("fetched")


@transaction.atomic
def friend_profile_store(
    *,
    account: LineAccount,
    friend_id: int,
    display_name: str,
    picture_url: str = "",
    language: str = "",
    status_message: str = "",
) -> None:
    """Save a profile as LINE returned it (the fetch task, and the demo seed without a LINE)."""
    now = timezone.now()
    # A fetch that started before the friend was erased must not bring their profile back.
    Friend.objects.for_account(account).filter(pk=friend_id, erased_at__isnull=True).update(
        display_name=storable(display_name)[:200],
        picture_url=picture_url[:1000],
        language=language[:16],
        status_message=storable(status_message),
        profile_status=Friend.ProfileStatus.FETCHED,
        profile_fetched_at=now,
        profile_attempts=0,
        profile_error="",
        updated_at=now,
    )


def friend_profiles_sweep(*, limit: int = 1000) -> int:
    """Enqueue fetches for following friends whose profile was never fetched (lost tasks)."""
    cutoff = timezone.now() - PROFILE_SWEEP_AFTER
    ids = list(  # every tenant's friends: the tasks lost in an outage
        Friend.unscoped.filter(
            status=Friend.Status.FOLLOWING,
            profile_status=Friend.ProfileStatus.PENDING,
            updated_at__lt=cutoff,
        ).values_list("pk", flat=True)[:limit]
    )
    friend_profiles_refresh_enqueue(ids)
    return len(ids)


def friend_profiles_refresh_enqueue(friend_ids: list[int]) -> None:
    """Best effort: a friend left unfetched by a broker outage is found by the profile sweep."""
    from segments.tasks import refresh_friend_profiles

    for start in range(0, len(friend_ids), PROFILE_TASK_SIZE):
        if not enqueue_best_effort(
            refresh_friend_profiles, (friend_ids[start : start + PROFILE_TASK_SIZE],)
        ):
            return
