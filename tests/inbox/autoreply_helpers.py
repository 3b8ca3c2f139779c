"""Auto-reply rules and live webhook events for the auto-reply tests."""

from __future__ import annotations

import pytest
from django.utils import timezone

from inbox.autoreplies.answering import SUBSCRIBER
from inbox.autoreplies.services import RuleInput, auto_reply_rule_create
from inbox.models import AutoReplyRule
from oa_console.activity.draining import subscriber_drain
from oa_console.activity.registry import subscriber
from oa_console.tenancy import tenant_scope
from tests.webhooks.factories import event


def now_ms() -> int:
    """A webhook timestamp of now: the event's reply token is still valid."""
    return int(timezone.now().timestamp() * 1000)


def live_event(kind: str, *, user: str, **extra) -> dict:
    return event(kind, user=user, timestamp=now_ms(), **extra)


def text(message: str) -> list[dict]:
    return [{"type": "text", "text": message}]


def make_rule(account, name: str, kind: str, messages=None, **fields):
    """A rule saved through the service, as the page and the API save it."""
    with tenant_scope(workspace=account.workspace, account=account):
        return auto_reply_rule_create(
            account=account,
            data=RuleInput(name=name, kind=kind, messages=messages or text(name), **fields),
        )


def build_auto_reply(workspace, account):
    """A rule of ``account``, for the tenant-isolation sweep (``tests/oa_console/tenant_world``)."""
    return AutoReplyRule.unscoped.create(
        account=account, name="Hello", kind="fallback", messages=text("Hi")
    )


@pytest.fixture
def auto_replies_deployed(db):
    """The subscriber's cursor exists before the events arrive, as after a deploy (it starts
    "now": a subscriber seen for the first time skips the log before it)."""
    subscriber_drain(subscriber(SUBSCRIBER))
