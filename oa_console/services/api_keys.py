"""API keys: creating, revoking and authenticating them (the raw key is never stored)."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from oa_console import audit
from oa_console.models import ApiKey, AuditAction, User, Workspace
from oa_console.roles import ROLE_RANK
from oa_console.services._common import sha256_hex

API_KEY_PREFIX = "oak"
# Writing last_used_at on every API call would turn reads into writes; once a minute is plenty.
API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)


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
    # Writing a row, not reading one: callers in another tenant's scope (operations commands,
    # test set-ups) create it too.
    api_key = ApiKey.unscoped.create(
        workspace=workspace,
        name=name.strip()[:80],
        role=role,
        prefix=prefix,
        key_hash=sha256_hex(raw_key),
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
        ApiKey.objects.for_workspace(workspace)
        .select_for_update()
        .filter(pk=api_key_id, revoked_at__isnull=True)
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
    # The key names its workspace: the lookup crosses tenants by design.
    api_key = (
        ApiKey.unscoped.select_related("workspace")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if api_key is None or not hmac.compare_digest(api_key.key_hash, sha256_hex(raw_key)):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > API_KEY_TOUCH_INTERVAL:
        ApiKey.objects.for_workspace(api_key.workspace).filter(pk=api_key.pk).update(
            last_used_at=now
        )
        api_key.last_used_at = now
    return api_key
