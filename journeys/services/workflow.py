"""The journey state machine: draft → submitted → active ⇄ paused → archived.

Marketers draft and submit; admins and owners activate (publishing the graph being drafted as a
new immutable version), resume and archive. Every transition locks the journey row, checks the
state it starts from, and commits with its audit entry in one transaction, so two clicks (or a
click and the system pausing a disconnected OA) cannot both move it.
"""

from __future__ import annotations

import copy

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from journeys.models import Enrolment, Journey, JourneyVersion
from journeys.services.access import ACTIVATE, DRAFT, require_role
from journeys.services.errors import GraphInvalid, JourneyError, StrandedFriends
from journeys.services.journeys import locked, strict_problems
from oa_console import audit
from oa_console.models import AuditAction, LineAccount, User

S = Journey.Status
PAUSE_REASON_MAX = Journey._meta.get_field("paused_reason").max_length


def _guard(journey: Journey, allowed: tuple[str, ...], message: str) -> None:
    """Refuse a transition that does not apply, saying what state the journey is in."""
    if journey.status not in allowed:
        raise JourneyError(
            _("%(message)s The journey is %(status)s.")
            % {"message": message, "status": journey.get_status_display().lower()},
            "wrong_state",
        )


def _validated(account: LineAccount, journey: Journey) -> None:
    problems = strict_problems(account=account, journey_id=journey.pk, graph=journey.draft_graph)
    if problems:
        raise GraphInvalid(problems)


@transaction.atomic
def journey_submit(
    *, account: LineAccount, journey: Journey, user: User | None, request=None
) -> Journey:
    """Ask an admin to activate: a draft becomes ``submitted``; an edit of an active or paused
    journey is submitted as it is (the journey keeps running its published version meanwhile,
    ``submitted_at`` later than ``activated_at`` says an edit awaits activation). Only a graph
    that can be published is submitted."""
    require_role(account=account, user=user, minimum=DRAFT)
    journey = locked(account=account, journey=journey)
    _guard(journey, (S.DRAFT, S.ACTIVE, S.PAUSED), _("Only a draft or an edit can be submitted."))
    running = journey.status != S.DRAFT
    if running and (
        journey.active_version is None or journey.active_version.graph == journey.draft_graph
    ):
        raise JourneyError(_("There is no edit to submit: the journey runs this graph."), "no_edit")
    _validated(account, journey)
    if not running:
        journey.status = S.SUBMITTED
    journey.submitted_by = user
    journey.submitted_at = timezone.now()
    journey.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    audit.record_on_object(
        AuditAction.JOURNEY_SUBMITTED, journey, request=request, acting_user=user
    )
    return journey


def _stranded(account: LineAccount, journey: Journey, node_ids: set[str]) -> tuple[int, list[str]]:
    """In-flight friends on nodes missing from ``node_ids``: how many, and on which nodes."""
    rows = (
        Enrolment.objects.for_account(account)
        .filter(journey=journey, state__in=Enrolment.IN_FLIGHT)
        .exclude(node_id__in=node_ids)
        .values("node_id")
        .annotate(count=Count("pk"))
        .order_by("node_id")
    )
    counted = {row["node_id"]: row["count"] for row in rows}
    return sum(counted.values()), sorted(counted)


def _publish(account: LineAccount, journey: Journey, user: User | None) -> JourneyVersion:
    """The draft as the next version; friends in flight move to it in one UPDATE (their node
    ids all survive: ``_stranded`` was checked first, under the journey's lock)."""
    graph = copy.deepcopy(journey.draft_graph)
    nodes = graph.get("nodes") or {}
    count, node_ids = _stranded(account, journey, set(nodes))
    if count:
        raise StrandedFriends(count, node_ids)
    versions = JourneyVersion.objects.for_account(account).filter(journey=journey)
    number = (versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = JourneyVersion.objects.for_account(account).create(
        account=account, journey=journey, number=number, graph=graph, created_by=user
    )
    Enrolment.objects.for_account(account).filter(
        journey=journey, state__in=Enrolment.IN_FLIGHT
    ).exclude(version=version).update(version=version)
    return version


@transaction.atomic
def journey_activate(
    *, account: LineAccount, journey: Journey, user: User | None, request=None
) -> Journey:
    """Validate strictly and publish the graph being drafted (unless it is what already runs),
    then let friends enter. Refused with ``StrandedFriends`` when friends in flight sit on
    nodes the new graph removes; nothing changes then."""
    require_role(account=account, user=user, minimum=ACTIVATE)
    journey = locked(account=account, journey=journey)
    _guard(
        journey,
        (S.DRAFT, S.SUBMITTED, S.ACTIVE, S.PAUSED),
        _("An archived journey cannot be activated."),
    )
    current = journey.active_version
    unchanged = current is not None and current.graph == journey.draft_graph
    if journey.status == S.ACTIVE and unchanged:
        raise JourneyError(_("The journey already runs this version."), "already_active")
    _validated(account, journey)
    if not unchanged:
        journey.active_version = _publish(account, journey, user)
    journey.status = S.ACTIVE
    journey.activated_by = user
    journey.activated_at = timezone.now()
    journey.paused_reason = ""
    journey.save()
    audit.record_on_object(
        AuditAction.JOURNEY_ACTIVATED, journey, request=request, acting_user=user
    )
    return journey


@transaction.atomic
def journey_pause(
    *,
    account: LineAccount,
    journey: Journey,
    user: User | None = None,
    reason: str = "",
    request=None,
) -> Journey:
    """Stop enrolling and advancing friends (they stay where they are). ``reason`` says why
    when the console pauses it itself (the LINE channel is disconnected)."""
    require_role(account=account, user=user, minimum=DRAFT)
    journey = locked(account=account, journey=journey)
    _guard(journey, (S.ACTIVE,), _("Only an active journey can be paused."))
    journey.status = S.PAUSED
    journey.paused_by = user
    journey.paused_at = timezone.now()
    journey.paused_reason = (reason or "").strip()[:PAUSE_REASON_MAX]
    journey.save(update_fields=["status", "paused_by", "paused_at", "paused_reason", "updated_at"])
    details = {"comment": journey.paused_reason} if journey.paused_reason else {}
    audit.record_on_object(
        AuditAction.JOURNEY_PAUSED, journey, request=request, acting_user=user, details=details
    )
    return journey


@transaction.atomic
def journey_resume(
    *, account: LineAccount, journey: Journey, user: User | None, request=None
) -> Journey:
    """Carry on with the published version; waits that fell due meanwhile run at once."""
    require_role(account=account, user=user, minimum=ACTIVATE)
    journey = locked(account=account, journey=journey)
    _guard(journey, (S.PAUSED,), _("Only a paused journey can be resumed."))
    if journey.active_version_id is None:
        raise JourneyError(_("The journey has never been activated."), "never_active")
    journey.status = S.ACTIVE
    journey.paused_reason = ""
    journey.save(update_fields=["status", "paused_reason", "updated_at"])
    audit.record_on_object(AuditAction.JOURNEY_RESUMED, journey, request=request, acting_user=user)
    return journey


@transaction.atomic
def journey_archive(
    *, account: LineAccount, journey: Journey, user: User | None, request=None
) -> Journey:
    """End the journey for good: friends in flight leave it (``archived``); its statistics
    stay."""
    require_role(account=account, user=user, minimum=ACTIVATE)
    journey = locked(account=account, journey=journey)
    _guard(
        journey,
        (S.DRAFT, S.SUBMITTED, S.ACTIVE, S.PAUSED),
        _("The journey is archived already."),
    )
    now = timezone.now()
    (
        Enrolment.objects.for_account(account)
        .filter(journey=journey, state__in=Enrolment.IN_FLIGHT)
        .update(
            state=Enrolment.State.EXITED,
            exit_reason="archived",
            ended_at=now,
            next_run_at=None,
            waiting_for="",
        )
    )
    journey.status = S.ARCHIVED
    journey.archived_by = user
    journey.archived_at = now
    journey.save(update_fields=["status", "archived_by", "archived_at", "updated_at"])
    audit.record_on_object(AuditAction.JOURNEY_ARCHIVED, journey, request=request, acting_user=user)
    return journey
