"""Who may change a conversation (assign, set its status, write notes): whoever may answer
its chats (``Capability.ANSWER_CHATS``: agents, marketers and up; viewers read only). The team
panel, the team API and the list of assignable members ask here, so they never disagree."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from oa_console.permissions import can
from oa_console.roles import Capability, Role, role_allows, role_at_least


def role_works_chats(role: str) -> bool:
    return role_allows(role, Capability.ANSWER_CHATS)


def may_work_chats(request: HttpRequest) -> bool:
    return can(request, Capability.ANSWER_CHATS)


def require_work_chats(request: HttpRequest) -> None:
    if not may_work_chats(request):
        raise PermissionDenied


def may_configure_team(request: HttpRequest) -> bool:
    """The OA's team settings (automatic assignment): admins and owners."""
    membership = getattr(request, "membership", None)
    return membership is not None and role_at_least(membership.role, Role.ADMIN)
