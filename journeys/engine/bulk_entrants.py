"""The friends of the item event's bulk calls not booked yet (``JourneyBulkCall``), as the
entry rules count enrolments: a call is sent before its friends' enrolments are written
(``item_events.booking``), and for those seconds its friends must already count as entered,
or a second event could enrol them again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from journeys.models import JourneyBulkCall
from oa_console.models import LineAccount

# The property of an enrolment's (and a bulk call's) trigger properties that names the item
# event it came from.
ITEM_EVENT_KEY = "item_event_id"


@dataclass(frozen=True)
class BulkEntrant:
    """A friend of a call not booked yet, as the entry rules count an enrolment."""

    entered_at: datetime
    dedupe_key: str
    in_flight: bool  # the walk goes on after the send (not straight to an exit)


def bulk_entrants(
    *, account: LineAccount, journey_id: int, friend_ids: Iterable[int]
) -> dict[int, list[BulkEntrant]]:
    """The friends among ``friend_ids`` in the journey's calls not booked yet. The calls exist
    for seconds, so this reads a few rows at most, and none at all almost always."""
    calls = JourneyBulkCall.objects.for_account(account).filter(journey_id=journey_id)
    calls = calls.values_list("friend_ids", "plan")
    wanted = set(friend_ids)
    found: dict[int, list[BulkEntrant]] = {}
    for ids, plan in calls:
        entrant = BulkEntrant(
            entered_at=datetime.fromisoformat(plan["now"]),
            dedupe_key=plan["dedupe_key"],
            in_flight=not plan["ends_at_next"],
        )
        for friend_id in wanted.intersection(ids):
            found.setdefault(friend_id, []).append(entrant)
    return found


def bulk_call_friends(*, account: LineAccount, journey_id: int, item_event_id: int) -> set[int]:
    """The friends in the journey's calls not booked yet that an item event made."""
    calls = JourneyBulkCall.objects.for_account(account).filter(
        journey_id=journey_id, **{f"plan__properties__{ITEM_EVENT_KEY}": item_event_id}
    )
    return {pk for ids in calls.values_list("friend_ids", flat=True) for pk in ids}
