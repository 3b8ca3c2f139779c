"""Broadcast tables: the broadcast and its workflow, its A/B variants, its LINE calls (batches),
who got it (deliveries) and tracked clicks. Each OA's sending rules (frequency cap, quiet
hours) live in segments (``segments.models.SendingRules``), shared with journeys.

Who a broadcast addresses is stored on its batches, not in a row per friend: each batch (one
LINE call) carries ``friend_ids`` and ``line_user_ids``, parallel JSON lists of its recipients
(≤ 500 for a multicast, 1 for a push, none for a LINE broadcast or a demographic-only
narrowcast; the audience of a narrowcast or LINE broadcast is in ``RecipientChunk`` rows of
10,000 under its batch), and, in an A/B test, the
``variant`` all of them get (a batch never mixes arms: one friend per push, or up to 500 of
one arm's friends per multicast when the test needs no per-friend message). Planning a
million recipients is then 2,000 inserted rows, and a send reads its ``to`` from the row it has
locked.

``Delivery`` is a read-only view over those lists (one row per batch and recipient, with the
batch's variant; created by migration 0009 for PostgreSQL and SQLite), so results, variant
results, the frequency cap and the segments ``received_broadcast`` field keep querying
deliveries with the ORM. Whether a delivery was delivered is its batch's status (see
``delivered_deliveries``).

One module per entity: ``broadcast``, ``variant``, ``batch`` (batches, recipient chunks),
``delivery`` (deliveries, held back), ``click``.
"""

from broadcasts.models.batch import BroadcastBatch, RecipientChunk
from broadcasts.models.broadcast import Broadcast
from broadcasts.models.click import Click
from broadcasts.models.delivery import (
    Delivery,
    HeldBack,
    delivered_deliveries,
    delivered_receipts,
)
from broadcasts.models.variant import BroadcastVariant

__all__ = [
    "Broadcast",
    "BroadcastBatch",
    "BroadcastVariant",
    "Click",
    "Delivery",
    "HeldBack",
    "RecipientChunk",
    "delivered_deliveries",
    "delivered_receipts",
]
