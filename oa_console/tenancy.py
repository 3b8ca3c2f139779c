"""The tenant scope: which workspace and OA channel the current code may see.

Tenant-owned models use a fail-closed default manager: reading them without a scope raises
``TenantScopeMissing`` instead of silently returning every tenant's rows. The request middleware
sets the scope from the URL (through the user's memberships); Celery tasks and management
commands set it explicitly with ``tenant_scope(...)``. Code that really must cross tenants (the
middleware resolving a URL, the admin, ops commands) uses the explicitly named ``unscoped``
manager, which makes every such place easy to find.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from oa_console.models import LineAccount, Workspace


class TenantScopeMissing(RuntimeError):
    """Raised when tenant data is read with no tenant scope set (a bug, never user error)."""


class TenantScopeMismatch(RuntimeError):
    """Raised when code asks for one tenant's rows while another tenant's scope is active."""


@dataclass(frozen=True)
class TenantScope:
    """What the current request or job may see.

    ``account_ids`` is None when every OA of the workspace is visible, otherwise the ids of
    the OAs a limited membership (an agency's client login) may see. ``account`` is set on
    pages and jobs about one OA.
    """

    workspace: Workspace
    account_ids: frozenset[int] | None = None
    account: LineAccount | None = None

    def allows_account(self, account_id: int) -> bool:
        return self.account_ids is None or account_id in self.account_ids


_current_scope: contextvars.ContextVar[TenantScope | None] = contextvars.ContextVar(
    "oa_console_tenant_scope", default=None
)


def current_scope() -> TenantScope | None:
    return _current_scope.get()


def require_scope() -> TenantScope:
    scope = _current_scope.get()
    if scope is None:
        raise TenantScopeMissing(
            "Tenant data was read without a tenant scope. Wrap the code in tenant_scope(...) "
            "or use the model's `unscoped` manager if crossing tenants is intended."
        )
    return scope


@contextmanager
def tenant_scope(
    *,
    workspace: Workspace,
    account: LineAccount | None = None,
    account_ids: frozenset[int] | None = None,
) -> Iterator[TenantScope]:
    """Run a block with a tenant scope (tasks, commands, tests)."""
    if account is not None and account.workspace_id != workspace.pk:
        raise ValueError("account does not belong to workspace")
    scope = TenantScope(workspace=workspace, account=account, account_ids=account_ids)
    token = _current_scope.set(scope)
    try:
        yield scope
    finally:
        _current_scope.reset(token)


def activate_scope(scope: TenantScope | None) -> contextvars.Token:
    """Set the scope for the rest of a request; the caller resets it with the returned token."""
    return _current_scope.set(scope)


def deactivate_scope(token: contextvars.Token) -> None:
    _current_scope.reset(token)


class WorkspaceScopedManager(models.Manager):
    """Default manager for rows owned by a workspace (OA channels, members, API keys)."""

    def get_queryset(self) -> models.QuerySet:
        scope = require_scope()
        queryset = super().get_queryset().filter(workspace_id=scope.workspace.pk)
        if self.model._meta.model_name == "lineaccount" and scope.account_ids is not None:
            queryset = queryset.filter(pk__in=scope.account_ids)
        return queryset

    def for_workspace(self, workspace: Workspace) -> models.QuerySet:
        """The rows of this one workspace, with or without an active scope (which must be the
        same workspace's if set)."""
        scope = current_scope()
        if scope is not None and scope.workspace.pk != workspace.pk:
            raise TenantScopeMismatch(
                f"{self.model.__name__} rows of workspace {workspace.pk} were read inside "
                "another tenant's scope."
            )
        if scope is not None:
            return self.get_queryset()  # the same workspace, narrowed to a limited login's OAs
        return super().get_queryset().filter(workspace_id=workspace.pk)


def _scope_covers(scope: TenantScope, account: LineAccount) -> bool:
    if scope.account is not None:
        return scope.account.pk == account.pk
    return scope.workspace.pk == account.workspace_id and scope.allows_account(account.pk)


class AccountScopedManager(models.Manager):
    """Default manager for rows owned by one OA channel (friends, events, imports, broadcasts).

    With an OA in scope only its rows are visible; with only a workspace in scope (portfolio
    pages) the rows of every OA the membership may see.
    """

    def get_queryset(self) -> models.QuerySet:
        scope = require_scope()
        queryset = super().get_queryset()
        if scope.account is not None:
            return queryset.filter(account_id=scope.account.pk)
        queryset = queryset.filter(account__workspace_id=scope.workspace.pk)
        if scope.account_ids is not None:
            queryset = queryset.filter(account_id__in=scope.account_ids)
        return queryset

    def for_account(self, account: LineAccount) -> models.QuerySet:
        """The rows of this one OA: the read every service and selector taking ``account=`` makes.

        It needs no active scope (Celery tasks and services pass the account explicitly), but an
        active scope that cannot see this OA is a bug and raises instead of leaking rows.
        """
        scope = current_scope()
        if scope is not None and not _scope_covers(scope, account):
            raise TenantScopeMismatch(
                f"{self.model.__name__} rows of OA {account.pk} were read inside another "
                "tenant's scope."
            )
        return super().get_queryset().filter(account_id=account.pk)


class UnscopedManager(models.Manager):
    """The explicit escape hatch: every tenant, no scope needed.

    For code that must cross tenants on purpose (URL resolution, admin, ops commands, and
    creating rows). Searching for ``.unscoped`` lists every such place.
    """
