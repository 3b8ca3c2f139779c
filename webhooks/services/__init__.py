"""Webhook writes: receiving (verify, parse, store) and processing (derive, via other apps)."""

from webhooks.services.processing import (
    webhook_events_process_pending,
    webhook_events_replay,
    webhook_events_reprocess_failed,
    webhook_events_sweep,
)
from webhooks.services.receiving import (
    MAX_BODY_BYTES,
    Envelope,
    ParsedEvent,
    StoreResult,
    WebhookRejected,
    webhook_envelope_parse,
    webhook_events_store,
    webhook_rejection_record,
    webhook_request_receive,
    webhook_signature,
    webhook_signature_valid,
    webhook_test_event_send,
)

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
