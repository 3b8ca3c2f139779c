"""Item events: an event that belongs to a product (``price_dropped`` for item X), posted by the
brand once, which enrols every friend who viewed the item lately and has not bought it since.

``recording`` validates and stores a batch (each event accepted or refused on its own);
``processing`` runs one stored event in a Celery task (its progress on the row); ``viewers``
is the set-based query of the friends an event reaches.
"""

from journeys.engine.item_events.processing import item_event_process, item_events_sweep
from journeys.engine.item_events.recording import (
    MAX_ITEM_EVENTS_PER_CALL,
    ItemEventResult,
    ItemEventsReport,
    item_events_record,
)
from journeys.engine.item_events.viewers import item_viewers

__all__ = [
    "MAX_ITEM_EVENTS_PER_CALL",
    "ItemEventResult",
    "ItemEventsReport",
    "item_event_process",
    "item_events_record",
    "item_events_sweep",
    "item_viewers",
]
