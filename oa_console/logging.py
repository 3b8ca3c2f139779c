"""Request context for structured logs: every log line of a request names its workspace and OA."""

from __future__ import annotations

import contextvars
import logging
import uuid

_request_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "oa_console_log_context", default=None
)


def start_request() -> contextvars.Token:
    return _request_context.set(
        {"request_id": uuid.uuid4().hex[:12], "workspace": None, "account": None}
    )


def end_request(token: contextvars.Token) -> None:
    _request_context.reset(token)


def bind(**values) -> None:
    """Add fields (workspace, account, …) to every later log line of this request."""
    context = _request_context.get()
    if context is not None:
        context.update(values)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = _request_context.get()
        if context:
            for key, value in context.items():
                if not hasattr(record, key):
                    setattr(record, key, value)
        return True
