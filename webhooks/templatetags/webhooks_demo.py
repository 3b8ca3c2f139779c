"""``{% webhooks_demo_friend_message_button %}``: the demo's "A friend writes" button
(``webhooks.demo_chat``), rendered only in the embedded demo and for members of the chats."""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from oa_console.permissions import can
from oa_console.roles import Capability
from webhooks.demo_chat import demo_chat_enabled

register = template.Library()


@register.simple_tag(takes_context=True)
def webhooks_demo_friend_message_button(context) -> str:
    request = context.get("request")
    account = getattr(request, "account", None)
    if request is None or account is None or not demo_chat_enabled():
        return ""
    if not can(request, Capability.USE_INBOX):
        return ""
    action = reverse("webhooks_demo_friend_message", args=[account.workspace.slug, account.slug])
    return format_html(
        '<form method="post" action="{}" class="inline-form" data-testid="demo-friend-message">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="secondary" title="{}">{}</button></form>',
        action,
        get_token(request),
        request.get_full_path(),
        _("Sends a text message from a demo friend through the webhook, as LINE would."),
        _("A friend writes (demo)"),
    )
