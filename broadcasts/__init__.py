"""Composing, scheduling, approving and sending broadcasts through the LINE API."""
