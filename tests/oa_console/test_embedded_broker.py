"""The embedded broker (`make run`'s default) writes each message file whole before a worker
can list it: kombu's own transport created the ``.msg`` file empty and wrote it afterwards, and a
worker that took the file in between died on a JSONDecodeError."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from kombu import Connection, Consumer, Producer, Queue
from kombu.transport.virtual import base as virtual

from oa_console import embedded_broker
from oa_console.celery import app


def _channel(folder: Path):
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder)}
    connection = Connection(
        "filesystem://", transport=embedded_broker.Transport, transport_options=options
    )
    return connection, connection.default_channel


def test_the_console_uses_the_whole_file_transport_for_its_filesystem_broker(settings):
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        pytest.skip("PostgreSQL + Redis configuration: the embedded broker is not in use")
    with app.connection_for_write() as connection:
        assert isinstance(connection.default_channel, embedded_broker.Channel)


def test_a_reader_never_sees_a_message_file_before_it_is_complete(tmp_path, monkeypatch):
    connection, channel = _channel(tmp_path)
    seen_while_writing: list[list[str]] = []
    real_replace = os.replace

    def replace_and_look(source, target):
        # What a worker listing the folder at this moment would take for the queue.
        seen_while_writing.append(
            [n for n in os.listdir(tmp_path) if n.partition(".")[2] == "celery.msg"]
        )
        real_replace(source, target)

    monkeypatch.setattr(embedded_broker.os, "replace", replace_and_look)
    channel._put("celery", {"body": "x" * 100_000})

    assert seen_while_writing == [[]]
    assert channel._get("celery") == {"body": "x" * 100_000}
    assert os.listdir(tmp_path) == []
    connection.release()


def test_a_busy_worker_looks_again_a_tenth_of_a_second_later(tmp_path, monkeypatch):
    """A worker holding as many messages as it may (prefetch 1) takes none until one is acked:
    it sleeps a polling interval and looks again. Here each sleep is where the pool finishes
    the task in hand; 20 tasks of a few milliseconds must not wait 20 s for their turns."""
    connection, channel = _channel(tmp_path)
    queue = Queue("celery", channel=channel)
    queue.declare()
    for number in range(20):
        Producer(channel).publish({"n": number}, routing_key="celery")
    in_hand, done, slept = [], [], []

    def pool_finishes_the_task_in_hand(seconds: float) -> None:
        slept.append(seconds)
        while in_hand:
            message = in_hand.pop()
            done.append(message.payload["n"])
            message.ack()

    monkeypatch.setattr(virtual, "sleep", pool_finishes_the_task_in_hand)
    consumer = Consumer(channel, queues=[queue], callbacks=[lambda _body, m: in_hand.append(m)])
    consumer.qos(prefetch_count=1)
    with consumer:
        while len(done) + len(in_hand) < 20:
            connection.drain_events(timeout=5)
    pool_finishes_the_task_in_hand(0)

    assert sorted(done) == list(range(20))
    assert max(slept) <= 0.1
    connection.release()
