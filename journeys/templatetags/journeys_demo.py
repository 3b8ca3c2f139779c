"""``{% journeys_demo_cart_button %}``: the demo's "Abandon a cart" button (journeys.demo),
rendered only in the embedded demo and for those who may record custom events."""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from journeys.demo.cart import demo_enabled
from oa_console.permissions import can
from oa_console.roles import Capability

register = template.Library()


@register.simple_tag(takes_context=True)
def journeys_demo_cart_button(context) -> str:
    request = context.get("request")
    account = getattr(request, "account", None)
    if request is None or account is None or not demo_enabled():
        return ""
    if not can(request, Capability.EDIT_SEGMENTS):
        return ""
    action = reverse("journeys_demo_cart", args=[account.workspace.slug, account.slug])
    return format_html(
        '<form method="post" action="{}" class="inline-form" data-testid="demo-cart">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="secondary" title="{}">{}</button></form>',
        action,
        get_token(request),
        request.get_full_path(),
        _("Sends a cart_abandoned event for a demo friend, as the shop would."),
        _("Abandon a cart (demo)"),
    )
