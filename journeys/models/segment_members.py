"""The members a ``segment_entered`` journey saw at its previous check of its segment.

Entering a segment is a difference between two checks, so the previous members must survive
anything a cache may lose (a flush, an eviction, a restart): kept here, one row per journey and
segment, written in the same transaction as the enrolments the difference made. The ids are
stored packed (sorted, delta-encoded, compressed): a million members take a few hundred kB.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models.journey import Journey
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class SegmentMembers(models.Model):
    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="+")
    # The saved segment's id, not a foreign key: a deleted segment leaves the journey's memory,
    # which its next check (finding no segment) no longer reads.
    segment_id = models.BigIntegerField(_("segment"))
    members = models.BinaryField(_("members"))
    member_count = models.PositiveIntegerField(_("member count"), default=0)
    checked_at = models.DateTimeField(_("checked at"))

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("segment members at the last check")
        verbose_name_plural = _("segment members at the last check")
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "segment_id"], name="uniq_journey_segment_members"
            )
        ]

    def __str__(self) -> str:
        return f"{self.journey_id}:{self.segment_id} ({self.member_count})"
