"""Writes for two-factor sign-in: set up, confirm, recovery codes, turn off, and the
workspace requirement. Every change a user makes to their second factor is audited in each
workspace they belong to (audit entries belong to a workspace; a second factor to a person).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from oa_console import audit
from oa_console.models import AuditAction, User, Workspace
from oa_console.two_factor import selectors

RECOVERY_CODE_COUNT = 10
_SEPARATORS = re.compile(r"[\s-]+")


def normalise_token(token: str) -> str:
    """Codes as people type them: spaces and hyphens dropped, recovery codes in lower case."""
    return _SEPARATORS.sub("", token or "").lower()[:16]


def _audit_everywhere(
    action: AuditAction, *, user: User, request: HttpRequest | None, details: dict | None = None
) -> None:
    for workspace in selectors.workspaces_of(user=user):
        audit.record(
            action,
            workspace=workspace,
            request=request,
            actor=user,
            target=user,
            details=details or {},
        )


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """The authenticator being set up: the pending one, or a new secret. A user who already
    has two-factor sign-in on cannot start a second one (turn it off first)."""
    if selectors.has_two_factor(user=user):
        raise ValidationError(_("Two-factor sign-in is already on."))
    pending = selectors.totp_device_pending(user=user)
    if pending is not None:
        return pending
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return codes


@transaction.atomic
def two_factor_enable(
    *, user: User, token: str, request: HttpRequest | None = None
) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with its first code; returns it and the new recovery
    codes (shown once: only they are stored, never shown again)."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("-pk")
        .first()
    )
    if device is None:
        raise ValidationError(_("Start the set-up again: no authenticator is waiting."))
    if not device.verify_token(normalise_token(token)):
        raise ValidationError(
            {"token": _("This code is not right. Type the 6 digits your app shows now.")}
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _new_recovery_codes(user)
    _audit_everywhere(AuditAction.TWO_FACTOR_ENABLED, user=user, request=request)
    return device, codes


def verify_code(*, user: User, token: str) -> Device | None:
    """The confirmed device (authenticator or recovery codes) that accepts ``token``, or None.
    A recovery code is used up by this."""
    token = normalise_token(token)
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None


@transaction.atomic
def recovery_codes_regenerate(
    *, user: User, token: str, request: HttpRequest | None = None
) -> list[str]:
    """New recovery codes (the old ones stop working), proven by a current code."""
    if not selectors.has_two_factor(user=user):
        raise ValidationError(_("Two-factor sign-in is off."))
    if verify_code(user=user, token=token) is None:
        raise ValidationError({"token": _("This code is not right.")})
    codes = _new_recovery_codes(user)
    _audit_everywhere(AuditAction.TWO_FACTOR_RECOVERY_CODES, user=user, request=request)
    return codes


@transaction.atomic
def two_factor_disable(
    *, user: User, token: str = "", password: str = "", request: HttpRequest | None = None
) -> None:
    """Turn two-factor sign-in off, proven by a current code or the password. Refused while a
    workspace of the user requires it."""
    required = list(selectors.workspaces_requiring_two_factor(user=user))
    if required:
        raise ValidationError(
            _("You cannot turn it off: %(workspaces)s requires two-factor sign-in of every member.")
            % {"workspaces": ", ".join(workspace.name for workspace in required)}
        )
    if not selectors.has_two_factor(user=user):
        raise ValidationError(_("Two-factor sign-in is off."))
    proven = (password and user.check_password(password)) or (
        token and verify_code(user=user, token=token) is not None
    )
    if not proven:
        raise ValidationError(_("Type a current code or your password to confirm."))
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).delete()
    _audit_everywhere(AuditAction.TWO_FACTOR_DISABLED, user=user, request=request)


@transaction.atomic
def workspace_two_factor_set(
    *, workspace: Workspace, required: bool, acting_user: User, request: HttpRequest | None = None
) -> Workspace:
    """An owner makes two-factor sign-in mandatory (or optional) for every member. An owner
    without it must turn it on first, or the requirement would lock them out of this page."""
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    if workspace.two_factor_required == required:
        return workspace
    if required and not selectors.has_two_factor(user=acting_user):
        raise ValidationError(
            {
                "two_factor_required": _(
                    "Turn on two-factor sign-in for yourself first (Security, in your user menu)."
                )
            }
        )
    workspace.two_factor_required = required
    workspace.save(update_fields=["two_factor_required"])
    audit.record(
        AuditAction.TWO_FACTOR_REQUIRED_CHANGED,
        workspace=workspace,
        request=request,
        actor=acting_user,
        details={"required": required},
    )
    return workspace
