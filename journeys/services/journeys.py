"""Drafting journeys: create (blank or from a starter), edit the graph being drafted, delete.

The builder saves drafts that still have problems (a marketer works node by node), so
``journey_update`` validates only when asked (``strict=True``); activation always validates.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from journeys.graph.context import CheckContext
from journeys.graph.validation import validate_graph
from journeys.models import Journey, JourneyVersion
from journeys.services.access import DRAFT, require_role
from journeys.services.copying import journey_copy
from journeys.services.errors import GraphInvalid, JourneyError
from journeys.starters import STARTERS
from oa_console import audit
from oa_console.models import AuditAction, LineAccount, User

__all__ = [
    "BLANK_GRAPH",
    "journey_copy",
    "journey_create",
    "journey_delete",
    "journey_update",
    "locked",
]

S = Journey.Status
NAME_MAX = Journey._meta.get_field("name").max_length

# What "start from scratch" opens in the builder: enrolled by the API, ends at once. A graph
# that validates, so the builder starts with no problems shown.
BLANK_GRAPH: dict[str, Any] = {
    "version": 1,
    "trigger": {"kind": "api"},
    "entry": {"following_only": True, "reentry": {"policy": "every_time"}},
    "start": "end",
    "nodes": {"end": {"type": "exit"}},
    "edges": {},
}


def locked(*, account: LineAccount, journey: Journey) -> Journey:
    """The journey re-read under a row lock, within ``account`` (another OA's is a 404 upstream
    and a DoesNotExist here)."""
    return Journey.objects.for_account(account).select_for_update().get(pk=journey.pk)


def _clean_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise JourneyError(_("Give the journey a name."), "name_required")
    if len(name) > NAME_MAX:
        raise JourneyError(
            _("A journey's name can have at most %(limit)s characters.") % {"limit": NAME_MAX},
            "name_too_long",
        )
    return name


def strict_problems(*, account: LineAccount, journey_id: int | None, graph: Any) -> list:
    """Every problem of ``graph`` for this OA (its tags, attributes and journeys)."""
    return validate_graph(graph, context=CheckContext.for_account(account, journey_id=journey_id))


@transaction.atomic
def journey_create(
    *,
    account: LineAccount,
    user: User | None,
    name: str,
    starter: str | None = None,
    graph: dict | None = None,
    strict: bool = False,
    request=None,
) -> Journey:
    """A new draft: from a starter's graph, from a given graph, or blank. ``strict`` refuses a
    given graph with problems (the API's default) instead of saving it to fix later."""
    require_role(account=account, user=user, minimum=DRAFT)
    name = _clean_name(name)
    if starter is not None and graph is not None:
        raise JourneyError(
            _("Start from a template or give a graph, not both."), "starter_and_graph"
        )
    if starter is not None:
        if starter not in STARTERS:
            raise JourneyError(_("There is no such template."), "unknown_starter")
        draft = STARTERS[starter].graph()
    elif graph is not None:
        if strict:
            problems = strict_problems(account=account, journey_id=None, graph=graph)
            if problems:
                raise GraphInvalid(problems)
        draft = copy.deepcopy(graph)
    else:
        draft = copy.deepcopy(BLANK_GRAPH)
    journey = Journey.objects.for_account(account).create(
        account=account, name=name, draft_graph=draft, created_by=user
    )
    # Only detail keys the audit log can read in every language (oa_console.audit.display).
    audit.record_on_object(
        AuditAction.JOURNEY_CREATED,
        journey,
        request=request,
        acting_user=user,
        details={"name": name},
    )
    return journey


@transaction.atomic
def journey_update(
    *,
    account: LineAccount,
    journey: Journey,
    user: User | None,
    name: str | None = None,
    graph: dict | None = None,
    strict: bool = False,
    request=None,
) -> Journey:
    """Edit the name or the graph being drafted. An active journey keeps running on its
    published version until an admin activates the edit."""
    require_role(account=account, user=user, minimum=DRAFT)
    journey = locked(account=account, journey=journey)
    if journey.status == S.ARCHIVED:
        raise JourneyError(_("An archived journey cannot be edited."), "archived")
    before = {"name": journey.name}
    if name is not None:
        journey.name = _clean_name(name)
    if graph is not None:
        if strict:
            problems = strict_problems(account=account, journey_id=journey.pk, graph=graph)
            if problems:
                raise GraphInvalid(problems)
        journey.draft_graph = copy.deepcopy(graph)
    journey.save()
    changed = audit.changes(before, {"name": journey.name})
    details: dict[str, Any] = {"changed": changed} if changed else {}
    audit.record_on_object(
        AuditAction.JOURNEY_EDITED, journey, request=request, acting_user=user, details=details
    )
    return journey


@transaction.atomic
def journey_delete(
    *, account: LineAccount, journey: Journey, user: User | None, request=None
) -> None:
    """Only a journey no friend ever ran on: anything published stays for its statistics
    (archive it instead)."""
    require_role(account=account, user=user, minimum=DRAFT)
    journey = locked(account=account, journey=journey)
    if (
        journey.active_version_id is not None
        or JourneyVersion.objects.for_account(account).filter(journey=journey).exists()
    ):
        raise JourneyError(
            _("A journey that has been active cannot be deleted; archive it instead."),
            "was_active",
        )
    audit.record_on_object(
        AuditAction.JOURNEY_DELETED,
        journey,
        request=request,
        acting_user=user,
        details={"name": journey.name},
    )
    journey.delete()
