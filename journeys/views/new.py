"""Start a journey: from one of the starters (cart abandonment, price drop ...) or blank."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from journeys.models import Journey
from journeys.services.errors import JourneyError
from journeys.services.journeys import journey_create
from journeys.starters import STARTERS
from journeys.views.common import error_text, require_edit
from journeys.views.forms import JourneyNewForm
from oa_console.views._render import render_page

BLANK = "blank"


def _cards(bound: JourneyNewForm | None, chosen: str) -> list[dict]:
    """One card per starter and the blank journey, each its own small form; a refused form
    comes back on its own card with its errors."""
    cards = [
        {"key": s.key, "name": s.name, "description": s.description} for s in STARTERS.values()
    ]
    cards.append(
        {
            "key": BLANK,
            "name": _("Blank journey"),
            "description": _("Start from an empty graph and build every step yourself."),
        }
    )
    for card in cards:
        if bound is not None and card["key"] == chosen:
            card["form"] = bound
        else:
            card["form"] = JourneyNewForm(initial={"name": card["name"]}, prefix=card["key"])
    return cards


def opening_url(request: HttpRequest, journey: Journey) -> str:
    """A new journey opens in its builder: the starter's messages are the marketer's to
    rewrite before anyone activates it."""
    return reverse(
        "journey_builder", args=[request.workspace.slug, request.account.slug, journey.pk]
    )


@require_http_methods(["GET", "POST"])
def journey_new(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    require_edit(request)
    if request.method == "GET":
        return render_page(request, "journeys/new.html", {"cards": _cards(None, "")})
    chosen = request.POST.get("starter", "")
    if chosen != BLANK and chosen not in STARTERS:
        chosen = BLANK
    form = JourneyNewForm(request.POST, prefix=chosen)
    if form.is_valid():
        try:
            journey = journey_create(
                account=request.account,
                user=request.user,
                name=form.cleaned_data["name"],
                starter=None if chosen == BLANK else chosen,
                request=request,
            )
        except JourneyError as exc:
            form.add_error("name", error_text(exc))
        else:
            return redirect(opening_url(request, journey))
    response = render_page(request, "journeys/new.html", {"cards": _cards(form, chosen)})
    response.status_code = 400
    return response
