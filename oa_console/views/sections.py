"""The OA's landing page: an OA opens on its insights, or on its chats for an agent."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from oa_console.permissions import agent_page, can
from oa_console.roles import Capability


@agent_page
def account_home(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    section = "account_insights" if can(request, Capability.READ_ALL_PAGES) else "account_inbox"
    return redirect(section, workspace_slug=workspace_slug, account_slug=account_slug)
