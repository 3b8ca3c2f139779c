"""Helpers for tests of two-factor sign-in: a confirmed authenticator for a user, and the code
its app would show (computed with django-otp's own TOTP, as an authenticator app does)."""

from __future__ import annotations

import base64
import time

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from oa_console.two_factor.services import _new_recovery_codes


def enable_two_factor(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device, _new_recovery_codes(user)


def code_for_key(key: bytes, *, steps_ahead: int = 0) -> str:
    """The 6-digit code for a raw key, ``steps_ahead`` 30-second steps from now (a code is
    accepted once: the next step's code is what a second sign-in within 30 s types)."""
    return f"{totp(key, step=30, t0=0, digits=6, drift=steps_ahead):06d}"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    return code_for_key(device.bin_key, steps_ahead=steps_ahead)


def key_from_secret(secret: str) -> bytes:
    """The key behind the secret a page shows for typing (base32, in groups of four)."""
    compact = secret.replace(" ", "").upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def seconds_into_step() -> float:
    return time.time() % 30


def clear_otp_throttle(user) -> None:
    """django-otp delays the next try after a wrong code (1 s, 2 s, 4 s…); a test that types a
    wrong code and then the right one at once clears that delay."""
    from django_otp import devices_for_user

    for device in devices_for_user(user, confirmed=None):
        device.throttle_reset()
