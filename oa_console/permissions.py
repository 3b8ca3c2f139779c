"""Role checks for pages: a write the role may not do is a 403 (the object itself was visible)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from oa_console.roles import Capability, role_allows


def can(request: HttpRequest, capability: Capability) -> bool:
    membership = getattr(request, "membership", None)
    if membership is None:
        return False
    limited = request.tenant_scope is not None and request.tenant_scope.account_ids is not None
    return role_allows(membership.role, capability, limited=limited)


def require(request: HttpRequest, capability: Capability) -> None:
    if not can(request, capability):
        raise PermissionDenied
