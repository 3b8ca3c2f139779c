"""Reads of journeys: the OA's list, one journey, the list across OAs, enrolments and a friend's
journey timeline. Every read goes through ``for_account`` (or the workspace scope) so another
tenant's journey looks exactly like a missing one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404

from journeys.graph.nodes import NODE_TYPES
from journeys.models import Enrolment, EnrolmentStep, Journey, JourneyVersion
from oa_console.models import LineAccount, Workspace
from segments.models import Friend

TIMELINE_LIMIT = 200


def journey_list(*, account: LineAccount, status: str | None = None) -> QuerySet[Journey]:
    """The OA's journeys, most recently changed first."""
    journeys = (
        Journey.objects.for_account(account)
        .select_related("active_version", "created_by")
        .order_by("-updated_at", "-pk")
    )
    if status:
        journeys = journeys.filter(status=status)
    return journeys


def journey_get(*, account: LineAccount, pk) -> Journey:
    """One journey of the OA; Http404 for an id of another OA or none at all."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    journey = (
        Journey.objects.for_account(account)
        .select_related("active_version", "created_by", "activated_by", "paused_by")
        .filter(pk=pk)
        .first()
    )
    if journey is None:
        raise Http404
    return journey


def has_unpublished_changes(journey: Journey) -> bool:
    """The graph being drafted differs from what friends run on (an admin must activate it)."""
    return (
        journey.active_version is not None and journey.active_version.graph != journey.draft_graph
    )


def workspace_journey_list(
    *, workspace: Workspace, accounts: Iterable[LineAccount]
) -> QuerySet[Journey]:
    """The journeys of the given OAs of one workspace (an agency's overview), by OA then name.
    ``accounts`` are those the caller may see; any of another workspace is ignored."""
    account_ids = [a.pk for a in accounts if a.workspace_id == workspace.pk]
    return (
        Journey.objects.filter(account__workspace_id=workspace.pk, account_id__in=account_ids)
        .select_related("account", "active_version")
        .order_by("account__display_name", "name", "pk")
    )


def enrolment_list(
    *, account: LineAccount, journey: Journey, friend: Friend | None = None
) -> QuerySet[Enrolment]:
    """The journey's enrolments, newest first, optionally of one friend."""
    enrolments = (
        Enrolment.objects.for_account(account)
        .filter(journey_id=journey.pk)
        .select_related("friend", "version")
        .order_by("-entered_at", "-pk")
    )
    if friend is not None:
        enrolments = enrolments.filter(friend_id=friend.pk)
    return enrolments


def friend_by_ref(*, account: LineAccount, ref: str) -> Friend | None:
    """A friend of the OA by LINE user id or member id (what the API's callers know)."""
    ref = (ref or "").strip()
    if not ref:
        return None
    friends = Friend.objects.for_account(account)
    return friends.filter(line_user_id=ref).first() or friends.filter(member_id=ref).first()


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to the friend in a journey, ready to show."""

    at: datetime
    journey_id: int
    journey_name: str
    enrolment_id: int
    node_id: str
    node_label: str
    kind: str
    kind_label: str
    outlet: str
    detail: dict


def node_label(graph: dict, node_id: str) -> str:
    """The node's own label, else its type's name; empty for a node the graph lacks."""
    node = (graph.get("nodes") or {}).get(node_id) if isinstance(graph, dict) else None
    if not isinstance(node, dict):
        return ""
    if node.get("label"):
        return str(node["label"])
    node_type = NODE_TYPES.get(node.get("type"))
    return str(node_type.label) if node_type else ""


def friend_timeline(*, account: LineAccount, friend: Friend) -> list[TimelineEntry]:
    """The friend's latest journey steps (newest first), each with its journey and node. Two
    queries: the steps, then each version's graph once (not once per step)."""
    steps = list(
        EnrolmentStep.objects.for_account(account)
        .filter(friend_id=friend.pk)
        .select_related("journey", "enrolment")
        .only("at", "node_id", "kind", "outlet", "detail", "journey__name", "enrolment__version")
        .order_by("-at", "-pk")[:TIMELINE_LIMIT]
    )
    graphs = dict(
        JourneyVersion.objects.for_account(account)
        .filter(pk__in={step.enrolment.version_id for step in steps})
        .values_list("pk", "graph")
    )
    kinds = dict(EnrolmentStep.Kind.choices)
    return [
        TimelineEntry(
            at=step.at,
            journey_id=step.journey_id,
            journey_name=step.journey.name,
            enrolment_id=step.enrolment_id,
            node_id=step.node_id,
            node_label=node_label(graphs.get(step.enrolment.version_id, {}), step.node_id),
            kind=step.kind,
            kind_label=str(kinds.get(step.kind, step.kind)),
            outlet=step.outlet,
            detail=step.detail,
        )
        for step in steps
    ]
