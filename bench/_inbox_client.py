"""bench/inbox.py's webhook client for the ``live`` scenario: open loop on one asyncio loop.

Each request is made, signed and sent when it is due, whatever the server's state: a request
does not wait for an earlier one's answer (the thread-per-connection client it replaces held
16 requests in flight, so a server answering in 100 ms capped it near 160 requests/s and its
own lag was counted as the console's). Each request's write side is closed once it is sent:
gunicorn's sync worker lingers after its answer until the client's end of the connection
closes (RFC 9112 graceful close); Caddy in production closes as soon as it read the answer,
while this loop, busy with hundreds of connections a second on a loaded machine, would take
milliseconds to, and held gunicorn's workers for them (30 % of their time, py-spy).

The requests are what LINE sends: one event per request, its timestamp and reply token made
when due (a reply token is valid for about a minute from its event), the body signed with the
channel secret and posted to the real webhook URL.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Callable

from webhooks.services import webhook_signature

# At most this many requests in flight; a server further behind delays the next post, which
# is still measured from its scheduled time.
MAX_IN_FLIGHT = 2_000


def _request(path: str, body: bytes, signature: str) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-Line-Signature: {signature}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


async def _post(port: int, request: bytes) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        writer.write_eof()  # the request is whole: a half-close, as a proxy done sending
        answer = await reader.read()  # to the end: the server closes after its answer
    finally:
        writer.close()
    status_line = answer.split(b"\r\n", 1)[0].split()
    return int(status_line[1]) if len(status_line) > 1 else 0


async def _post_all(
    *,
    port: int,
    path: str,
    secret: str,
    destination: str,
    total: int,
    rate: float,
    make_event: Callable[[int, float], dict],
    on_sent: Callable[[dict, float], None],
    on_answer: Callable[[int], None],
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time() + 0.5
    started_epoch = time.time() + 0.5
    slots = asyncio.Semaphore(MAX_IN_FLIGHT)
    pending: set[asyncio.Task] = set()

    async def send(number: int) -> None:
        try:
            due = started_epoch + number / rate
            event = make_event(number, due)
            body = json.dumps(
                {"destination": destination, "events": [event]}, separators=(",", ":")
            ).encode()
            signature = webhook_signature(channel_secret=secret, body=body)
            on_sent(event, due)
            try:
                status = await _post(port, _request(path, body, signature))
            except OSError:
                status = 0
            on_answer(status)
        finally:
            slots.release()

    for number in range(total):
        delay = started + number / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await slots.acquire()
        task = asyncio.create_task(send(number))
        pending.add(task)
        task.add_done_callback(pending.discard)
    if pending:
        await asyncio.gather(*pending)


def post_open_loop(
    *,
    port: int,
    path: str,
    secret: str,
    destination: str,
    total: int,
    rate: float,
    make_event: Callable[[int, float], dict],
    on_sent: Callable[[dict, float], None],
    on_answer: Callable[[int], None],
) -> float:
    """Post ``total`` one-event webhooks at ``rate`` per second; ``make_event(number, due)``
    makes each event when due, ``on_sent(event, due)`` is told before it is posted and
    ``on_answer(status)`` after (0: no answer). Returns the wall time in seconds.

    The client's own garbage collection is paused while it posts: a full collection of this
    process (the bench's data and its timings) took up to 110 ms, every post due meanwhile
    went late, and its lateness was counted as the console's."""
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        asyncio.run(
            _post_all(
                port=port,
                path=path,
                secret=secret,
                destination=destination,
                total=total,
                rate=rate,
                make_event=make_event,
                on_sent=on_sent,
                on_answer=on_answer,
            )
        )
    finally:
        gc.enable()
        gc.unfreeze()
    return time.perf_counter() - started
