"""A click on a journey send's tracked link, kept for as long as the journey.

The click is also published on the activity hub (``link_click``), where triggers and tag rules
react to it, but the hub prunes its log after ``ACTIVITY_LOG_RETENTION_DAYS``. A journey's
per-node clicks and a branch's ``clicked`` read this table instead, so a journey's figures do
not fall to zero after a month and a branch sees a click however long ago it was.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models.journey import Journey
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class JourneyClick(models.Model):
    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    # Both lead an index below, which serves their foreign-key lookups too.
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="+", db_index=False)
    node_id = models.CharField(_("node"), max_length=40)
    # Empty for a node that tracks clicks per step (``click_tracking: node``): its link is the
    # same for everyone it was sent to. A friend row that goes leaves the node's count as it was.
    friend = models.ForeignKey(
        "segments.Friend",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Emptied when the friend's personal data is erased: a journey's links are often
    # personalised (``{event.checkout_url}``).
    url = models.URLField(_("link"), max_length=1000, blank=True)
    clicked_at = models.DateTimeField(_("clicked at"))

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("journey link click")
        verbose_name_plural = _("journey link clicks")
        indexes = [
            # A journey's clicks per node (its stats page).
            models.Index(fields=["journey", "node_id"], name="journey_click_node_idx"),
            # A friend's clicks in a journey since they entered it (a branch's ``clicked``),
            # and a friend's clicks for a personal-data export or erasure.
            models.Index(
                fields=["friend", "journey", "clicked_at"], name="journey_click_friend_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.journey_id}/{self.node_id}: {self.friend_id or '-'}"
