"""``{% journeys_demo_cart_button %}``: the demo's "Abandon a cart" button (journeys.demo),
rendered only in the embedded demo and for those who may record custom events."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from oa_console.demo import demo_button, embedded_demo_enabled
from oa_console.permissions import can
from oa_console.roles import Capability

register = template.Library()


@register.simple_tag(takes_context=True)
def journeys_demo_cart_button(context) -> str:
    request = context.get("request")
    account = getattr(request, "account", None)
    if request is None or account is None or not embedded_demo_enabled():
        return ""
    if not can(request, Capability.EDIT_SEGMENTS):
        return ""
    action = reverse("journeys_demo_cart", args=[account.workspace.slug, account.slug])
    return demo_button(
        request,
        action=action,
        label=_("Abandon a cart (demo)"),
        title=_("Sends a cart_abandoned event for a demo friend, as the shop would."),
        testid="demo-cart",
    )
