"""Connecting, editing and disconnecting OA channels (LineAccount)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify
from django.utils.translation import gettext as _

from oa_console import audit
from oa_console.models import AuditAction, LineAccount, Workspace
from oa_console.services._common import full_clean

LINE_ACCOUNT_EDITABLE = ("display_name", "basic_id", "channel_id", "bot_user_id", "time_zone")


def _unique_account_slug(workspace: Workspace, base: str) -> str:
    """A slug no OA of the workspace has, counting OAs a limited login cannot see (hence
    ``unscoped``: the scoped manager would hide them and the insert would then fail)."""
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
    full_clean(account, exclude=["workspace"])
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
    full_clean(account, exclude=["workspace", "slug"])
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
