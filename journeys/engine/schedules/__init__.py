"""Time-driven triggers: a scheduled segment, a date attribute, a segment entry. Beat sweeps
each minute (``journey_triggers_due``) and a task per due journey runs it
(``journey_trigger_run``), enrolling through ``enrolments_start_many`` once per slot."""

from journeys.engine.schedules.runs import (
    SCHEDULED_KINDS,
    date_attribute_run,
    journey_trigger_run,
    journey_triggers_due,
    scheduled_segment_run,
)
from journeys.engine.schedules.segment_entered import segment_entered_run
from journeys.engine.schedules.slots import GRACE, current_slot

__all__ = [
    "GRACE",
    "SCHEDULED_KINDS",
    "current_slot",
    "date_attribute_run",
    "journey_trigger_run",
    "journey_triggers_due",
    "scheduled_segment_run",
    "segment_entered_run",
]
