"""Creating and deleting workspaces (the tenants)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oa_console.models import Membership, User, Workspace
from oa_console.roles import Role
from oa_console.services._common import full_clean


@transaction.atomic
def workspace_create(
    *, slug: str, name: str, kind: str = Workspace.Kind.BRAND, owner: User | None = None
) -> Workspace:
    workspace = Workspace(slug=slug, name=name, kind=kind)
    full_clean(workspace)
    if Workspace.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": _("A workspace with the slug “%(slug)s” already exists.") % {"slug": slug}}
        )
    workspace.save()
    if owner is not None:
        # The new workspace cannot be the active scope yet.
        Membership.unscoped.create(
            user=owner, workspace=workspace, role=Role.OWNER, all_accounts=True
        )
    return workspace


@transaction.atomic
def workspace_delete(*, workspace: Workspace) -> None:
    workspace.delete()
