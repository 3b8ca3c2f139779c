"""Receiving LINE webhooks: signature check, the raw event store, de-duplication, rejection
counts per OA, and processing that hands each event to the services of the app that owns the
derived data (``segments.services`` for friends and interactions)."""
