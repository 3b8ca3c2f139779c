"""The Messaging API calls of 1:1 chats: reply, push, mark as read and the loading animation.

Each makes one call through the OA's client (the embedded demo's simulated LINE when it runs)
and answers an ``Outcome`` (``oa_console.line.outcomes``); none raises for LINE's errors. Chat
volumes are an agent's or an auto-reply's few messages, so the requests are built through the
SDK's own models, which also check them on the way out.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from oa_console.line import clients
from oa_console.line.outcomes import Outcome, line_call
from oa_console.models import LineAccount

# LINE shows the loading animation for 5 to 60 seconds, in steps of 5 (messaging-api.yml).
LOADING_SECONDS_MIN, LOADING_SECONDS_MAX = 5, 60


def _messages(messages: Sequence[dict]) -> list:
    from linebot.v3.messaging import Message

    return [Message.from_dict(message) for message in messages]


def _chat_call(account: LineAccount, method: str, request, **headers) -> Outcome:
    """One call of ``MessagingApi.<method>`` through the OA's client, classified."""
    with clients.messaging_api(account, host=clients.simulated_host()) as api:
        send = getattr(api, method)
        return line_call(
            partial(send, request, _request_timeout=clients.REQUEST_TIMEOUT, **headers)
        )


def chat_reply(*, account: LineAccount, reply_token: str, messages: Sequence[dict]) -> Outcome:
    """Answer with the free reply API; ``outcome.data.sent_messages`` holds LINE's ids."""
    from linebot.v3.messaging import ReplyMessageRequest

    request = ReplyMessageRequest(replyToken=reply_token, messages=_messages(messages))
    return _chat_call(account, "reply_message_with_http_info", request)


def chat_push(
    *, account: LineAccount, to: str, messages: Sequence[dict], retry_key: str
) -> Outcome:
    """Answer by push (counts against the quota) with ``retry_key``: a repeat after a crash is
    answered 409 (accepted, duplicate) and delivers nothing twice."""
    from linebot.v3.messaging import PushMessageRequest

    request = PushMessageRequest(to=to, messages=_messages(messages))
    return _chat_call(account, "push_message_with_http_info", request, x_line_retry_key=retry_key)


def chat_mark_as_read(*, account: LineAccount, mark_as_read_token: str) -> Outcome:
    """Mark the friend's messages read in LINE with the token of their latest message."""
    from linebot.v3.messaging import MarkMessagesAsReadByTokenRequest

    request = MarkMessagesAsReadByTokenRequest(markAsReadToken=mark_as_read_token)
    return _chat_call(account, "mark_messages_as_read_by_token_with_http_info", request)


def chat_show_loading(*, account: LineAccount, line_user_id: str, seconds: int = 20) -> Outcome:
    """Show the friend LINE's loading animation (while an agent types), for ``seconds``
    rounded to LINE's steps of 5 between 5 and 60."""
    from linebot.v3.messaging import ShowLoadingAnimationRequest

    seconds = min(max(LOADING_SECONDS_MIN, round(seconds / 5) * 5), LOADING_SECONDS_MAX)
    request = ShowLoadingAnimationRequest(chatId=line_user_id, loadingSeconds=seconds)
    return _chat_call(account, "show_loading_animation_with_http_info", request)
