"""Role checks for pages: a write the role may not do is a 403 (the object itself was visible)."""

from collections.abc import Callable

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


def agent_page(view: Callable) -> Callable:
    """Mark a page an agent may open (the inbox, the friend pages, the landing redirects).

    Every other tenant page needs ``Capability.READ_ALL_PAGES``: ``TenantMiddleware`` refuses
    an agent a page that is not marked, so a new page is closed to agents until it says
    otherwise."""
    view.agent_page = True
    return view


def may_open(membership, view: Callable) -> bool:
    """Whether this membership's role may open the page ``view`` (see ``agent_page``)."""
    return getattr(view, "agent_page", False) or role_allows(
        membership.role, Capability.READ_ALL_PAGES
    )
