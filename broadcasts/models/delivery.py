"""Who got a broadcast (the ``Delivery`` view over the batches' recipient lists) and who was
held back."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from broadcasts.models.batch import BroadcastBatch
from broadcasts.models.broadcast import Broadcast
from broadcasts.models.variant import BroadcastVariant
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class Delivery(models.Model):
    """One friend in one broadcast, read from its batch's recipient lists (a database view,
    never written): the basis of results, of A/B variant results, of the frequency cap and of
    the ``received_broadcast`` segment field. Planning numbers each following friend into
    exactly one batch, so a friend appears once per broadcast (and in one A/B arm). ``id`` is
    the batch id times 10^8 plus the friend's position in the batch, or, for a narrowcast's
    recipient chunks, 5 x 10^18 plus the chunk id times 10^5 plus the position in the chunk."""

    id = models.BigIntegerField(primary_key=True)
    account = models.ForeignKey(
        LineAccount, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.DO_NOTHING, related_name="deliveries", db_constraint=False
    )
    batch = models.ForeignKey(
        BroadcastBatch, on_delete=models.DO_NOTHING, related_name="deliveries", db_constraint=False
    )
    friend = models.ForeignKey(
        "segments.Friend", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    line_user_id = models.CharField(max_length=40)
    # The A/B arm this friend got: its batch's (null without variants).
    variant = models.ForeignKey(
        BroadcastVariant,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        managed = False
        db_table = "broadcasts_delivery"

    def __str__(self) -> str:
        return f"{self.broadcast_id} → {self.line_user_id}"


class HeldBack(models.Model):
    """A friend the audience matched but who gets nothing: over the frequency cap (for a LINE
    broadcast or narrowcast these go to LINE as an excluded audience), in the holdout, or outside
    an A/B test's share (they wait for the winner)."""

    class Reason(models.TextChoices):
        CAP = "cap", _("Frequency cap")
        HOLDOUT = "holdout", _("Holdout")
        AWAITING_WINNER = "awaiting", _("Waiting for the A/B winner")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="held_back")
    friend = models.ForeignKey("segments.Friend", on_delete=models.CASCADE, related_name="+")
    line_user_id = models.CharField(max_length=40)
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.CAP)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "friend"], name="uniq_held_back_friend")
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id} ✕ {self.line_user_id}"


def delivered_deliveries(*, account: LineAccount, since=None) -> models.QuerySet:
    """Deliveries LINE accepted for sure: their batch was accepted, and the broadcast was not
    a demographic narrowcast (LINE narrows those further; who got one is not known)."""
    deliveries = Delivery.objects.for_account(account).filter(
        batch__status=BroadcastBatch.Status.ACCEPTED,
        broadcast__demographic__isnull=True,
    )
    if since is not None:
        deliveries = deliveries.filter(batch__sent_at__gt=since)
    return deliveries


def delivered_receipts(account: LineAccount, since) -> models.QuerySet:
    """The broadcasts friends received after ``since``, one row per friend and broadcast, as
    the frequency cap counts them (``segments.registries.message_receipts``)."""
    return delivered_deliveries(account=account, since=since).values("friend_id")
