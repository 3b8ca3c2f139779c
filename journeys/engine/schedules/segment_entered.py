"""The ``segment_entered`` trigger: friends who are in the saved segment now and were not at
the previous check (each minute) enter the journey.

The previous members are kept between checks in ``SegmentMembers`` (one row per journey and
segment, the ids packed), written in the check's transaction with the enrolments it makes: a
failed check leaves both as they were and the next one sees the same difference; a committed
one never enrols the same entry twice. With nothing remembered (the journey's first check) a
check enrols nobody and only records the members: friends already in the segment when the
journey started did not *enter* it.
"""

from __future__ import annotations

import logging
import zlib
from array import array
from datetime import datetime

from journeys.engine.enrol import enrolments_start_many
from journeys.models import Journey, SegmentMembers
from oa_console.models import LineAccount
from segments.rules.validation import RulesInvalid
from segments.selectors.segments import segment_friends, segment_get

logger = logging.getLogger("journeys.schedules")


def pack(ids: set[int]) -> bytes:
    """Sorted ids as zlib-compressed deltas: a million members take a few hundred kB."""
    ordered = sorted(ids)
    deltas = array("q", (pk - before for pk, before in zip(ordered, [0, *ordered], strict=False)))
    return zlib.compress(deltas.tobytes())


def unpack(blob: bytes) -> set[int]:
    deltas = array("q")
    deltas.frombytes(zlib.decompress(blob))
    ids, total = set(), 0
    for delta in deltas:
        total += delta
        ids.add(total)
    return ids


def segment_entered_run(
    *, account: LineAccount, journey: Journey, trigger: dict, now: datetime
) -> int:
    segment = segment_get(account=account, segment_id=trigger["segment_id"])
    if segment is None:
        logger.warning("segment-entry journey's segment is gone", extra={"journey_id": journey.pk})
        return 0
    try:
        members = set(
            segment_friends(account=account, rules=segment.rules, now=now).values_list(
                "pk", flat=True
            )
        )
    except RulesInvalid:
        logger.warning(
            "segment-entry journey's rules no longer hold", extra={"journey_id": journey.pk}
        )
        return 0
    previous = _remember(
        account=account, journey=journey, segment_id=segment.pk, members=members, now=now
    )
    if previous is None:
        return 0  # the baseline: nobody entered yet
    entered = members - previous
    if not entered:
        return 0
    return enrolments_start_many(
        account=account,
        journey=journey,
        friend_ids=sorted(entered),
        properties={"segment_id": segment.pk},
        now=now,
    )


def _remember(
    *, account: LineAccount, journey: Journey, segment_id: int, members: set[int], now: datetime
) -> set[int] | None:
    """Store this check's members and return the previous check's (None: the first check).
    Two checks of one journey never overlap: ``journey_trigger_run`` holds the journey's row
    lock for the whole check."""
    rows = SegmentMembers.objects.for_account(account)
    row = rows.filter(journey=journey, segment_id=segment_id).first()
    packed = pack(members)
    if row is None:
        rows.create(
            account=account,
            journey=journey,
            segment_id=segment_id,
            members=packed,
            member_count=len(members),
            checked_at=now,
        )
        return None
    previous = unpack(bytes(row.members))
    row.members, row.member_count, row.checked_at = packed, len(members), now
    row.save(update_fields=["members", "member_count", "checked_at"])
    return previous
