"""The conversation page's "handed over by rule X" marker (one tag, so the page's view needs
no change to show it)."""

from __future__ import annotations

from django import template

from inbox.autoreplies.selectors import auto_reply_handover_get
from inbox.models import AutoReplySend, Conversation

register = template.Library()


@register.inclusion_tag("inbox/autoreplies/_handover.html")
def auto_reply_handover(conversation) -> dict:
    """The rule's handover of ``conversation`` while it is in force (not resolved since), and
    whether the rule's answer failed to reach the friend (then nobody has answered them)."""
    handover = auto_reply_handover_get(
        account=conversation.account, conversation_id=conversation.pk
    )
    in_force = handover is not None and conversation.status != Conversation.Status.RESOLVED
    send = handover.send if in_force else None
    return {
        "handover": handover if in_force else None,
        "unanswered": send is not None and send.status in AutoReplySend.NOT_DELIVERED,
    }
