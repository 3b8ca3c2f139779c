"""Weekly recurrence: when a repeating broadcast starts sending, its next occurrence is created
(same content and audience, already approved, scheduled for the next chosen weekday at the same
wall-clock time in the OA's zone, so DST changes do not shift it)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from broadcasts.models import Broadcast
from broadcasts.services.variants import variant_list, variants_save
from segments.services.sending_rules import local_to_utc


def clean_weekdays(weekdays) -> list[int]:
    if weekdays in (None, ""):
        return []
    if not isinstance(weekdays, list) or not all(
        isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 7 for day in weekdays
    ):
        raise ValidationError(
            {"repeat_weekdays": [_("Use ISO weekdays: 1 (Monday) to 7 (Sunday).")]}
        )
    return sorted(set(weekdays))


def next_occurrence(*, broadcast: Broadcast) -> datetime | None:
    """The next chosen weekday after ``send_at``, at the same local time (None: no repeat)."""
    if not broadcast.repeat_weekdays or broadcast.send_at is None:
        return None
    zone = zoneinfo.ZoneInfo(broadcast.account.time_zone)
    local = broadcast.send_at.astimezone(zone)
    for days in range(1, 8):
        candidate = local.date() + timedelta(days=days)
        if candidate.isoweekday() in broadcast.repeat_weekdays:
            wall_clock = datetime.combine(candidate, local.time().replace(tzinfo=None))
            try:
                return local_to_utc(account=broadcast.account, local=wall_clock)
            except ValidationError:  # that wall-clock time is skipped by DST: an hour later
                return local_to_utc(
                    account=broadcast.account, local=wall_clock + timedelta(hours=1)
                )
    return None


def broadcast_repeat(*, broadcast: Broadcast) -> Broadcast | None:
    """Create the next occurrence of a repeating broadcast, once (unique per source and time)."""
    send_at = next_occurrence(broadcast=broadcast)
    if send_at is None:
        return None
    source = broadcast.repeat_of or broadcast
    try:
        with transaction.atomic():
            occurrence = Broadcast.objects.for_account(broadcast.account).create(
                account=broadcast.account,
                name=broadcast.name,
                goal=broadcast.goal,
                status=Broadcast.Status.SCHEDULED,
                messages=broadcast.messages,
                audience_kind=broadcast.audience_kind,
                segment=broadcast.segment,
                demographic=broadcast.demographic,
                track_clicks=broadcast.track_clicks,
                send_at=send_at,
                repeat_weekdays=broadcast.repeat_weekdays,
                repeat_of=source,
                created_by=broadcast.created_by,
                submitted_by=broadcast.submitted_by,
                reviewed_by=broadcast.reviewed_by,
                reviewed_at=broadcast.reviewed_at,
                review_comment=broadcast.review_comment,
                holdout_percent=broadcast.holdout_percent,
                variant_test_percent=broadcast.variant_test_percent,
            )
            # The same A/B arms each week (each occurrence has its own assignment and results).
            variants_save(
                broadcast=occurrence,
                variants=[
                    {"name": v.name, "messages": v.messages, "share": v.share}
                    for v in variant_list(broadcast=broadcast)
                ],
            )
            return occurrence
    except IntegrityError:
        return None  # already created by an earlier run of the same start
