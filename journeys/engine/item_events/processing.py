"""Run one stored item event: enrol the viewers of its item into every active journey of the OA
whose ``item_event`` trigger names the event (and whose conditions its properties meet).

The row tracks the job: ``running`` while it enrols (``friends_matched`` and ``enrolled`` grow
journey by journey, so a page polling it shows progress), then ``done`` or ``failed`` with a
readable error. A redelivered task finds the row done and does nothing; one that finds it
running takes over only once the first run is stale (its worker died), and then skips the
friends that run already enrolled, so nobody enters twice for one event.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from journeys.engine.bulk_entrants import ITEM_EVENT_KEY, bulk_call_friends
from journeys.engine.conditions import conditions_match
from journeys.engine.item_events.bulk import viewers_enrol
from journeys.engine.item_events.viewers import item_viewers
from journeys.models import Enrolment, ItemEvent, Journey
from oa_console.models import LineAccount

logger = logging.getLogger("journeys.item_events")

# A run still "running" after this long lost its worker: the sweep or a redelivery takes over.
STALE_AFTER = timedelta(minutes=30)
# A pending event older than this was never picked up (the broker was down): sweep it.
PENDING_GRACE = timedelta(minutes=2)
SWEEP_LIMIT = 1000


def _listening_journeys(account: LineAccount, name: str) -> list[Journey]:
    return list(
        Journey.objects.for_account(account)
        .filter(
            status=Journey.Status.ACTIVE,
            active_version__graph__trigger__kind="item_event",
            active_version__graph__trigger__event=name,
        )
        .select_related("active_version")
        .order_by("pk")
    )


def _claim(
    account: LineAccount, item_event_id: int, now: datetime
) -> tuple[ItemEvent | None, bool]:
    """The event to run (None: nothing to do) and whether an earlier run got part-way."""
    with transaction.atomic():
        event = (
            ItemEvent.objects.for_account(account)
            .select_for_update()
            .filter(pk=item_event_id)
            .first()
        )
        if event is None or event.status in (ItemEvent.Status.DONE, ItemEvent.Status.FAILED):
            return None, False
        resumed = event.status == ItemEvent.Status.RUNNING
        if resumed and (event.finished_at or event.created_at) > now - STALE_AFTER:
            return None, False  # another worker is on it
        event.status = ItemEvent.Status.RUNNING
        if resumed:  # counted again from what exists, not added to the dead run's counts
            event.friends_matched = event.enrolled = 0
        # While running, ``finished_at`` holds when this run started (so staleness is known).
        event.finished_at = now
        event.save(update_fields=["status", "finished_at", "friends_matched", "enrolled"])
        return event, resumed


def item_event_process(
    *, account: LineAccount, item_event_id: int, now: datetime | None = None
) -> ItemEvent | None:
    """Enrol the event's viewers; the row (or None when there was nothing to run)."""
    now = now or timezone.now()
    event, resumed = _claim(account, item_event_id, now)
    if event is None:
        return None
    rows = ItemEvent.objects.for_account(account).filter(pk=event.pk)
    try:
        for journey in _listening_journeys(account, event.name):
            trigger = journey.active_version.graph["trigger"]
            properties = {
                **event.properties,
                trigger["item_property"]: event.item_id,
                ITEM_EVENT_KEY: event.pk,
            }
            # The item id is a property like the others: a condition may name it too.
            if not conditions_match(trigger.get("conditions", []), properties):
                continue
            viewers = item_viewers(account=account, trigger=trigger, item_id=event.item_id, now=now)
            friend_ids = set(viewers)
            already = set()
            if resumed:
                already = set(
                    Enrolment.objects.for_account(account)
                    .filter(journey=journey, **{f"trigger_properties__{ITEM_EVENT_KEY}": event.pk})
                    .values_list("friend_id", flat=True)
                ) | bulk_call_friends(
                    account=account,
                    journey_id=journey.pk,
                    item_event_id=event.pk,
                )
            rows.update(
                friends_matched=F("friends_matched") + len(friend_ids),
                enrolled=F("enrolled") + len(already),
            )
            # In slices, each committed with its progress: a page polling the row sees the
            # count grow, and a run taken over after a crash redoes one slice at most. The
            # common shape (a first send the same for everyone) is written in bulk
            # (``bulk``); anything else goes friend by friend.
            viewers_enrol(
                account=account,
                journey=journey,
                friend_ids=sorted(friend_ids - already),
                properties=properties,
                now=now,
                progress=lambda entered: rows.update(enrolled=F("enrolled") + entered),
            )
    except Exception:
        logger.exception("item event failed", extra={"item_event_id": event.pk})
        rows.update(
            status=ItemEvent.Status.FAILED,
            error=_("Enrolling the viewers of this item stopped because of an internal error."),
            finished_at=timezone.now(),
        )
        raise
    rows.update(status=ItemEvent.Status.DONE, error="", finished_at=timezone.now())
    event.refresh_from_db()
    return event


def item_events_sweep(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """(account id, item event id) of the events that no worker will run otherwise: pending
    ones the broker never delivered, running ones whose worker died."""
    now = now or timezone.now()
    # Every OA's events: the beat sweep runs before any tenant is known, and hands each id to
    # a task that reads within its own OA.
    due = ItemEvent.unscoped.filter(
        Q(status=ItemEvent.Status.PENDING, created_at__lt=now - PENDING_GRACE)
        | Q(status=ItemEvent.Status.RUNNING, finished_at__lt=now - STALE_AFTER)
    )
    return list(due.order_by("pk").values_list("account_id", "pk")[:SWEEP_LIMIT])
