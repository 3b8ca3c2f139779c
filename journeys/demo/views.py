"""The demo button: "Abandon a cart (demo)" on the OA's journeys, under ``make run`` only.

``demo_patterns`` is mounted with the OA's journey pages (``/w/<ws>/oa/<oa>/journeys/``); the
button itself is the ``journeys_demo_cart_button`` template tag (``journeys_demo`` library).
Outside the embedded demo the URL answers 404 and the tag renders nothing.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from journeys.demo.cart import demo_cart_abandon
from journeys.demo.texts import CURRENCY_BY_ZONE
from oa_console.demo import demo_return_to, embedded_demo_enabled
from oa_console.permissions import require
from oa_console.roles import Capability
from segments.services.sending_rules import quiet_hours_end


@require_POST
def journeys_demo_cart(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    """Fire a ``cart_abandoned`` for a demo friend and say what will happen next."""
    if not embedded_demo_enabled():
        raise Http404
    # Recording a custom event is what the events API lets a marketer do.
    require(request, Capability.EDIT_SEGMENTS)
    account = request.account
    outcome = demo_cart_abandon(account=account)
    if outcome.friend is None:
        messages.error(request, _("No following friend is free to abandon a cart right now."))
    elif outcome.result is None or not outcome.result.accepted:
        messages.error(request, _("The demo cart could not be recorded."))
    else:
        properties = outcome.event["properties"]
        count = len(properties["items"])
        total = number_format(properties["total"], force_grouping=True)
        currency = CURRENCY_BY_ZONE.get(account.time_zone, "")
        messages.success(
            request,
            ngettext(
                "%(name)s left %(count)s product in their cart (%(total)s %(currency)s).",
                "%(name)s left %(count)s products in their cart (%(total)s %(currency)s).",
                count,
            )
            % {
                "name": outcome.friend.display_name,
                "count": count,
                "total": total,
                "currency": currency,
            },
        )
        quiet_until = quiet_hours_end(account=account, moment=timezone.now())
        if outcome.journeys and quiet_until is not None:
            local = timezone.localtime(quiet_until, ZoneInfo(account.time_zone))
            messages.info(
                request,
                _(
                    "The cart-abandonment journey enrols them now, but it is within the OA's "
                    "quiet hours: the cart reminder waits until they end at %(time)s."
                )
                % {"time": local.strftime("%H:%M")},
            )
        elif outcome.journeys:
            messages.info(
                request,
                _(
                    "The cart-abandonment journey enrols them now. Waits are shortened in this "
                    "demo: the cart reminder reaches the simulated LINE in about 30 seconds."
                ),
            )
        else:
            messages.warning(
                request,
                _(
                    "No active journey starts on a cart_abandoned event, so nothing is sent. "
                    "Create one from the “Cart abandonment” template and activate it."
                ),
            )
    return redirect(
        demo_return_to(request, reverse("account_home", args=[workspace_slug, account_slug]))
    )


demo_patterns = [
    path("demo/cart-abandoned/", journeys_demo_cart, name="journeys_demo_cart"),
]
