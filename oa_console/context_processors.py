"""Template context for the base layout: workspace picker, OA switcher and permissions."""

from django.http import HttpRequest

from oa_console.permissions import can
from oa_console.roles import Capability
from oa_console.selectors import account_list, membership_list_for_user


def tenant_navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context: dict = {"user_memberships": list(membership_list_for_user(user=user))}
    if getattr(request, "workspace", None) is not None:
        context.update(
            current_workspace=request.workspace,
            current_account=request.account,
            current_role=request.membership.role,
            switcher_accounts=list(account_list()),
            perms_console={capability.value: can(request, capability) for capability in Capability},
        )
    return context
