from journeys.models.bulk_call import JourneyBulkCall
from journeys.models.click import JourneyClick
from journeys.models.conversion import Conversion
from journeys.models.enrolment import Enrolment
from journeys.models.item_event import ItemEvent
from journeys.models.journey import Journey
from journeys.models.segment_members import SegmentMembers
from journeys.models.send import JourneySend
from journeys.models.step import EnrolmentStep
from journeys.models.version import JourneyVersion, VersionImmutable
from journeys.models.webhook_call import WebhookCall
from journeys.models.webhook_secret import WebhookSecret

__all__ = [
    "Conversion",
    "Enrolment",
    "EnrolmentStep",
    "ItemEvent",
    "Journey",
    "JourneyBulkCall",
    "JourneyClick",
    "JourneySend",
    "JourneyVersion",
    "SegmentMembers",
    "VersionImmutable",
    "WebhookCall",
    "WebhookSecret",
]
