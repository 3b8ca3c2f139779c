"""Who may do what to a journey: marketers draft and submit, admins and owners activate.

A signed-in user's role is read from their membership of the OA's workspace (a membership
limited to other OAs counts as none). ``user=None`` is the console itself or an API key, whose
role the API has already checked against its grant.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from journeys.services.errors import NotAllowed
from oa_console.models import LineAccount, User
from oa_console.roles import Role, role_at_least
from oa_console.selectors import membership_account_ids, membership_get

# The lowest role for each kind of action on a journey.
DRAFT = Role.MARKETER
ACTIVATE = Role.ADMIN


def role_of(*, account: LineAccount, user: User) -> str | None:
    """The user's role for this OA; None when they may not see it."""
    membership = membership_get(user=user, workspace_slug=account.workspace.slug)
    if membership is None:
        return None
    allowed = membership_account_ids(membership=membership)
    if allowed is not None and account.pk not in allowed:
        return None
    return membership.role


def require_role(*, account: LineAccount, user: User | None, minimum: str) -> None:
    if user is None:
        return
    role = role_of(account=account, user=user)
    if role is None or not role_at_least(role, minimum):
        if minimum == ACTIVATE:
            raise NotAllowed(_("Only an admin or the owner can do this to a journey."))
        raise NotAllowed(_("Viewers can look at journeys but not change them."))
