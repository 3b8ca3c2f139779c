"""Per-bubble impressions and per-URL clicks of a broadcast request (Insight API message
events)."""

from __future__ import annotations

from django.db import models

from insights.models.sync import BroadcastRequest
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class BroadcastBubbleStat(models.Model):
    """One message bubble of a broadcast or narrowcast request, as LINE's message event counts
    it (``messages[]``; ``seq`` numbers the bubbles from 1, ``position`` is the place in LINE's
    list, which identifies the row even if a ``seq`` were missing or repeated). Every figure is null when LINE withheld it below its
    privacy threshold of 20; media figures are also null for a bubble without video or audio,
    which LINE does not tell apart. Rewritten whole on each fetch (``broadcast_details_store``).
    """

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(BroadcastRequest, on_delete=models.CASCADE, related_name="bubbles")
    position = models.PositiveSmallIntegerField()
    seq = models.PositiveSmallIntegerField(null=True, blank=True)
    impressions = models.BigIntegerField(null=True, blank=True)
    media_played = models.BigIntegerField(null=True, blank=True)
    media_played_25 = models.BigIntegerField(null=True, blank=True)
    media_played_50 = models.BigIntegerField(null=True, blank=True)
    media_played_75 = models.BigIntegerField(null=True, blank=True)
    media_played_100 = models.BigIntegerField(null=True, blank=True)
    unique_media_played = models.BigIntegerField(null=True, blank=True)
    unique_media_played_25 = models.BigIntegerField(null=True, blank=True)
    unique_media_played_50 = models.BigIntegerField(null=True, blank=True)
    unique_media_played_75 = models.BigIntegerField(null=True, blank=True)
    unique_media_played_100 = models.BigIntegerField(null=True, blank=True)
    fetched_at = models.DateTimeField()

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="uniq_broadcast_bubble"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} bubble {self.number}"

    @property
    def number(self) -> int:
        """The bubble's number as LINE counts it (from 1)."""
        return self.seq if self.seq is not None else self.position + 1


class BroadcastUrlStat(models.Model):
    """One opened URL of a broadcast or narrowcast request (``clicks[]`` of the message event).

    ``position`` is the URL's place in LINE's list: LINE's ``seq`` and ``url`` may both repeat
    (two links to one URL), so neither identifies a row. Null figures were withheld below 20.
    """

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(BroadcastRequest, on_delete=models.CASCADE, related_name="urls")
    position = models.PositiveSmallIntegerField()
    seq = models.PositiveSmallIntegerField(null=True, blank=True)
    url = models.TextField()
    clicks = models.BigIntegerField(null=True, blank=True)
    unique_clicks = models.BigIntegerField(null=True, blank=True)
    unique_clicks_of_request = models.BigIntegerField(null=True, blank=True)
    fetched_at = models.DateTimeField()

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="uniq_broadcast_url"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.url}"
