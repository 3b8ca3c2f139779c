"""Reads for tenancy: which workspaces and OAs a user or API key may see."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet

from oa_console.models import ApiKey, Invitation, LineAccount, Membership, User, Workspace
from oa_console.tenancy import require_scope
from oa_console.two_factor.selectors import confirmed_totp_exists


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """Every membership of a user across workspaces (the workspace picker)."""
    return (
        Membership.unscoped.filter(user=user)
        .select_related("workspace")
        .order_by("workspace__name")
    )


def membership_get(*, user: User, workspace_slug: str) -> Membership | None:
    return (
        Membership.unscoped.select_related("workspace")
        .filter(user=user, workspace__slug=workspace_slug)
        .first()
    )


def membership_account_ids(*, membership: Membership) -> frozenset[int] | None:
    """The OA ids a limited membership may see; None only when it is for every OA.

    A limited membership whose OAs were all deleted gets an empty set and sees nothing: the
    limit fails closed instead of widening to the whole workspace.
    """
    if membership.all_accounts:
        return None
    through = Membership.accounts.through
    return frozenset(
        through.objects.filter(membership_id=membership.pk).values_list("lineaccount_id", flat=True)
    )


def account_list() -> QuerySet[LineAccount]:
    """The OAs visible in the current scope (respects a limited membership)."""
    return LineAccount.objects.select_related("workspace").order_by("display_name")


def account_get_for_job(*, account_id: int) -> LineAccount | None:
    """The OA a Celery task or management command was given by id, with its workspace; None
    when it was deleted meanwhile.

    The one read such a job makes before it knows its tenant (hence the unscoped manager, in
    this one place): everything after it reads with ``objects.for_account(account)`` or
    inside ``tenant_scope(...)``."""
    return LineAccount.unscoped.select_related("workspace").filter(pk=account_id).first()


def account_get_by_slug(
    *, workspace: Workspace, slug: str, account_ids: frozenset[int] | None
) -> LineAccount | None:
    account = (
        LineAccount.unscoped.select_related("workspace")
        .filter(workspace=workspace, slug=slug)
        .first()
    )
    if account is None or (account_ids is not None and account.pk not in account_ids):
        return None
    return account


def member_list() -> QuerySet[Membership]:
    """The workspace's members, each with ``two_factor``: whether they sign in with a second
    factor (the members page shows it; owners decide on requiring it from it)."""
    require_scope()
    return (
        Membership.objects.select_related("user")
        .prefetch_related("accounts")
        .annotate(two_factor=confirmed_totp_exists(OuterRef("user")))
        .order_by("user__email")
    )


def invitation_list_pending() -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .prefetch_related("accounts")
    )


def api_key_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("created_by").order_by("revoked_at", "-created_at")
