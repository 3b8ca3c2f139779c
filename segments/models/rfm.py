"""Recency, frequency and monetary scores per friend."""

from __future__ import annotations

from django.db import models

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager
from segments.models.friends import Friend


class RfmScore(models.Model):
    """The latest RFM scores of one friend (1 to 5 each, by quintile within the OA)."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.OneToOneField(Friend, on_delete=models.CASCADE, related_name="rfm")
    recency_days = models.PositiveIntegerField(null=True, blank=True)
    frequency = models.PositiveIntegerField(default=0)
    monetary = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    r = models.PositiveSmallIntegerField()
    f = models.PositiveSmallIntegerField()
    m = models.PositiveSmallIntegerField()
    cell = models.CharField(max_length=24)
    computed_at = models.DateTimeField()

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        # Both carry the friend so that a segment on cells or scores reads only the index; in
        # the cell index it is a key, so one cell's friends come in id order and are merged
        # with the OA's friends (friend_segment_count_idx) instead of hashed.
        indexes = [
            models.Index(fields=["account", "cell", "friend"], name="rfm_cell_idx"),
            models.Index(
                fields=["account", "r", "f", "m"], include=["friend"], name="rfm_scores_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.friend_id}: R{self.r} F{self.f} M{self.m} ({self.cell})"
