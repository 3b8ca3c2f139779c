"""Small helpers every core service shares: validating a row and hashing a secret."""

from __future__ import annotations

import hashlib

from django.db import models


def sha256_hex(value: str) -> str:
    """How tokens and API keys are stored: only their hash, never the raw value."""
    return hashlib.sha256(value.encode()).hexdigest()


def full_clean(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Field validation only: uniqueness is checked by each service with its own message."""
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
