"""The list pages' figures of a page of journeys, in two grouped queries whatever the page's
length: enrolled and in flight from the enrolments, conversions and revenue from the
conversions, counted as the journey's page counts them (``journey_summary``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from journeys.models import Conversion, Enrolment, Journey


@dataclass
class ListFigures:
    enrolled: int = 0
    in_flight: int = 0
    conversions: int = 0
    revenue: Decimal = Decimal(0)


def list_figures(enrolments: QuerySet, conversions: QuerySet, journeys: list[Journey]) -> None:
    """Set ``figures`` on each journey. ``enrolments`` and ``conversions`` are the tenant-scoped
    querysets the caller may read (one OA's, or a workspace's visible OAs')."""
    ids = [journey.pk for journey in journeys]
    figures = {pk: ListFigures() for pk in ids}
    rows = (
        enrolments.filter(journey_id__in=ids)
        .values("journey_id")
        .annotate(
            enrolled=Count("id"), in_flight=Count("id", filter=Q(state__in=Enrolment.IN_FLIGHT))
        )
    )
    for row in rows:
        figures[row["journey_id"]].enrolled = row["enrolled"]
        figures[row["journey_id"]].in_flight = row["in_flight"]
    converted = (
        conversions.filter(journey_id__in=ids)
        .values("journey_id")
        .annotate(count=Count("id"), revenue=Sum("revenue"))
    )
    for row in converted:
        figures[row["journey_id"]].conversions = row["count"]
        figures[row["journey_id"]].revenue = row["revenue"] or Decimal(0)
    for journey in journeys:
        journey.figures = figures[journey.pk]


def account_list_figures(*, account, journeys: list[Journey]) -> None:
    list_figures(
        Enrolment.objects.for_account(account), Conversion.objects.for_account(account), journeys
    )


def workspace_list_figures(*, journeys: list[Journey]) -> None:
    """Across OAs: the scoped managers keep the rows to the OAs this member may see."""
    list_figures(Enrolment.objects.all(), Conversion.objects.all(), journeys)
