"""``{% webhooks_demo_friend_message_button %}``: the demo's "A friend writes" button
(``webhooks.demo_chat``), rendered only in the embedded demo and for members of the chats."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from oa_console.demo import demo_button, embedded_demo_enabled
from oa_console.permissions import can
from oa_console.roles import Capability

register = template.Library()


@register.simple_tag(takes_context=True)
def webhooks_demo_friend_message_button(context) -> str:
    request = context.get("request")
    account = getattr(request, "account", None)
    if request is None or account is None or not embedded_demo_enabled():
        return ""
    if not can(request, Capability.USE_INBOX):
        return ""
    action = reverse("webhooks_demo_friend_message", args=[account.workspace.slug, account.slug])
    return demo_button(
        request,
        action=action,
        label=_("A friend writes (demo)"),
        title=_("Sends a text message from a demo friend through the webhook, as LINE would."),
        testid="demo-friend-message",
    )
