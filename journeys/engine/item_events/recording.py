"""Validate and store a batch of item events; each is accepted or refused on its own.

A bad event never sinks the batch: the caller gets, per event, its index and either the stored
row's id or the reasons it was refused (per field, as segments' custom events answer). An event
with the brand's own ``id`` is stored once: posting it again answers with the first row, so a
client may resend a whole batch after a timeout. Enrolling the viewers of each stored event may
take a while, so it runs in a Celery task per event once the batch is committed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from journeys.models import ItemEvent
from oa_console.models import LineAccount
from oa_console.queueing import enqueue_best_effort
from segments.services.events import EVENT_NAME, MAX_PROPERTIES_BYTES

MAX_ITEM_EVENTS_PER_CALL = 10_000
MAX_ITEM_ID = 200
MAX_EXTERNAL_ID = 200
# More events than this in one call are handed to the worker in one fan-out task.
FAN_OUT_ABOVE = 20
FIELDS = {"name", "item_id", "properties", "occurred_at", "id"}


@dataclass
class ItemEventResult:
    """One posted event's answer: ``accepted`` (stored now), ``duplicate`` (its ``id`` was
    stored before; ``item_event_id`` is that first row) or ``refused`` (``errors`` per field)."""

    index: int
    status: str
    id: str | None = None
    item_event_id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ItemEventsReport:
    results: list[ItemEventResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result.status == status)

    @property
    def accepted(self) -> int:
        return self.count("accepted")

    @property
    def duplicates(self) -> int:
        return self.count("duplicate")

    @property
    def refused(self) -> list[ItemEventResult]:
        return [result for result in self.results if result.status == "refused"]


@dataclass(frozen=True)
class _Clean:
    index: int
    name: str
    item_id: str
    properties: dict
    occurred_at: datetime
    external_id: str


def _item_id(raw) -> str | None:
    """A product id as text: a non-empty string, or an integer (shops number their items)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        raw = str(raw)
    if isinstance(raw, str) and raw.strip() and len(raw) <= MAX_ITEM_ID:
        return raw
    return None


def _check(raw, index: int, now: datetime) -> tuple[_Clean | None, dict[str, list[str]]]:
    """One raw event, cleaned, or its errors per field."""
    if not isinstance(raw, dict):
        return None, {"event": [_("Expected an object.")]}
    errors: dict[str, list[str]] = {}
    for key in sorted(set(raw) - FIELDS):
        errors[key] = [_("Unknown field.")]
    name = raw.get("name")
    if not isinstance(name, str) or not EVENT_NAME.match(name):
        errors["name"] = [
            _("Expected a name of letters, digits and _ . : - (at most 64 characters).")
        ]
    item_id = _item_id(raw.get("item_id"))
    if item_id is None:
        errors["item_id"] = [
            _("Expected the item's id: a text or a whole number (at most %(n)s characters).")
            % {"n": MAX_ITEM_ID}
        ]
    properties = raw.get("properties", {})
    if not isinstance(properties, dict):
        errors["properties"] = [_("Expected an object.")]
    elif len(json.dumps(properties, ensure_ascii=False).encode()) > MAX_PROPERTIES_BYTES:
        errors["properties"] = [
            _("At most %(n)s bytes of properties.") % {"n": MAX_PROPERTIES_BYTES}
        ]
    occurred_at = now
    if "occurred_at" in raw:
        occurred = raw["occurred_at"]
        moment = parse_datetime(occurred) if isinstance(occurred, str) else None
        if moment is None or moment.tzinfo is None:
            errors["occurred_at"] = [_("Expected an ISO-8601 time with a UTC offset.")]
        else:
            occurred_at = moment
    external_id = raw.get("id", "")
    if "id" in raw and (
        not isinstance(external_id, str)
        or not external_id.strip()
        or len(external_id) > MAX_EXTERNAL_ID
    ):
        errors["id"] = [
            _("Expected a non-empty text of at most %(n)s characters.") % {"n": MAX_EXTERNAL_ID}
        ]
    if errors:
        return None, errors
    return _Clean(index, name, item_id, properties, occurred_at, external_id), {}


def _raw_id(raw) -> str | None:
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else None


def item_events_record(
    *, account: LineAccount, events: Sequence, now: datetime | None = None
) -> ItemEventsReport:
    """Store up to ``MAX_ITEM_EVENTS_PER_CALL`` item events of ``account`` and queue the
    enrolment of each one's viewers (after commit). More than that is a caller error
    (``ValueError``): the API answers 400 before anything is stored."""
    if len(events) > MAX_ITEM_EVENTS_PER_CALL:
        raise ValueError(f"at most {MAX_ITEM_EVENTS_PER_CALL} item events per call")
    return _store(account=account, events=events, now=now or timezone.now())


@transaction.atomic
def _store(*, account: LineAccount, events: Sequence, now: datetime) -> ItemEventsReport:
    results: dict[int, ItemEventResult] = {}
    clean: list[_Clean] = []
    for index, raw in enumerate(events):
        item, errors = _check(raw, index, now)
        if item is None:
            results[index] = ItemEventResult(index, "refused", id=_raw_id(raw), errors=errors)
        else:
            clean.append(item)
    rows = ItemEvent.objects.for_account(account)
    named = [item for item in clean if item.external_id]
    known = dict(
        rows.filter(external_id__in={item.external_id for item in named}).values_list(
            "external_id", "pk"
        )
    )
    fresh: list[_Clean] = []
    seen: set[str] = set()
    for item in clean:
        if item.external_id:
            if item.external_id in known or item.external_id in seen:
                continue  # a duplicate, answered below once the first row's id is known
            seen.add(item.external_id)
        fresh.append(item)

    def build(item: _Clean) -> ItemEvent:
        return ItemEvent(
            account=account,
            name=item.name,
            item_id=item.item_id,
            properties=item.properties,
            occurred_at=item.occurred_at,
            external_id=item.external_id,
        )

    anonymous = [item for item in fresh if not item.external_id]
    created = rows.bulk_create([build(item) for item in anonymous], batch_size=1000)
    stored_ids = []
    for item, row in zip(anonymous, created, strict=True):
        results[item.index] = ItemEventResult(item.index, "accepted", item_event_id=row.pk)
        stored_ids.append(row.pk)
    # A concurrent call with the same ids loses quietly: the first row stays, and this call
    # reports the ids it did not store as duplicates of that row.
    with_id = [item for item in fresh if item.external_id]
    before = set(rows.filter(external_id__in=seen).values_list("external_id", flat=True))
    rows.bulk_create([build(item) for item in with_id], ignore_conflicts=True, batch_size=1000)
    by_id = dict(rows.filter(external_id__in=seen).values_list("external_id", "pk"))
    known.update(by_id)
    for item in with_id:
        if item.external_id in before:
            continue
        results[item.index] = ItemEventResult(
            item.index, "accepted", id=item.external_id, item_event_id=by_id[item.external_id]
        )
        stored_ids.append(by_id[item.external_id])
    for item in named:
        if item.index not in results:
            results[item.index] = ItemEventResult(
                item.index, "duplicate", id=item.external_id, item_event_id=known[item.external_id]
            )
    transaction.on_commit(lambda: _enqueue(account, stored_ids))
    return ItemEventsReport(results=[results[index] for index in sorted(results)])


def _enqueue(account: LineAccount, item_event_ids: list[int]) -> None:
    """One task per event. A large batch is handed to one task that fans out from the worker,
    so a call of 10,000 events is answered without 10,000 broker round trips. An event the
    broker did not take stays pending, and the beat sweep hands it out."""
    from journeys.trigger_tasks import fan_out_item_events, process_item_event  # tasks import us

    if len(item_event_ids) > FAN_OUT_ABOVE:
        enqueue_best_effort(fan_out_item_events, (account.pk, item_event_ids))
        return
    for pk in item_event_ids:
        enqueue_best_effort(process_item_event, (account.pk, pk))
