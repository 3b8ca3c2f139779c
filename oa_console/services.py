"""Writes for tenancy: workspaces, users, memberships, invitations, OA channels and API keys.

Every function is keyword-only and atomic, and raises ``django.core.exceptions.ValidationError``
with field names for bad input, so pages, the API and management commands report it the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from oa_console import audit
from oa_console.models import (
    ApiKey,
    AuditAction,
    Invitation,
    LineAccount,
    Membership,
    User,
    Workspace,
)
from oa_console.roles import ROLE_RANK, Role

API_KEY_PREFIX = "oak"
INVITATION_LIFETIME = timedelta(days=7)
# Writing last_used_at on every API call would turn reads into writes; once a minute is plenty.
API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _full_clean(instance, *, exclude: list[str] | None = None) -> None:
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


# Workspaces ---------------------------------------------------------------------------------


@transaction.atomic
def workspace_create(
    *, slug: str, name: str, kind: str = Workspace.Kind.BRAND, owner: User | None = None
) -> Workspace:
    workspace = Workspace(slug=slug, name=name, kind=kind)
    _full_clean(workspace)
    if Workspace.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": _("A workspace with the slug “%(slug)s” already exists.") % {"slug": slug}}
        )
    workspace.save()
    if owner is not None:
        Membership.unscoped.create(
            user=owner, workspace=workspace, role=Role.OWNER, all_accounts=True
        )
    return workspace


@transaction.atomic
def workspace_delete(*, workspace: Workspace) -> None:
    workspace.delete()


# Users and memberships ------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *, email: str, password: str | None, first_name: str = "", last_name: str = ""
) -> User:
    email = User.objects.normalize_email(email).lower()
    user = User(email=email, username=email, first_name=first_name, last_name=last_name)
    _full_clean(user, exclude=["password", "username"])
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this e-mail address already exists.")})
    if password:
        from django.contrib.auth.password_validation import validate_password

        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def _set_limited_accounts(instance: Membership | Invitation, accounts: list[LineAccount]) -> None:
    """Replace an M2M "limited to OAs" set through its table: the related manager would read
    LineAccount through its tenant-scoped default manager, which services must not depend on."""
    through = type(instance).accounts.through
    owner_field = type(instance)._meta.model_name
    through.objects.filter(**{owner_field: instance}).delete()
    through.objects.bulk_create(
        [through(**{owner_field: instance, "lineaccount": a}) for a in accounts]
    )


def _account_names(accounts: list[LineAccount]) -> list[str]:
    """What an audit entry says about an "only these OAs" limit (empty: every OA)."""
    return sorted(account.display_name for account in accounts)


def _limited_names(instance: Membership | Invitation) -> list[str]:
    through = type(instance).accounts.through
    owner_field = type(instance)._meta.model_name
    ids = through.objects.filter(**{owner_field: instance}).values_list("lineaccount_id", flat=True)
    return _account_names(list(LineAccount.unscoped.filter(pk__in=list(ids))))


def _accounts_of(
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
    accounts = list(LineAccount.unscoped.filter(workspace=workspace, pk__in=account_ids))
    if len(accounts) != len(set(account_ids)):
        raise ValidationError({"accounts": _("Choose OAs of this workspace.")})
    return accounts


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
    accounts = _accounts_of(workspace, all_accounts=all_accounts, account_ids=account_ids)
    membership, created = Membership.unscoped.get_or_create(
        user=user, workspace=workspace, defaults={"role": role, "all_accounts": all_accounts}
    )
    if not created and membership.role != role:
        _guard_last_owner(membership, new_role=role)
        membership.role = role
        membership.save(update_fields=["role"])
    if not created and membership.all_accounts != all_accounts:
        membership.all_accounts = all_accounts
        membership.save(update_fields=["all_accounts"])
    _set_limited_accounts(membership, accounts)
    return membership


def _guard_last_owner(membership: Membership, *, new_role: str | None) -> None:
    if membership.role != Role.OWNER or new_role == Role.OWNER:
        return
    owners = Membership.unscoped.filter(workspace_id=membership.workspace_id, role=Role.OWNER)
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
        Membership.unscoped.select_for_update(of=("self",))
        .select_related("user")
        .get(workspace=workspace, pk=membership_id)
    )
    if role not in ROLE_RANK:
        raise ValidationError({"role": _("Unknown role.")})
    # Nobody grants or changes a role above their own: an admin cannot make an owner.
    if (
        ROLE_RANK[role] > ROLE_RANK[acting_role]
        or ROLE_RANK[membership.role] > ROLE_RANK[acting_role]
    ):
        raise ValidationError({"role": _("You cannot grant or change a role above your own.")})
    _guard_last_owner(membership, new_role=role)
    accounts = _accounts_of(workspace, all_accounts=all_accounts, account_ids=account_ids)
    # "oas" as the audit log shows it: the names of a limit, empty for every OA.
    before = {
        "role": membership.role,
        "oas": [] if membership.all_accounts else _limited_names(membership),
    }
    membership.role = role
    membership.all_accounts = all_accounts
    membership.save(update_fields=["role", "all_accounts"])
    _set_limited_accounts(membership, accounts)
    changed = audit.changes(before, {"role": role, "oas": _account_names(accounts)})
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
        Membership.unscoped.select_for_update(of=("self",))
        .select_related("user")
        .get(workspace=workspace, pk=membership_id)
    )
    if ROLE_RANK[membership.role] > ROLE_RANK[acting_role]:
        raise ValidationError(
            {"role": _("You cannot remove a member whose role is above your own.")}
        )
    _guard_last_owner(membership, new_role=None)
    audit.record(
        AuditAction.MEMBER_REMOVED,
        workspace=workspace,
        request=request,
        target=membership.user,
        target_label=membership.user.email,
        details={"role": membership.role, "oas": _limited_names(membership)},
    )
    membership.delete()


# Invitations --------------------------------------------------------------------------------


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
    if Membership.unscoped.filter(workspace=workspace, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the workspace.")})
    if Invitation.unscoped.filter(
        workspace=workspace, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        raise ValidationError({"email": _("An invitation to this address is already pending.")})
    accounts = _accounts_of(workspace, all_accounts=all_accounts, account_ids=account_ids)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        workspace=workspace,
        email=email,
        role=role,
        all_accounts=all_accounts,
        invited_by=invited_by,
        token_hash=_sha256(token),
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    _full_clean(invitation, exclude=["token_hash"])
    invitation.save()
    _set_limited_accounts(invitation, accounts)
    audit.record(
        AuditAction.MEMBER_INVITED,
        workspace=workspace,
        request=request,
        actor=None if request is not None else invited_by,
        target=invitation,
        target_label=email,
        details={"role": role, "oas": _account_names(accounts)},
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
        .filter(token_hash=_sha256(token), accepted_at__isnull=True, revoked_at__isnull=True)
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
    invitation = Invitation.unscoped.select_for_update().get(pk=invitation.pk)
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
    membership = Membership.unscoped.filter(workspace=invitation.workspace, user=user).first()
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
        details={"role": membership.role, "oas": _limited_names(membership)},
    )
    return membership


@transaction.atomic
def invitation_revoke(
    *, workspace: Workspace, invitation_id: int, request: HttpRequest | None = None
) -> None:
    invitation = (
        Invitation.unscoped.select_for_update()
        .filter(
            workspace=workspace,
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


# OA channels --------------------------------------------------------------------------------

LINE_ACCOUNT_EDITABLE = ("display_name", "basic_id", "channel_id", "bot_user_id", "time_zone")


def _unique_account_slug(workspace: Workspace, base: str) -> str:
    base = (slugify(base) or "oa")[:40].strip("-") or "oa"
    candidate, n = base, 2
    while LineAccount.unscoped.filter(workspace=workspace, slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# Called with each newly connected OA after its transaction commits. Apps above the core
# register here in their ``AppConfig.ready()`` (segments reads LINE's follower list).
ACCOUNT_CONNECTED_HOOKS: list[Callable[[LineAccount], None]] = []


def on_account_connected(hook: Callable[[LineAccount], None]) -> None:
    if hook not in ACCOUNT_CONNECTED_HOOKS:
        ACCOUNT_CONNECTED_HOOKS.append(hook)


def _account_connected(account: LineAccount) -> None:
    for hook in ACCOUNT_CONNECTED_HOOKS:
        hook(account)


@transaction.atomic
def line_account_create(
    *,
    workspace: Workspace,
    display_name: str,
    channel_secret: str,
    access_token: str,
    slug: str | None = None,
    basic_id: str = "",
    channel_id: str = "",
    bot_user_id: str = "",
    time_zone: str = "Asia/Tokyo",
    request: HttpRequest | None = None,
) -> LineAccount:
    if slug and LineAccount.unscoped.filter(workspace=workspace, slug=slug).exists():
        raise ValidationError(
            {"slug": _("An OA with the slug “%(slug)s” already exists here.") % {"slug": slug}}
        )
    account = LineAccount(
        workspace=workspace,
        slug=slug or _unique_account_slug(workspace, basic_id.lstrip("@") or display_name),
        display_name=display_name.strip(),
        basic_id=basic_id.strip(),
        channel_id=channel_id.strip(),
        bot_user_id=bot_user_id.strip(),
        channel_secret=channel_secret.strip(),
        access_token=access_token.strip(),
        time_zone=time_zone,
    )
    _full_clean(account, exclude=["workspace"])
    account.save()
    audit.record(
        AuditAction.ACCOUNT_CONNECTED,
        workspace=workspace,
        request=request,
        account=account,
        target=account,
        details=_account_fields(account),
    )
    transaction.on_commit(lambda: _account_connected(account))
    return account


def _account_fields(account: LineAccount) -> dict[str, str]:
    """The settings an audit entry may show; the secrets are never among them."""
    return {name: getattr(account, name) for name in LINE_ACCOUNT_EDITABLE}


@transaction.atomic
def line_account_update(
    *,
    account: LineAccount,
    channel_secret: str = "",
    access_token: str = "",
    request: HttpRequest | None = None,
    **fields: str,
) -> LineAccount:
    """Update an OA channel. Empty secret fields keep the stored secret (it is never shown).

    The audit log gets the settings that changed (old and new) and, separately, which secret
    was replaced: its name only, never a value."""
    unknown = set(fields) - set(LINE_ACCOUNT_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = _account_fields(account)
    replaced = []
    for name, value in fields.items():
        setattr(account, name, value.strip() if isinstance(value, str) else value)
    if channel_secret.strip() and channel_secret.strip() != account.channel_secret:
        account.channel_secret = channel_secret.strip()
        replaced.append("channel_secret")
    if access_token.strip() and access_token.strip() != account.access_token:
        account.access_token = access_token.strip()
        replaced.append("access_token")
    _full_clean(account, exclude=["workspace", "slug"])
    account.save()
    changed = audit.changes(before, _account_fields(account))
    if changed:
        audit.record(
            AuditAction.ACCOUNT_EDITED,
            workspace=account.workspace,
            request=request,
            account=account,
            target=account,
            details={"changed": changed},
        )
    if replaced:
        audit.record(
            AuditAction.ACCOUNT_SECRET_ROTATED,
            workspace=account.workspace,
            request=request,
            account=account,
            target=account,
            details={"replaced": replaced},
        )
    return account


@transaction.atomic
def line_account_delete(*, account: LineAccount, request: HttpRequest | None = None) -> None:
    """Disconnect an OA and delete everything the console holds for it (friends, events,
    imports, broadcasts: every row carries its OA). The audit entry outlives it by its label."""
    audit.record(
        AuditAction.ACCOUNT_DELETED,
        workspace=account.workspace,
        request=request,
        account=account,
        target=account,
        details={"basic_id": account.basic_id, "channel_id": account.channel_id},
    )
    account.delete()


# API keys -----------------------------------------------------------------------------------


@transaction.atomic
def api_key_create(
    *,
    workspace: Workspace,
    name: str,
    role: str,
    created_by: User | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiKey, str]:
    """Create an API key. The raw key is returned once and never stored."""
    if role not in ROLE_RANK:
        raise ValidationError({"role": _("Unknown role.")})
    if not name.strip():
        raise ValidationError(
            {"name": _("Give the key a name, such as the system that will use it.")}
        )
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    raw_key = f"{API_KEY_PREFIX}_{prefix}_{secret}"
    api_key = ApiKey.unscoped.create(
        workspace=workspace,
        name=name.strip()[:80],
        role=role,
        prefix=prefix,
        key_hash=_sha256(raw_key),
        created_by=created_by,
    )
    audit.record(
        AuditAction.API_KEY_CREATED,
        workspace=workspace,
        request=request,
        actor=None if request is not None else created_by,
        target=api_key,
        target_label=f"{api_key.name} ({api_key.prefix}…)",
        details={"role": role},
    )
    return api_key, raw_key


@transaction.atomic
def api_key_revoke(
    *, workspace: Workspace, api_key_id: int, request: HttpRequest | None = None
) -> None:
    api_key = (
        ApiKey.unscoped.select_for_update()
        .filter(workspace=workspace, pk=api_key_id, revoked_at__isnull=True)
        .first()
    )
    if api_key is None:
        raise ApiKey.DoesNotExist
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at"])
    audit.record(
        AuditAction.API_KEY_REVOKED,
        workspace=workspace,
        request=request,
        target=api_key,
        target_label=f"{api_key.name} ({api_key.prefix}…)",
        details={"role": api_key.role},
    )


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The active key matching ``raw_key``, or None; records when it was last used."""
    parts = raw_key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    api_key = (
        ApiKey.unscoped.select_related("workspace")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if api_key is None or not hmac.compare_digest(api_key.key_hash, _sha256(raw_key)):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > API_KEY_TOUCH_INTERVAL:
        ApiKey.unscoped.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
