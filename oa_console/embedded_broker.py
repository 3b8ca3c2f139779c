"""The embedded Celery broker of `make run`: kombu's filesystem transport, with each message
file made whole before a worker can see it.

kombu's own ``_put`` creates ``<time>_<uuid>.<queue>.msg`` and then writes the message into it.
Its reader moves any ``*.<queue>.msg`` it lists (a lock does not stop a move) and reads it, so a
worker that lists the folder between the two steps reads an empty file and dies on a
``JSONDecodeError``, taking `make run` down with it (seen when beat and the worker start
together). Here the message is written under a name the reader skips (``.part`` added) and
renamed into place when complete: a rename within one folder is atomic, so a reader finds the
whole message or nothing. Production and CI use Redis; this is the embedded default only.

``register()`` (called where the Celery app is made) puts this transport under kombu's own
``filesystem`` name, so ``CELERY_BROKER_URL=filesystem://`` and every reader of that name (the
worker, beat, ``/healthz``) use it, and a URL of another scheme is untouched.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

# kombu's reader takes a file when ``name.partition(".")[2] == f"{queue}.msg"``.
PARTIAL_SUFFIX = ".part"


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        """Write the message beside its final name, then rename it into place."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + PARTIAL_SUFFIX
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
    # How long the worker sleeps when it takes nothing: an empty folder, or its pool busy with
    # all the messages it may hold (prefetch 1 per process). kombu's 1 s let a 2-process worker
    # start at most 2 tasks a second, fewer than beat and the demo enqueue: the folder never
    # emptied and "send now" waited 50-70 s behind the backlog. Listing a small folder ten
    # times a second costs next to nothing.
    polling_interval = 0.1


def register() -> None:
    """Make ``filesystem://`` mean this transport in this process."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
