"""Reads of A/B tests: each variant's recipients, deliveries and unique clicks, its click rate
with a 95% Wilson interval, and a plain statement of whether the leader's lead is significant."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from broadcasts.messages import tracked_urls
from broadcasts.models import Broadcast, BroadcastBatch, BroadcastVariant, Click, HeldBack
from broadcasts.stats import significance_threshold, two_proportion_p_value, wilson_interval


@dataclass(frozen=True)
class VariantResult:
    variant: BroadcastVariant
    recipients: int
    delivered: int
    unique_clicks: int
    p_value: float | None = None  # against the leader (None for the leader itself)
    significant: bool | None = None  # the leader's lead over this variant

    @property
    def click_rate(self) -> float | None:
        return self.unique_clicks / self.delivered if self.delivered else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.unique_clicks, self.delivered)


@dataclass(frozen=True)
class VariantResults:
    rows: list[VariantResult]
    leader: BroadcastVariant | None
    waiting: int  # friends who got no variant and wait for the winner
    significant: bool  # the leader beats every other variant significantly
    verdict: str
    followups: list[Broadcast] = field(default_factory=list)


def _verdict(
    rows: list[VariantResult], leader: VariantResult | None, threshold: float, *, tracked: bool
) -> str:
    if leader is None and not tracked:
        return _(
            "This A/B test has no tracked links (or link tracking is off), so its variants "
            "went out by multicast and cannot be compared by clicks."
        )
    if leader is None:
        return _("No clicks yet: there is no leader to judge.")
    others = [row for row in rows if row is not leader]
    if all(row.significant for row in others):
        return _(
            "Variant %(label)s wins: its click rate is significantly higher than every other "
            "variant's (two-proportion z-test, p < %(threshold)s each)."
        ) % {"label": leader.variant.label, "threshold": f"{threshold:.3g}"}
    unsure = ", ".join(row.variant.label for row in others if not row.significant)
    return _(
        "No significant difference yet: variant %(label)s leads, but not significantly over "
        "%(others)s (p ≥ %(threshold)s); the lead may be chance. Wait for more clicks or test "
        "on a larger share."
    ) % {"label": leader.variant.label, "others": unsure, "threshold": f"{threshold:.3g}"}


def broadcast_variant_results(*, broadcast: Broadcast) -> VariantResults:
    """Per-variant results; click rate = unique clicking friends / delivered recipients."""
    variants = list(
        BroadcastVariant.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast)
        .order_by("position")
    )
    # Each batch carries its variant and its recipients: one friend per push, or up to 500
    # of one arm's friends per multicast (an A/B test without tracked links).
    accepted = Q(status=BroadcastBatch.Status.ACCEPTED)
    counts = {
        row["variant"]: row
        for row in BroadcastBatch.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast, variant__isnull=False)
        .values("variant")
        .annotate(
            recipients=Coalesce(Sum("size"), 0), delivered=Coalesce(Sum("size", filter=accepted), 0)
        )
    }
    clicks = dict(
        Click.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast, friend__isnull=False, variant__isnull=False)
        .values("variant")
        .annotate(friends=Count("friend", distinct=True))
        .values_list("variant", "friends")
    )
    rows = [
        VariantResult(
            variant=variant,
            recipients=counts.get(variant.pk, {}).get("recipients", 0),
            delivered=counts.get(variant.pk, {}).get("delivered", 0),
            unique_clicks=clicks.get(variant.pk, 0),
        )
        for variant in variants
    ]
    rated = [row for row in rows if row.click_rate]
    leader = max(rated, key=lambda row: (row.click_rate, -row.variant.position), default=None)
    threshold = significance_threshold(len(rows) - 1)
    if leader is not None:
        rows = [row if row is leader else _compared(row, leader, threshold) for row in rows]
        leader = next(row for row in rows if row.variant.pk == leader.variant.pk)
    significant = leader is not None and all(r.significant for r in rows if r is not leader)
    return VariantResults(
        rows=rows,
        leader=leader.variant if leader else None,
        waiting=HeldBack.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast, reason=HeldBack.Reason.AWAITING_WINNER)
        .count(),
        significant=significant,
        verdict=_verdict(
            rows,
            leader,
            threshold,
            tracked=broadcast.track_clicks
            and any(tracked_urls(variant.messages) for variant in variants),
        ),
        followups=list(
            Broadcast.objects.for_account(broadcast.account)
            .filter(winner_of=broadcast)
            .exclude(status=Broadcast.Status.CANCELLED)
            .order_by("pk")
        ),
    )


def _compared(row: VariantResult, leader: VariantResult, threshold: float) -> VariantResult:
    p_value = two_proportion_p_value(
        leader.unique_clicks, leader.delivered, row.unique_clicks, row.delivered
    )
    return VariantResult(
        variant=row.variant,
        recipients=row.recipients,
        delivered=row.delivered,
        unique_clicks=row.unique_clicks,
        p_value=p_value,
        significant=p_value is not None and p_value < threshold,
    )
