"""A journey to build, its builder's URLs, and requests as a browser or htmx would make them."""

from __future__ import annotations

from django.urls import reverse

from journeys.models import Journey
from journeys.starters import STARTERS

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "journey-builder"}
HTMX_EDITOR = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "journey-editor"}


def make_journey(account, starter: str = "cart_abandonment", **fields) -> Journey:
    return Journey.unscoped.create(
        account=account,
        name=fields.pop("name", "Carts"),
        draft_graph=STARTERS[starter].graph(),
        **fields,
    )


def url(journey: Journey, name: str = "journey_builder", *args) -> str:
    account = journey.account
    return reverse(name, args=[account.workspace.slug, account.slug, journey.pk, *args])


def draft(journey: Journey) -> dict:
    journey.refresh_from_db()
    return journey.draft_graph
