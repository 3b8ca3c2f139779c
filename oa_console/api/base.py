"""Base API view: resolves what the caller may see, so every endpoint is tenant-scoped.

A bearer API key acts for its workspace with its role; a browser session acts through the
user's memberships. An OA outside those is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.views import APIView

from oa_console import logging as request_logging
from oa_console.api.authentication import ApiKeyPrincipal
from oa_console.models import LineAccount, Workspace
from oa_console.roles import Capability, role_allows
from oa_console.selectors import membership_account_ids, membership_list_for_user
from oa_console.tenancy import TenantScope, activate_scope, deactivate_scope
from oa_console.two_factor.selectors import has_two_factor


@dataclass(frozen=True)
class Grant:
    """Access to one workspace: the role, and the OA ids when limited (None = all)."""

    workspace_id: int
    role: str
    account_ids: frozenset[int] | None

    def covers(self, account: LineAccount) -> bool:
        return account.workspace_id == self.workspace_id and (
            self.account_ids is None or account.pk in self.account_ids
        )


def workspaces_awaiting_two_factor(user) -> frozenset[int]:
    """The workspaces a browser session may not use through the API yet: their owner requires
    two-factor sign-in and this user has not set it up (pages send them to set-up instead).
    API keys are not users: never limited by it."""
    if isinstance(user, ApiKeyPrincipal) or not user.is_authenticated:
        return frozenset()
    required = frozenset(
        m.workspace_id
        for m in membership_list_for_user(user=user)
        if m.workspace.two_factor_required
    )
    if not required or has_two_factor(user=user):
        return frozenset()
    return required


def grants_for(user) -> list[Grant]:
    if isinstance(user, ApiKeyPrincipal):
        return [Grant(user.api_key.workspace_id, user.api_key.role, None)]
    return [
        Grant(m.workspace_id, m.role, membership_account_ids(membership=m))
        for m in membership_list_for_user(user=user)
    ]


class TenantApiView(APIView):
    """Subclasses call ``self.get_account(id)`` and ``self.require(capability)``.

    A view whose GET answers pages sets ``pagination_class`` and calls ``self.paginate(items)``:
    the schema documents the envelope and ``page``/``page_size`` from that attribute alone.
    """

    pagination_class: type[BasePagination] | None = None
    # Agents reach only the operations that set this (the chats): every other one needs
    # ``Capability.READ_ALL_PAGES``, as the pages do (``permissions.agent_page``).
    agent_allowed: bool = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.awaiting_two_factor = workspaces_awaiting_two_factor(request.user)
        self.grants = [
            grant
            for grant in grants_for(request.user)
            if grant.workspace_id not in self.awaiting_two_factor
        ]
        self.grant: Grant | None = None
        self._scope_token = None

    def dispatch(self, request, *args, **kwargs):
        # DRF skips finalize_response when an exception escapes its handler (a 500): the
        # scope must not outlive the request in this thread either way.
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            self._release_scope()

    def finalize_response(self, request, response, *args, **kwargs):
        self._release_scope()
        return super().finalize_response(request, response, *args, **kwargs)

    def _release_scope(self) -> None:
        if getattr(self, "_scope_token", None) is not None:
            deactivate_scope(self._scope_token)
            self._scope_token = None

    def paginate(self, items) -> list:
        """One page of ``items`` (``self.paginator`` then answers the envelope)."""
        if self.pagination_class is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} pages its answer: set pagination_class so the schema "
                "documents the page envelope."
            )
        self.paginator = self.pagination_class()
        return self.paginator.paginate_queryset(items, self.request, view=self)

    def paginated_response(self, data) -> Response:
        """The page envelope (``count``, ``next``, ``previous``, ``results``) around ``data``."""
        return self.paginator.get_paginated_response(data)

    def visible_accounts(self):
        """Every OA the caller may see, across its grants (an unscoped read, filtered here)."""
        from django.db.models import Q

        condition = Q(pk__in=[])
        for grant in self.grants:
            if grant.account_ids is None:
                condition |= Q(workspace_id=grant.workspace_id)
            else:
                condition |= Q(workspace_id=grant.workspace_id, pk__in=grant.account_ids)
        return LineAccount.unscoped.filter(condition).select_related("workspace")

    def get_account(self, account_id) -> LineAccount:
        """The OA with this id if the caller may see it, else 404; activates its tenant scope."""
        try:
            account_id = int(account_id)
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        account = LineAccount.unscoped.select_related("workspace").filter(pk=account_id).first()
        if account is not None:
            self._refuse_without_two_factor(account.workspace_id)
        grant = next((g for g in self.grants if account is not None and g.covers(account)), None)
        if grant is None:
            raise Http404
        self._refuse_role_without_pages(grant)
        self.grant = grant
        self._release_scope()  # a second look-up replaces the first scope, never stacks
        self._scope_token = activate_scope(
            TenantScope(workspace=account.workspace, account_ids=grant.account_ids, account=account)
        )
        request_logging.bind(workspace=account.workspace.slug, account=account.slug)
        return account

    def get_workspace(self, workspace_slug: str) -> Workspace:
        """The workspace with this slug if the caller has a grant in it, else 404; activates
        its tenant scope (workspace-wide, narrowed to a limited grant's OAs)."""
        grant = None
        workspace = Workspace.objects.filter(slug=str(workspace_slug)).first()
        if workspace is not None:
            self._refuse_without_two_factor(workspace.pk)
            grant = next((g for g in self.grants if g.workspace_id == workspace.pk), None)
        if grant is None:
            raise Http404
        self._refuse_role_without_pages(grant)
        self.grant = grant
        self._release_scope()  # a second look-up replaces the first scope, never stacks
        self._scope_token = activate_scope(
            TenantScope(workspace=workspace, account_ids=grant.account_ids)
        )
        request_logging.bind(workspace=workspace.slug)
        return workspace

    def _refuse_role_without_pages(self, grant: Grant) -> None:
        """403 for an agent outside the chat operations (after the 404 of a hidden OA)."""
        if not self.agent_allowed and not role_allows(grant.role, Capability.READ_ALL_PAGES):
            raise PermissionDenied

    def _refuse_without_two_factor(self, workspace_id: int) -> None:
        if workspace_id in self.awaiting_two_factor:
            raise PermissionDenied(
                _(
                    "This workspace requires two-factor sign-in of every member: set it up under "
                    "Security first."
                ),
                code="two_factor_setup_required",
            )

    def require(self, capability: Capability) -> None:
        if self.grant is None or not role_allows(
            self.grant.role, capability, limited=self.grant.account_ids is not None
        ):
            raise PermissionDenied


class AccountApiView(TenantApiView):
    """Base of every operation under ``accounts/<account_id>/``.

    The OA is resolved and its tenant scope activated before the handler runs (404 when the
    caller may not see it, exactly like a missing one), so handlers start from ``self.account``
    and never look the account up by hand.
    """

    account_url_kwarg = "account_id"
    account: LineAccount

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.account = self.get_account(kwargs.get(self.account_url_kwarg))


class WorkspaceApiView(TenantApiView):
    """Base of every operation under ``workspaces/<workspace>/``: ``self.workspace`` is resolved
    and scoped before the handler (404 when the caller has no grant in it)."""

    workspace_url_kwarg = "workspace"
    workspace: Workspace

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.workspace = self.get_workspace(kwargs.get(self.workspace_url_kwarg))
