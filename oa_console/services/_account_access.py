"""The "only these OAs" limit shared by memberships and invitations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from oa_console.models import Invitation, LineAccount, Membership, Workspace


def set_limited_accounts(instance: Membership | Invitation, accounts: list[LineAccount]) -> None:
    """Replace an M2M "limited to OAs" set through its table: the related manager would read
    LineAccount through its tenant-scoped default manager, which services must not depend on."""
    through = type(instance).accounts.through
    owner_field = type(instance)._meta.model_name
    through.objects.filter(**{owner_field: instance}).delete()
    through.objects.bulk_create(
        [through(**{owner_field: instance, "lineaccount": a}) for a in accounts]
    )


def account_names(accounts: list[LineAccount]) -> list[str]:
    """What an audit entry says about an "only these OAs" limit (empty: every OA)."""
    return sorted(account.display_name for account in accounts)


def limited_names(instance: Membership | Invitation) -> list[str]:
    through = type(instance).accounts.through
    owner_field = type(instance)._meta.model_name
    ids = through.objects.filter(**{owner_field: instance}).values_list("lineaccount_id", flat=True)
    # Named whether or not the acting member may see them: the audit entry records the limit.
    return account_names(list(LineAccount.unscoped.filter(pk__in=list(ids))))


def accounts_of(
    workspace: Workspace, *, all_accounts: bool, account_ids: list[int] | None
) -> list[LineAccount]:
    """The OAs a limited membership or invitation is for; none when it is for every OA.

    "Every OA" is an explicit choice, never inferred from an empty list: a limit with no OA
    would otherwise silently become access to the whole workspace.
    """
    if all_accounts:
        if account_ids:
            raise ValidationError({"accounts": _("Choose either every OA or some OAs, not both.")})
        return []
    if not account_ids:
        raise ValidationError(
            {"accounts": _("Choose at least one OA, or give access to every OA.")}
        )
    # Every OA of the workspace, also those a limited login cannot see: the scoped manager
    # would narrow the choice to the acting member's own OAs.
    accounts = list(LineAccount.unscoped.filter(workspace=workspace, pk__in=account_ids))
    if len(accounts) != len(set(account_ids)):
        raise ValidationError({"accounts": _("Choose OAs of this workspace.")})
    return accounts
