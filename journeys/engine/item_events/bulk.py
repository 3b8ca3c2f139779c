"""The item event's fast path: a price drop reaching 200,000 viewers goes out as multicasts
within seconds, instead of 200,000 enrolments walked one by one before anything is sent.

It serves the common shape (the price-drop starter): the journey starts with a send node whose
messages are the same for every friend (no ``{displayName}``, links not tracked per friend), so
every viewer gets one body and the send node has nothing to decide per friend but governance.
Then, on PostgreSQL and outside the OA's quiet hours:

1. a query per chunk of viewers (``eligible``) finds those the entry rules let in who follow
   the OA, and the frequency cap (shared with broadcasts) removes those already at it;
2. those friends are written as bulk calls (``JourneyBulkCall``): one row per multicast of up
   to 500, its retry key set, chunk by chunk of ``CHUNK`` viewers, each committed on its own
   and kicking the sender, so a chunk's multicasts go out while the next one is judged;
3. once a call's outcome is known the booking (``booking``) writes its friends' enrolments,
   send rows and journal lines, as the per-friend path would have left them; until then they
   count as enrolled for the entry rules;
4. every other viewer (not following, capped, refused by a rule, in a call not booked yet) goes
   through the per-friend path unchanged (``enrolments_start_many``, then the runner), which
   judges and holds them exactly as before.

A journey of another shape, another database, or quiet hours now: the per-friend path alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from journeys.engine import governance, kicks
from journeys.engine.enrol import dedupe_value, enrolments_start_many, goal_until
from journeys.engine.item_events.bulk_write import SendSlice
from journeys.engine.item_events.eligible import following_entrants
from journeys.engine.links import FRIEND
from journeys.engine.nodes.send import send_group_key
from journeys.engine.personalise import messages_for
from journeys.engine.sending.planning import MULTICAST_MAX
from journeys.graph.nodes.send import DEFAULT_CLICK_TRACKING
from journeys.graph.variables import DISPLAY_NAME, variables_in
from journeys.models import Journey, JourneyBulkCall
from oa_console.models import LineAccount
from segments.services.sending_rules import frequency_capped

# Friends enrolled per committed slice on the per-friend path.
SLICE = 5000
# Viewers judged by the entry rules per query on the bulk path: the query's time grows with
# the viewers it judges (about 1.3 s for 200,000 at a million friends), so a chunk's calls go
# out while the next chunk is judged, and the memory of a large event stays bounded.
CHUNK = 50_000


@dataclass(frozen=True)
class Shape:
    """A journey whose first node sends the same messages to everyone, and where it goes next."""

    send_node: str
    next_node: str
    ends_at_next: bool


def bulk_shape(graph: dict) -> Shape | None:
    """The journey's shape when its first node is a send the bulk path can write for everyone
    at once; None otherwise (the per-friend path runs it)."""
    nodes = graph.get("nodes") or {}
    start = graph.get("start")
    node = nodes.get(start)
    if node is None or node.get("type") != "send":
        return None
    if node.get("click_tracking", DEFAULT_CLICK_TRACKING) == FRIEND:
        return None  # every body differs: pushes, one per friend
    for index, message in enumerate(node.get("messages") or []):
        if any(name == DISPLAY_NAME for _where, name in variables_in(message, str(index))):
            return None
        if message.get("type") == "coupon":
            return None  # a coupon closed since publishing is judged per friend (nodes.send)
    following = (graph.get("edges") or {}).get(start, {}).get("next")
    if following not in nodes:
        return None  # the walk would end at the send node: rare, left to the runner
    return Shape(start, following, nodes[following].get("type") == "exit")


def _send_slice(
    account: LineAccount, journey: Journey, shape: Shape, properties: dict, now: datetime
) -> SendSlice:
    version = journey.active_version
    graph = version.graph
    messages = messages_for(
        graph["nodes"][shape.send_node],
        display_name="",  # the shape has no {displayName}
        properties=properties,
        journey_id=journey.pk,
        node_id=shape.send_node,
        friend_id=None,  # nor links tracked per friend
        signed_at=now,
    )
    return SendSlice(
        account_id=account.pk,
        journey_id=journey.pk,
        version_id=version.pk,
        send_node=shape.send_node,
        next_node=shape.next_node,
        ends_at_next=shape.ends_at_next,
        properties=properties,
        dedupe_key=dedupe_value(graph.get("entry") or {}, properties),
        goal_until=goal_until(graph, now),
        messages=messages,
        group_key=send_group_key(
            journey_id=journey.pk, node_id=shape.send_node, now=now, messages=messages
        ),
        now=now,
    )


def _sendable(
    account: LineAccount, journey: Journey, friend_ids: list[int], properties: dict, now: datetime
) -> list[tuple[int, str]]:
    """(friend id, LINE user id) of the viewers who enter and are sent to at once, in id order."""
    entrants = following_entrants(
        account=account,
        journey=journey,
        version=journey.active_version,
        friend_ids=friend_ids,
        properties=properties,
        at=now,
    )
    pairs = list(entrants.order_by("pk").values_list("pk", "line_user_id"))
    capped = frequency_capped(account=account, friend_ids=[pk for pk, _u in pairs], now=now)
    return [pair for pair in pairs if pair[0] not in capped]


def _calls_write(account: LineAccount, plan: SendSlice, pairs: list[tuple[int, str]]) -> None:
    """One bulk call per ``MULTICAST_MAX`` friends, each with its own retry key, due now."""
    rows = []
    for start in range(0, len(pairs), MULTICAST_MAX):
        chunk = pairs[start : start + MULTICAST_MAX]
        rows.append(
            JourneyBulkCall(
                account_id=plan.account_id,
                journey_id=plan.journey_id,
                version_id=plan.version_id,
                plan=plan.as_plan(),
                messages=plan.messages,
                friend_ids=[pk for pk, _user in chunk],
                line_user_ids=[user for _pk, user in chunk],
                retry_key=uuid.uuid4(),
                next_attempt_at=plan.now,
                created_at=plan.now,
            )
        )
    JourneyBulkCall.objects.for_account(account).bulk_create(rows)


def _chunks(friend_ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(friend_ids), CHUNK):
        yield list(friend_ids[start : start + CHUNK])


def _calls_write_in_chunks(
    account: LineAccount,
    journey: Journey,
    plan: SendSlice,
    friend_ids: Sequence[int],
    progress: Callable[[int], None],
) -> set[int]:
    """Judge the viewers chunk by chunk and write the sendable ones as bulk calls, each batch
    committed on its own and kicking the sender; the ids written. Only full multicasts are
    written before the last chunk (the rest waits for the next chunk's friends), so the event
    makes as few calls as one pass over everyone would."""
    taken: set[int] = set()
    waiting: list[tuple[int, str]] = []
    chunks = list(_chunks(friend_ids))
    for number, chunk in enumerate(chunks, start=1):
        waiting += _sendable(account, journey, chunk, plan.properties, plan.now)
        ready = (
            len(waiting) if number == len(chunks) else len(waiting) // MULTICAST_MAX * MULTICAST_MAX
        )
        if not ready:
            continue
        with transaction.atomic():
            _calls_write(account, plan, waiting[:ready])
            kicks.send_soon()
        taken.update(pk for pk, _user in waiting[:ready])
        progress(ready)
        waiting = waiting[ready:]
    return taken


def viewers_enrol(
    *,
    account: LineAccount,
    journey: Journey,
    friend_ids: Sequence[int],
    properties: dict,
    now: datetime,
    progress: Callable[[int], None],
) -> None:
    """Enrol ``friend_ids`` (sorted, none enrolled by this event yet) under the entry rules;
    ``progress`` is called with how many entered after each committed slice."""
    shape = bulk_shape(journey.active_version.graph)
    rest: Sequence[int] = friend_ids
    if (
        shape is not None
        and connection.vendor == "postgresql"
        and governance.quiet_until(account=account, now=now) is None
    ):
        plan = _send_slice(account, journey, shape, properties, now)
        taken = _calls_write_in_chunks(account, journey, plan, friend_ids, progress)
        rest = [pk for pk in friend_ids if pk not in taken]
    for start in range(0, len(rest), SLICE):
        entered = enrolments_start_many(
            account=account,
            journey=journey,
            friend_ids=rest[start : start + SLICE],
            properties=properties,
            now=now,
        )
        progress(entered)
