"""RFM: recency, frequency and monetary value of each friend, scored 1 to 5 within the OA, and
the named cells marketers act on.

- Recency: days since the last purchase or, for a friend without purchases, the last interaction.
- Frequency: purchases in the last 90 days; an OA without any purchase data counts interactions
  (messages, postbacks, ...) instead, so engagement-only OAs still get a meaningful grid.
- Monetary: the sum of purchase amounts in the last 365 days (amounts are added as sent: an OA
  should send one currency).

Scores come from the percent rank within the OA (``1 + floor(5 * percent_rank)``, capped at 5),
computed by the database with a window function: friends with equal values get the same score,
and the many friends with no purchase share the lowest score instead of being spread over
quintiles by chance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, PercentRank
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from segments.models import CustomEvent, Friend, Interaction, RfmScore

PURCHASE = "purchase"
FREQUENCY_DAYS = 90
MONETARY_DAYS = 365
BATCH = 2000


@dataclass(frozen=True)
class Cell:
    key: str
    r: tuple[int, int]
    f: tuple[int, int]
    meaning: str | Promise


# First match wins; together they cover every (R, F) pair exactly once.
CELLS: list[Cell] = [
    Cell("champions", (4, 5), (4, 5), _("Bought recently and often.")),
    Cell("loyal", (3, 3), (4, 5), _("Buy often; not in the last weeks.")),
    Cell("potential_loyalists", (4, 5), (2, 3), _("Recent customers with a few purchases.")),
    Cell("new", (5, 5), (1, 1), _("Bought (or interacted) very recently, once.")),
    Cell("promising", (4, 4), (1, 1), _("Recent, single purchase.")),
    Cell("need_attention", (3, 3), (2, 3), _("Average recency and frequency.")),
    Cell("about_to_sleep", (3, 3), (1, 1), _("Average recency, a single purchase.")),
    Cell("cannot_lose", (1, 2), (5, 5), _("Used to buy the most; not seen for a long time.")),
    Cell("at_risk", (1, 2), (3, 4), _("Bought often, long ago.")),
    Cell("hibernating", (2, 2), (1, 2), _("Long ago, rarely.")),
    Cell("lost", (1, 1), (1, 2), _("Longest ago, rarely.")),
]


def cell_for(r: int, f: int) -> str:
    for cell in CELLS:
        if cell.r[0] <= r <= cell.r[1] and cell.f[0] <= f <= cell.f[1]:
            return cell.key
    raise ValueError(f"no RFM cell for R={r} F={f}")


def _score(percent_rank: float | None) -> int:
    return min(5, 1 + int((percent_rank or 0) * 5))


@transaction.atomic
def rfm_compute(*, account: LineAccount, now: datetime | None = None) -> int:
    """Replace the OA's RFM scores; returns how many friends were scored."""
    now = now or timezone.now()
    purchases = CustomEvent.objects.for_account(account).filter(
        name=PURCHASE, friend=OuterRef("pk")
    )
    has_purchases = CustomEvent.objects.for_account(account).filter(name=PURCHASE).exists()
    last_purchase = Subquery(
        purchases.order_by().values("friend").annotate(last=Max("occurred_at")).values("last")
    )
    if has_purchases:
        frequency = Subquery(
            purchases.filter(occurred_at__gte=now - timedelta(days=FREQUENCY_DAYS))
            .order_by()
            .values("friend")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        )
    else:
        frequency = Subquery(
            Interaction.objects.for_account(account)
            .filter(
                friend=OuterRef("pk"),
                occurred_at__gte=now - timedelta(days=FREQUENCY_DAYS),
            )
            .order_by()
            .values("friend")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        )
    monetary = Subquery(
        purchases.filter(occurred_at__gte=now - timedelta(days=MONETARY_DAYS))
        .order_by()
        .values("friend")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )
    friends = (
        Friend.objects.for_account(account)
        .annotate(
            last_seen=Coalesce(last_purchase, F("last_interaction_at")),
            frequency_value=Coalesce(frequency, Value(0)),
            monetary_value=Coalesce(
                monetary,
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            ),
        )
        .annotate(
            r_rank=Window(PercentRank(), order_by=F("last_seen").asc(nulls_first=True)),
            f_rank=Window(PercentRank(), order_by=F("frequency_value").asc()),
            m_rank=Window(PercentRank(), order_by=F("monetary_value").asc()),
        )
        .values_list(
            "pk", "last_seen", "frequency_value", "monetary_value", "r_rank", "f_rank", "m_rank"
        )
    )
    RfmScore.objects.for_account(account).delete()
    batch: list[RfmScore] = []
    total = 0
    for pk, last_seen, freq, money, r_rank, f_rank, m_rank in friends.iterator(chunk_size=BATCH):
        r = _score(r_rank) if last_seen is not None else 1
        f, m = _score(f_rank) if freq else 1, _score(m_rank) if money else 1
        batch.append(
            RfmScore(
                account=account,
                friend_id=pk,
                recency_days=max(0, (now - last_seen).days) if last_seen else None,
                frequency=freq,
                monetary=money,
                r=r,
                f=f,
                m=m,
                cell=cell_for(r, f),
                computed_at=now,
            )
        )
        if len(batch) >= BATCH:
            RfmScore.objects.for_account(account).bulk_create(batch)
            total += len(batch)
            batch = []
    RfmScore.objects.for_account(account).bulk_create(batch)
    return total + len(batch)


@dataclass(frozen=True)
class RfmGrid:
    total: int
    computed_at: datetime | None
    counts: dict[tuple[int, int], int]  # (r, f) -> friends
    cells: dict[str, int]


def rfm_grid(*, account: LineAccount) -> RfmGrid:
    scores = RfmScore.objects.filter(account=account)
    counts = {
        (r, f): n
        for r, f, n in scores.values("r", "f").annotate(n=Count("pk")).values_list("r", "f", "n")
    }
    cells = dict(scores.values("cell").annotate(n=Count("pk")).values_list("cell", "n"))
    summary = scores.aggregate(total=Count("pk"), computed_at=Max("computed_at"))
    return RfmGrid(summary["total"], summary["computed_at"], counts, cells)
