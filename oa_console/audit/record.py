"""Writing audit entries."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import models
from django.http import HttpRequest

from oa_console.models import AuditAction, AuditEntry, LineAccount, User, Workspace
from oa_console.throttle import client_address

# The actor label of what the console did on its own (a scheduled send nobody is known to
# have started, the nightly retention): the page shows it translated.
SYSTEM_ACTOR = "system"


def _actor_of(request: HttpRequest | None) -> tuple[User | None, Any, str]:
    """The signed-in user or the API key behind a request (DRF's request wraps Django's)."""
    if request is None:
        return None, None, ""
    user = getattr(request, "user", None)
    api_key = getattr(user, "api_key", None)
    if api_key is not None:
        return None, api_key, f"API key {api_key.name} ({api_key.prefix}…)"
    if user is not None and getattr(user, "is_authenticated", False):
        return user, None, user.email
    return None, None, ""


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def record(
    action: AuditAction | str,
    *,
    workspace: Workspace,
    request: HttpRequest | None = None,
    actor: User | None = None,
    account: LineAccount | None = None,
    target: models.Model | None = None,
    target_label: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one action. ``request`` supplies the actor (user or API key), address and
    browser; ``actor`` names the user when there is no request (a management command, a task
    acting for someone). ``target`` is the object acted on; its text is kept as the label."""
    request_user, api_key, actor_label = _actor_of(request)
    user = actor or request_user
    if actor is not None:
        actor_label = actor.email
    elif request is None:
        actor_label = SYSTEM_ACTOR
    http_request = getattr(request, "_request", request)
    # Writing for the workspace the caller names, also where no tenant is in scope yet
    # (sign-in, invitations, a new workspace) or another one is (operations commands).
    return AuditEntry.unscoped.create(
        workspace=workspace,
        account=account,
        account_label=str(account)[:120] if account is not None else "",
        actor=user,
        api_key=api_key,
        actor_label=actor_label[:254],
        action=str(action),
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:200],
        details=details or {},
        ip_address=_address(http_request),
        user_agent=(
            http_request.headers.get("User-Agent", "")[:200] if http_request is not None else ""
        ),
    )


def record_on_object(
    action: AuditAction | str,
    target: models.Model,
    *,
    request: HttpRequest | None,
    acting_user: User | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record an action on one OA's named object (a segment, a broadcast): its OA and
    workspace, the object as the target and its name as the label. Without a request (the
    demo, a command, a task) ``acting_user`` is the actor; with one, the request's user is."""
    account = target.account
    return record(
        action,
        workspace=account.workspace,
        request=request,
        actor=acting_user if request is None else None,
        account=account,
        target=target,
        target_label=getattr(target, "name", ""),
        details=details,
    )


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value differs, as ``{field: [old, new]}`` (JSON-safe values only):
    what an "edited" entry's details say. Never pass secrets here, only their field names."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def record_export(
    request: HttpRequest,
    *,
    export: str,
    account: LineAccount | None = None,
    target: models.Model | None = None,
    target_label: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """A download of people's data (``export`` names which: ``friends``, ``segment_members``,
    ``skipped_rows``, ``unknown_ids``, ``audit_log``), recorded when the download is handed
    out. The workspace is the request's (the page's tenant)."""
    return record(
        AuditAction.DATA_EXPORTED,
        workspace=request.workspace,
        request=request,
        account=account,
        target=target,
        target_label=target_label,
        details={"export": export, **(details or {})},
    )
