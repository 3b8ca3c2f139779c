"""The OA's section pages. Each says honestly what it will show and what to do now until the
issue that builds it lands (broadcasts); Insights live in the insights app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

SECTIONS = {
    "broadcasts": {
        "title": _("Broadcasts"),
        "body": _(
            "Composing, approving and scheduling targeted broadcasts is not yet available in this console. Until then, send broadcasts from LINE Official Account Manager."
        ),
    },
}


def account_home(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    return redirect("account_insights", workspace_slug=workspace_slug, account_slug=account_slug)


def _section(request: HttpRequest, name: str) -> HttpResponse:
    return render(
        request, "oa_console/section.html", {"section": SECTIONS[name], "section_name": name}
    )


def broadcasts(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    return _section(request, "broadcasts")
