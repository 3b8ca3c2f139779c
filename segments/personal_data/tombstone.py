"""Tombstones of erased friends: a salted hash of the OA and the LINE user id.

The hash lets the console recognise the same person later (a late or redelivered webhook event
from before the erasure is not recorded again) and prove the erasure to them, without keeping
their id. The salt is secret (``settings.PERSONAL_DATA_SALT``), so the hash of a known id
cannot be checked by anyone reading the database alone.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings

from oa_console.models import LineAccount
from segments.models import FriendErasure


def _salt() -> bytes:
    configured = getattr(settings, "PERSONAL_DATA_SALT", "")
    if configured:
        return configured.encode()
    # Development default: derived, never the SECRET_KEY itself.
    return hashlib.sha256(b"oa-console personal-data salt:" + settings.SECRET_KEY.encode()).digest()


def subject_hash(*, account_id: int, line_user_id: str) -> str:
    message = f"{account_id}:{line_user_id}".encode()
    return hmac.new(_salt(), message, hashlib.sha256).hexdigest()


def erased_since(*, account: LineAccount, line_user_ids: Iterable[str]) -> dict[str, datetime]:
    """For each of these users erased in this OA, when they were last erased (one query)."""
    hashes = {subject_hash(account_id=account.pk, line_user_id=uid): uid for uid in line_user_ids}
    if not hashes:
        return {}
    found: dict[str, datetime] = {}
    rows = FriendErasure.objects.for_account(account).filter(subject_hash__in=list(hashes))
    for digest, erased_at in rows.values_list("subject_hash", "erased_at"):
        uid = hashes[digest]
        if uid not in found or erased_at > found[uid]:
            found[uid] = erased_at
    return found
