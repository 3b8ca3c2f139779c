"""Exactly once under a killed worker: a real Celery worker pushes an agent's answer and is
SIGKILLed after LINE accepted the push but before the answer was recorded. Once the dead
worker's lease ends, the beat's sweep on a new worker pushes again with the same retry key,
LINE answers 409, and the friend gets the answer exactly once (none lost, none twice).

Runs on PostgreSQL (the worker is another process and must share the test database).
"""

from __future__ import annotations

import signal
import threading

import pytest
from django.db import connection
from django.utils import timezone

from inbox.models import ConversationMessage, OutboundAnswer
from inbox.services.answers import answer_create
from inbox.tasks import send_due_answers
from oa_console import queueing
from oa_console.celery import app as celery_app
from oa_console.tenancy import tenant_scope
from tests.celery_worker import TIMEOUT, start_worker, wait_for
from tests.fakes.line_sending import SendingScript
from tests.inbox.answering import conversation_to_answer

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the worker process needs a shared PostgreSQL"
)

MESSAGES = [{"type": "text", "text": "Your parcel left the warehouse 📦"}]


@pytest.mark.django_db(transaction=True)
def test_a_push_answer_survives_a_killed_worker_exactly_once(account, owner, fake_line):
    line = SendingScript().install(fake_line)
    conversation = conversation_to_answer(account, token="")  # no reply token: push
    friend_id = conversation.friend.line_user_id
    held, release = threading.Event(), threading.Event()

    def hold(_accepted) -> None:
        held.set()
        release.wait(TIMEOUT)

    line.on_accept = hold
    celery_app.control.purge()
    queueing.reset()
    first = start_worker(fake_line.url)
    try:
        with tenant_scope(workspace=account.workspace, account=account):
            answer = answer_create(
                account=account,
                conversation=conversation,
                messages=MESSAGES,
                user=owner,
                confirm_push=True,
            )  # committed: the kick reaches the first worker
        wait_for(held.is_set, "LINE to hold the push the worker made")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        release.set()
        if first.poll() is None:
            first.kill()
    line.on_accept = None

    answer.refresh_from_db()
    assert answer.status == OutboundAnswer.Status.QUEUED  # accepted by LINE, never recorded
    assert len(line.accepted) == 1
    assert not ConversationMessage.unscoped.filter(direction="out").exists()

    # Time passes: the dead worker's lease ends, and the beat's sweep runs on a new worker.
    OutboundAnswer.unscoped.filter(pk=answer.pk).update(next_attempt_at=timezone.now())
    second = start_worker(fake_line.url)
    try:
        send_due_answers.delay()
        wait_for(
            lambda: OutboundAnswer.unscoped.get(pk=answer.pk).status == OutboundAnswer.Status.SENT,
            "the answer to be recorded",
        )
    finally:
        second.terminate()
        second.wait(20)

    pushes = fake_line.calls("pushMessage")
    assert len(pushes) == 2  # the repeat, answered 409: accepted, delivered nothing
    assert {p.headers["X-Line-Retry-Key"] for p in pushes} == {str(answer.retry_key)}
    assert line.received == {friend_id: 1}, "the friend got the answer twice (or never)"
    (recorded,) = ConversationMessage.unscoped.filter(direction="out")
    assert (recorded.text, recorded.sent_by) == (MESSAGES[0]["text"], "manual")
