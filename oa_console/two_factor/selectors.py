"""Reads about users' second factors and the workspaces that require one."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from oa_console.models import Membership, User, Workspace


def confirmed_totp_exists(user_ref) -> Exists:
    """An ``Exists`` for annotating rows whose user (``user_ref``) has two-factor sign-in on."""
    return Exists(TOTPDevice.objects.filter(user=user_ref, confirmed=True))


def has_two_factor(*, user: User) -> bool:
    """True when the user signs in with a second factor (a confirmed authenticator app)."""
    if not user.is_authenticated:
        return False
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_confirmed(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_device_pending(*, user: User) -> TOTPDevice | None:
    """The authenticator being set up (its secret shown, not confirmed by a code yet)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recovery_device(*, user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user).first()


def workspaces_of(*, user: User) -> QuerySet[Workspace]:
    return Workspace.objects.filter(memberships__user=user).order_by("name")


def workspaces_requiring_two_factor(*, user: User) -> QuerySet[Workspace]:
    """The user's workspaces whose owners require two-factor sign-in of every member."""
    return workspaces_of(user=user).filter(two_factor_required=True)


def members_without_two_factor(*, workspace: Workspace) -> QuerySet[Membership]:
    return (
        Membership.objects.for_workspace(workspace)
        .annotate(two_factor=confirmed_totp_exists(OuterRef("user")))
        .filter(two_factor=False)
        .select_related("user")
        .order_by("user__email")
    )


def user_ids_with_two_factor(*, user_ids: Iterable[int]) -> set[int]:
    return set(
        TOTPDevice.objects.filter(user_id__in=list(user_ids), confirmed=True).values_list(
            "user_id", flat=True
        )
    )
