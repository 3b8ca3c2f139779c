"""Inviting people to a workspace by e-mail, accepting and revoking invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from oa_console import audit
from oa_console.models import AuditAction, Invitation, Membership, User, Workspace
from oa_console.roles import ROLE_RANK
from oa_console.services._account_access import (
    account_names,
    accounts_of,
    limited_names,
    set_limited_accounts,
)
from oa_console.services._common import full_clean, sha256_hex
from oa_console.services.memberships import membership_set
from oa_console.services.users import user_create

INVITATION_LIFETIME = timedelta(days=7)


@transaction.atomic
def invitation_create(
    *,
    workspace: Workspace,
    email: str,
    role: str,
    invited_by: User,
    acting_role: str,
    all_accounts: bool = True,
    account_ids: list[int] | None = None,
    request: HttpRequest | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link after commit. Returns it with the raw token."""
    email = User.objects.normalize_email(email).strip().lower()
    if role not in ROLE_RANK:
        raise ValidationError({"role": _("Unknown role.")})
    if ROLE_RANK[role] > ROLE_RANK[acting_role]:
        raise ValidationError({"role": _("You cannot invite someone with a role above your own.")})
    if Membership.objects.for_workspace(workspace).filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the workspace.")})
    if (
        Invitation.objects.for_workspace(workspace)
        .filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .exists()
    ):
        raise ValidationError({"email": _("An invitation to this address is already pending.")})
    accounts = accounts_of(workspace, all_accounts=all_accounts, account_ids=account_ids)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        workspace=workspace,
        email=email,
        role=role,
        all_accounts=all_accounts,
        invited_by=invited_by,
        token_hash=sha256_hex(token),
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    full_clean(invitation, exclude=["token_hash"])
    invitation.save()
    set_limited_accounts(invitation, accounts)
    audit.record(
        AuditAction.MEMBER_INVITED,
        workspace=workspace,
        request=request,
        actor=None if request is not None else invited_by,
        target=invitation,
        target_label=email,
        details={"role": role, "oas": account_names(accounts)},
    )
    link = settings.PUBLIC_BASE_URL + reverse("invitation_accept", kwargs={"token": token})
    transaction.on_commit(lambda: _send_invitation_email(invitation, link))
    return invitation, token


def _send_invitation_email(invitation: Invitation, link: str) -> None:
    context = {"invitation": invitation, "link": link, "workspace": invitation.workspace}
    send_mail(
        subject=_("You are invited to %(workspace)s on OA Console")
        % {"workspace": invitation.workspace.name},
        message=render_to_string("oa_console/emails/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_get_open(*, token: str) -> Invitation | None:
    """The pending, unexpired invitation for a raw token, or None."""
    invitation = (
        Invitation.unscoped.select_related("workspace")
        .filter(token_hash=sha256_hex(token), accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.expires_at < timezone.now():
        return None
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None,
    new_password: str | None = None,
    request: HttpRequest | None = None,
) -> Membership:
    """Accept an invitation as an existing user, or create the invited user with a password.

    One transaction: a newcomer never ends up with a login but no membership.
    """
    invitation = (
        Invitation.objects.for_workspace(invitation.workspace)
        .select_for_update()
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at or invitation.revoked_at or invitation.expires_at < timezone.now():
        raise ValidationError(_("This invitation is no longer valid."))
    if user is None:
        user = user_create(email=invitation.email, password=new_password)
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to another e-mail address."))
    through = Invitation.accounts.through
    account_ids = list(
        through.objects.filter(invitation=invitation).values_list("lineaccount_id", flat=True)
    )
    membership = Membership.objects.for_workspace(invitation.workspace).filter(user=user).first()
    if membership is None:
        if not invitation.all_accounts and not account_ids:
            # Its OAs were all deleted since it was sent: a limit never widens to every OA.
            raise ValidationError(
                _("The OAs this invitation was for no longer exist. Ask for a new invitation.")
            )
        membership = membership_set(
            workspace=invitation.workspace,
            user=user,
            role=invitation.role,
            all_accounts=invitation.all_accounts,
            account_ids=account_ids,
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    # The newcomer is not signed in yet when a new login is made: name them, not the request.
    audit.record(
        AuditAction.INVITATION_ACCEPTED,
        workspace=invitation.workspace,
        request=request,
        actor=user,
        target=user,
        target_label=user.email,
        details={"role": membership.role, "oas": limited_names(membership)},
    )
    return membership


@transaction.atomic
def invitation_revoke(
    *, workspace: Workspace, invitation_id: int, request: HttpRequest | None = None
) -> None:
    invitation = (
        Invitation.objects.for_workspace(workspace)
        .select_for_update()
        .filter(
            pk=invitation_id,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .first()
    )
    if invitation is None:
        raise Invitation.DoesNotExist
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        AuditAction.INVITATION_REVOKED,
        workspace=workspace,
        request=request,
        target=invitation,
        target_label=invitation.email,
        details={"role": invitation.role},
    )
