"""Giving people roles in a workspace, changing and removing them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from oa_console import audit
from oa_console.models import AuditAction, Membership, User, Workspace
from oa_console.roles import ROLE_RANK, Role
from oa_console.services._account_access import (
    account_names,
    accounts_of,
    limited_names,
    set_limited_accounts,
)


@transaction.atomic
def membership_set(
    *,
    workspace: Workspace,
    user: User,
    role: str,
    all_accounts: bool = True,
    account_ids: list[int] | None = None,
) -> Membership:
    """Give ``user`` a role in ``workspace`` (creating or updating the membership).

    Every OA unless ``all_accounts=False`` with the ``account_ids`` it is limited to.
    """
    if role not in ROLE_RANK:
        raise ValidationError({"role": _("Unknown role.")})
    accounts = accounts_of(workspace, all_accounts=all_accounts, account_ids=account_ids)
    # Writing a row, not reading one: callers in another tenant's scope (operations commands,
    # test set-ups) create it too.
    membership, created = Membership.unscoped.get_or_create(
        user=user, workspace=workspace, defaults={"role": role, "all_accounts": all_accounts}
    )
    if not created and membership.role != role:
        _guard_last_owner(membership, workspace=workspace, new_role=role)
        membership.role = role
        membership.save(update_fields=["role"])
    if not created and membership.all_accounts != all_accounts:
        membership.all_accounts = all_accounts
        membership.save(update_fields=["all_accounts"])
    set_limited_accounts(membership, accounts)
    return membership


def _guard_last_owner(
    membership: Membership, *, workspace: Workspace, new_role: str | None
) -> None:
    if membership.role != Role.OWNER or new_role == Role.OWNER:
        return
    owners = Membership.objects.for_workspace(workspace).filter(role=Role.OWNER)
    if owners.exclude(pk=membership.pk).count() == 0:
        raise ValidationError({"role": _("A workspace needs at least one owner.")})


@transaction.atomic
def membership_update(
    *,
    workspace: Workspace,
    membership_id: int,
    role: str,
    all_accounts: bool,
    account_ids: list[int] | None,
    acting_role: str,
    request: HttpRequest | None = None,
) -> Membership:
    membership = (
        Membership.objects.for_workspace(workspace)
        .select_for_update(of=("self",))
        .select_related("user")
        .get(pk=membership_id)
    )
    if role not in ROLE_RANK:
        raise ValidationError({"role": _("Unknown role.")})
    # Nobody grants or changes a role above their own: an admin cannot make an owner.
    if (
        ROLE_RANK[role] > ROLE_RANK[acting_role]
        or ROLE_RANK[membership.role] > ROLE_RANK[acting_role]
    ):
        raise ValidationError({"role": _("You cannot grant or change a role above your own.")})
    _guard_last_owner(membership, workspace=workspace, new_role=role)
    accounts = accounts_of(workspace, all_accounts=all_accounts, account_ids=account_ids)
    # "oas" as the audit log shows it: the names of a limit, empty for every OA.
    before = {
        "role": membership.role,
        "oas": [] if membership.all_accounts else limited_names(membership),
    }
    membership.role = role
    membership.all_accounts = all_accounts
    membership.save(update_fields=["role", "all_accounts"])
    set_limited_accounts(membership, accounts)
    changed = audit.changes(before, {"role": role, "oas": account_names(accounts)})
    if changed:  # saving the form unchanged is not an action worth an entry
        audit.record(
            AuditAction.MEMBER_ROLE_CHANGED,
            workspace=workspace,
            request=request,
            target=membership.user,
            target_label=membership.user.email,
            details={"changed": changed},
        )
    return membership


@transaction.atomic
def membership_remove(
    *,
    workspace: Workspace,
    membership_id: int,
    acting_role: str,
    request: HttpRequest | None = None,
) -> None:
    membership = (
        Membership.objects.for_workspace(workspace)
        .select_for_update(of=("self",))
        .select_related("user")
        .get(pk=membership_id)
    )
    if ROLE_RANK[membership.role] > ROLE_RANK[acting_role]:
        raise ValidationError(
            {"role": _("You cannot remove a member whose role is above your own.")}
        )
    _guard_last_owner(membership, workspace=workspace, new_role=None)
    audit.record(
        AuditAction.MEMBER_REMOVED,
        workspace=workspace,
        request=request,
        target=membership.user,
        target_label=membership.user.email,
        details={"role": membership.role, "oas": limited_names(membership)},
    )
    membership.delete()
