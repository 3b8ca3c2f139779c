"""Webhook writes, one module per concern: ``signature`` (LINE's request signature),
``envelope`` (parsing a verified body and its limits), ``storage`` (storing events with
de-duplication, counting refused requests), ``receiving`` (the request from LINE's POST to our
answer, and scheduling processing), ``processing`` (deriving, via other apps) and ``retention``.
"""

from webhooks.services.envelope import (
    MAX_BODY_BYTES,
    Envelope,
    ParsedEvent,
    WebhookRejected,
    webhook_envelope_parse,
)
from webhooks.services.processing import (
    webhook_events_process_pending,
    webhook_events_replay,
    webhook_events_reprocess_failed,
    webhook_events_sweep,
)
from webhooks.services.receiving import (
    webhook_events_store,
    webhook_request_receive,
    webhook_test_event_send,
)
from webhooks.services.signature import webhook_signature, webhook_signature_valid
from webhooks.services.storage import StoreResult, webhook_rejection_record

__all__ = [
    "MAX_BODY_BYTES",
    "Envelope",
    "ParsedEvent",
    "StoreResult",
    "WebhookRejected",
    "webhook_envelope_parse",
    "webhook_events_process_pending",
    "webhook_events_replay",
    "webhook_events_reprocess_failed",
    "webhook_events_store",
    "webhook_events_sweep",
    "webhook_rejection_record",
    "webhook_request_receive",
    "webhook_signature",
    "webhook_signature_valid",
    "webhook_test_event_send",
]
