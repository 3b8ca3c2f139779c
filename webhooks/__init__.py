"""Receiving LINE webhooks: signature check, raw event store, de-duplication and processing."""
