"""Who may change a conversation (assign, set its status, write notes): every role that may
use the inbox except viewers, who read it only.

Roles are ranked and an agent ranks below a viewer, so this cannot be a minimum role in
``oa_console.roles.MINIMUM_ROLE``: it is the inbox's own rule, in one place.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from oa_console.permissions import can
from oa_console.roles import Capability, Role, role_at_least

READ_ONLY_ROLES = frozenset({Role.VIEWER})


def role_works_chats(role: str) -> bool:
    return role not in READ_ONLY_ROLES


def may_work_chats(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return (
        membership is not None
        and can(request, Capability.USE_INBOX)
        and role_works_chats(membership.role)
    )


def require_work_chats(request: HttpRequest) -> None:
    if not may_work_chats(request):
        raise PermissionDenied


def may_configure_team(request: HttpRequest) -> bool:
    """The OA's team settings (automatic assignment): admins and owners."""
    membership = getattr(request, "membership", None)
    return membership is not None and role_at_least(membership.role, Role.ADMIN)
