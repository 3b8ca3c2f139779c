"""The former member data import page: member data and orders are types of the Imports page
now (upload, column mapping, progress and summary there); the old address keeps working."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from oa_console.permissions import require
from oa_console.roles import Capability


def member_import_page(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    """Sends to the Imports page with member data (or, with ``?kind=orders``, orders) chosen."""
    require(request, Capability.UPLOAD_IMPORTS)
    report = "orders" if request.GET.get("kind") == "orders" else "members"
    url = reverse(
        "account_imports",
        kwargs={"workspace_slug": request.workspace.slug, "account_slug": request.account.slug},
    )
    return redirect(f"{url}?report={report}")
