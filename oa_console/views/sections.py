"""The OA's landing page: an OA opens on its insights."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def account_home(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    return redirect("account_insights", workspace_slug=workspace_slug, account_slug=account_slug)
