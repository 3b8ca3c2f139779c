"""The figures drawn on a journey's flow: per node, the funnel, conversion per split arm.

Each figure is one grouped query over the whole journey (all versions: node ids that survive
an edit keep their history), never one query per node, so a stats page costs the same for a
journey of 5 nodes or 50. Sources: the step journal (entered, passed per outlet), enrolments
(waiting now), sends (sent, delivered, held), conversions (count and revenue, attributed to
the node of the last send before the goal), and the clicks on the links of each send node
(``JourneyClick``: kept as long as the journey, unlike the activity hub's log).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from journeys.models import (
    Conversion,
    Enrolment,
    EnrolmentStep,
    Journey,
    JourneyClick,
    JourneySend,
)
from journeys.selectors.intervals import difference_interval, wilson_interval
from journeys.selectors.journeys import node_label
from oa_console.models import LineAccount

CONTROL_ARM = "control"
SendStatus = JourneySend.Status


@dataclass
class NodeStats:
    entered: int = 0
    waiting: int = 0  # friends waiting on the node now
    in_flight: int = 0  # friends on the node now, waiting or about to move on
    passed: dict[str, int] = field(default_factory=dict)  # per outlet
    sent: int = 0  # messages the node tried to send (not held back)
    delivered: int = 0  # accepted by LINE
    held: int = 0  # held back by the frequency cap or dropped in quiet hours
    failed: int = 0
    clicks: int = 0
    conversions: int = 0  # goals whose last send was this node's
    revenue: Decimal = Decimal(0)


def _graph(journey: Journey) -> dict:
    if journey.active_version_id is not None:
        return journey.active_version.graph
    return journey.draft_graph or {}


def node_stats(*, account: LineAccount, journey: Journey) -> dict[str, NodeStats]:
    """Every node's figures, keyed by node id (nodes of the graph first, then any that only
    older versions had)."""
    stats: dict[str, NodeStats] = defaultdict(NodeStats)
    for node_id in _graph(journey).get("nodes") or {}:
        stats[node_id]
    steps = (
        EnrolmentStep.objects.for_account(account)
        .filter(journey_id=journey.pk, kind__in=["entered", "passed"])
        .values("node_id", "kind", "outlet")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in steps:
        node = stats[row["node_id"]]
        if row["kind"] == "entered":
            node.entered += row["count"]
        else:
            node.passed[row["outlet"]] = node.passed.get(row["outlet"], 0) + row["count"]
    here = (
        Enrolment.objects.for_account(account)
        .filter(journey_id=journey.pk, state__in=Enrolment.IN_FLIGHT)
        .values("node_id")
        .annotate(count=Count("pk"), waiting=Count("pk", filter=Q(state=Enrolment.State.WAITING)))
        .order_by()
    )
    for row in here:
        stats[row["node_id"]].in_flight = row["count"]
        stats[row["node_id"]].waiting = row["waiting"]
    sends = (
        JourneySend.objects.for_account(account)
        .filter(journey_id=journey.pk)
        .values("node_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in sends:
        node, count = stats[row["node_id"]], row["count"]
        if row["status"] in (SendStatus.CAPPED, SendStatus.DROPPED):
            node.held += count
            continue
        node.sent += count
        if row["status"] == SendStatus.SENT:
            node.delivered += count
        elif row["status"] == SendStatus.FAILED:
            node.failed += count
    conversions = (
        Conversion.objects.for_account(account)
        .filter(journey_id=journey.pk, last_send__isnull=False)
        .values("last_send__node_id")
        .annotate(count=Count("pk"), revenue=Sum("revenue"))
        .order_by()
    )
    for row in conversions:
        node = stats[row["last_send__node_id"]]
        node.conversions, node.revenue = row["count"], row["revenue"] or Decimal(0)
    clicks = (
        JourneyClick.objects.for_account(account)
        .filter(journey_id=journey.pk)
        .values("node_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in clicks:
        stats[row["node_id"]].clicks = row["count"]
    return dict(stats)


@dataclass(frozen=True)
class JourneySummary:
    enrolled: int
    in_flight: int
    completed: int
    exited: int
    failed: int
    converted: int
    revenue: Decimal

    @property
    def conversion_rate(self) -> float | None:
        return self.converted / self.enrolled if self.enrolled else None


def journey_summary(*, account: LineAccount, journey: Journey) -> JourneySummary:
    """The journey's totals: two queries."""
    states = (
        Enrolment.objects.for_account(account)
        .filter(journey_id=journey.pk)
        .aggregate(
            enrolled=Count("pk"),
            in_flight=Count("pk", filter=Q(state__in=Enrolment.IN_FLIGHT)),
            completed=Count("pk", filter=Q(state=Enrolment.State.COMPLETED)),
            exited=Count("pk", filter=Q(state=Enrolment.State.EXITED)),
            failed=Count("pk", filter=Q(state=Enrolment.State.FAILED)),
        )
    )
    goals = (
        Conversion.objects.for_account(account)
        .filter(journey_id=journey.pk)
        .aggregate(converted=Count("pk"), revenue=Sum("revenue"))
    )
    return JourneySummary(
        **states, converted=goals["converted"], revenue=goals["revenue"] or Decimal(0)
    )


@dataclass(frozen=True)
class FunnelStep:
    key: str  # "enrolled", a send node's id, or "converted"
    label: str
    count: int
    share: float | None  # of the enrolled


def _send_nodes_in_order(graph: dict) -> list[str]:
    """The graph's send nodes in the order a friend meets them (breadth first from start,
    branches side by side)."""
    nodes, edges = graph.get("nodes") or {}, graph.get("edges") or {}
    order, seen, queue = [], set(), [graph.get("start")]
    while queue:
        node_id = queue.pop(0)
        if node_id in seen or node_id not in nodes:
            continue
        seen.add(node_id)
        if nodes[node_id].get("type") == "send":
            order.append(node_id)
        queue.extend(target for target in (edges.get(node_id) or {}).values())
    return order


def journey_funnel(*, account: LineAccount, journey: Journey) -> list[FunnelStep]:
    """Enrolled, then each send node's delivered messages, then converted."""
    graph = _graph(journey)
    summary = journey_summary(account=account, journey=journey)
    order = _send_nodes_in_order(graph)
    delivered = dict(
        JourneySend.objects.for_account(account)
        .filter(journey_id=journey.pk, node_id__in=order, status=SendStatus.SENT)
        .values("node_id")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("node_id", "count")
    )
    enrolled = summary.enrolled

    def share(count: int) -> float | None:
        return count / enrolled if enrolled else None

    steps = [FunnelStep("enrolled", _("Enrolled"), enrolled, share(enrolled))]
    for node_id in order:
        count = delivered.get(node_id, 0)
        steps.append(FunnelStep(node_id, node_label(graph, node_id), count, share(count)))
    steps.append(
        FunnelStep("converted", _("Converted"), summary.converted, share(summary.converted))
    )
    return steps


@dataclass(frozen=True)
class ArmConversion:
    arm: str
    enrolled: int
    converted: int
    revenue: Decimal
    rate: float | None
    interval: tuple[float, float] | None  # Wilson 95 %
    is_control: bool
    difference: float | None  # rate minus the control's
    difference_interval: tuple[float, float] | None


def arm_conversions(*, account: LineAccount, journey: Journey) -> list[ArmConversion]:
    """Conversion per split arm (the control first), each against the control; empty for a
    journey without a split."""
    enrolled = dict(
        Enrolment.objects.for_account(account)
        .filter(journey_id=journey.pk)
        .exclude(arm="")
        .values("arm")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("arm", "count")
    )
    goals = {
        row["arm"]: row
        for row in Conversion.objects.for_account(account)
        .filter(journey_id=journey.pk)
        .exclude(arm="")
        .values("arm")
        .annotate(count=Count("pk"), revenue=Sum("revenue"))
        .order_by()
    }
    arms = sorted(set(enrolled) | set(goals), key=lambda arm: (arm != CONTROL_ARM, arm))
    control_n = enrolled.get(CONTROL_ARM, 0)
    control_k = goals.get(CONTROL_ARM, {}).get("count", 0)
    results = []
    for arm in arms:
        n, row = enrolled.get(arm, 0), goals.get(arm, {})
        k = row.get("count", 0)
        is_control = arm == CONTROL_ARM
        versus = (
            None
            if is_control or CONTROL_ARM not in enrolled
            else difference_interval(k, n, control_k, control_n)
        )
        results.append(
            ArmConversion(
                arm=arm,
                enrolled=n,
                converted=k,
                revenue=row.get("revenue") or Decimal(0),
                rate=k / n if n else None,
                interval=wilson_interval(k, n),
                is_control=is_control,
                difference=versus[0] if versus else None,
                difference_interval=versus[1] if versus else None,
            )
        )
    return results
