"""The entry rules of ``journeys.engine.enrol`` as one set-based query, for the item event's
bulk path: which of many friends, all triggered by the same event at the same moment, would
enter the journey and be sent to at once.

``enrol._entry_refusal`` judges one friend at a time in memory; with one event for every
friend (same properties, same moment, each friend once) its rules become plain conditions on
the friend and their enrolments, so 200,000 viewers are judged in one statement. Keep both in
step: ``tests/journeys/engine/test_item_events_bulk.py`` checks that they enrol the same
friends. The query only keeps friends who follow the OA and whose data is not erased (the send
node's own condition); the others are left to the per-friend path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from journeys.engine.bulk_entrants import ITEM_EVENT_KEY
from journeys.engine.enrol import dedupe_value
from journeys.models import Enrolment, Journey, JourneyBulkCall, JourneyVersion
from oa_console.models import LineAccount
from segments.models import Friend
from segments.rules.compiler import rules_compile
from segments.rules.validation import RuleContext


def following_entrants(
    *,
    account: LineAccount,
    journey: Journey,
    version: JourneyVersion,
    friend_ids: Sequence[int],
    properties: dict,
    at: datetime,
) -> QuerySet[Friend]:
    """The friends among ``friend_ids`` (PostgreSQL: passed as one array) who follow the OA and
    whom the entry rules let in for an event with ``properties`` at ``at``."""
    entry = version.graph.get("entry") or {}
    mine = Enrolment.objects.for_account(account).filter(
        journey_id=journey.pk, friend_id=OuterRef("pk")
    )
    counted = mine.filter(is_test=False)  # test runs count for dedupe keys only
    friends = Friend.objects.for_account(account).filter(
        pk__in=RawSQL("SELECT unnest(%s::bigint[])", (list(friend_ids),)),
        erased_at__isnull=True,
        status=Friend.Status.FOLLOWING,
    )
    reentry = entry.get("reentry") or {"policy": "every_time"}
    if reentry["policy"] == "once":
        friends = friends.filter(~Exists(counted))
    elif reentry["policy"] == "after_days":
        recent = counted.filter(entered_at__gt=at - timedelta(days=reentry["days"]))
        friends = friends.filter(~Exists(recent))
    key = dedupe_value(entry, properties)
    if key:
        friends = friends.filter(~Exists(mine.filter(dedupe_key=key)))
    limit = entry.get("max_concurrent")
    if limit:
        in_flight = (
            counted.filter(state__in=Enrolment.IN_FLIGHT)
            .order_by()
            .values("friend_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        friends = friends.annotate(in_flight=Coalesce(Subquery(in_flight), Value(0))).filter(
            in_flight__lt=limit
        )
    # Friends of this journey's calls not booked yet that another event made: left to the
    # per-friend path, which counts their call as an enrolment (``engine.bulk_entrants``).
    # The event's own calls hold the friends of its earlier chunks, never these.
    event_id = properties.get(ITEM_EVENT_KEY)
    others = JourneyBulkCall.objects.for_account(account).filter(journey_id=journey.pk)
    if others.exclude(**{f"plan__properties__{ITEM_EVENT_KEY}": event_id}).exists():
        in_calls = RawSQL(
            "SELECT (jsonb_array_elements_text(friend_ids))::bigint"
            f" FROM {JourneyBulkCall._meta.db_table} WHERE journey_id = %s"
            f" AND (plan -> 'properties' -> '{ITEM_EVENT_KEY}') IS DISTINCT FROM to_jsonb(%s::bigint)",
            (journey.pk, event_id),
        )
        friends = friends.exclude(pk__in=in_calls)
    if entry.get("audience"):
        context = RuleContext.for_account(account)
        friends = friends.filter(rules_compile(entry["audience"], context=context, now=at))
    return friends
