"""Test sends: the broadcast pushed to one LINE user (the marketer's own account) to see it on a
phone. Nothing of it is counted or tracked, and each send gets a fresh retry key: it is never a
resend of anything.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from broadcasts import simulated_line
from broadcasts.models import Broadcast
from broadcasts.services import variants
from oa_console.line import clients, limiter
from oa_console.line.messages import personalise
from oa_console.line.outcomes import line_call
from oa_console.models import LineAccount


def broadcast_send_test(
    *, account: LineAccount, broadcast: Broadcast, line_user_id: str, display_name: str = ""
) -> str:
    """Push the broadcast to one LINE user (the marketer's own account) to see it on a phone;
    an A/B broadcast sends each variant, in order. Links are not tracked and nothing is
    counted: a test is not part of the results."""
    request_id = ""
    arms = variants.variant_list(broadcast=broadcast)
    for messages in [arm.messages for arm in arms] or [broadcast.messages]:
        request_id = _push_test(account, messages, line_user_id, display_name)
    return request_id


def _push_test(account: LineAccount, messages: list[dict], line_user_id: str, name: str) -> str:
    from linebot.v3 import messaging

    decision = limiter.rate_limit_acquire(account, "push")
    if not decision.allowed:
        raise ValidationError(
            {"line_user_id": [_("Too many test messages; try again in a moment.")]}
        )
    if name or any("{displayName}" in m.get("text", "") for m in messages):
        messages = personalise(messages, name)
    request = messaging.PushMessageRequest.from_dict({"to": line_user_id, "messages": messages})
    with clients.messaging_api(account, host=simulated_line.host()) as api:
        outcome = line_call(
            lambda: api.push_message_with_http_info(
                request,
                x_line_retry_key=str(uuid.uuid4()),
                _request_timeout=clients.REQUEST_TIMEOUT,
            )
        )
    if not outcome.accepted:
        raise ValidationError(
            {
                "line_user_id": [
                    _("LINE did not send the test (%(status)s): %(message)s")
                    % {"status": outcome.status or "—", "message": outcome.message}
                ]
            }
        )
    return outcome.request_id
