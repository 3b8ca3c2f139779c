"""The Celery application; tasks live in each app's tasks.py."""

import ctypes
import gc
import os

from celery import Celery
from celery.signals import beat_init, task_postrun, task_prerun, worker_init, worker_process_init
from django.db import close_old_connections

from oa_console import embedded_broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oa_console.settings")

# The embedded broker's filesystem transport writes message files whole (see embedded_broker).
embedded_broker.register()

app = Celery("oa_console")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def announce_beat_start(sender, **kwargs) -> None:
    """Record a heartbeat as soon as beat starts, not one interval later, so /healthz shows
    beat alive right after a deploy or `make run`."""
    app.send_task("oa_console.tasks.record_heartbeat", args=["beat"])


@worker_init.connect
def prepare_memory_shared_by_the_pool(sender, **kwargs) -> None:
    """In the worker's main process, before the pool forks its children:

    - import line-bot-sdk (hundreds of generated models) and the URLconf with every view
      module (the first ``reverse`` of a tracked link loads it), so they are loaded once and
      shared instead of being imported, at seconds of CPU each, by every child in the middle
      of its first send;
    - then freeze everything loaded so far out of the garbage collector's reach: a collection
      in a child would otherwise write to the pages holding those objects, and each child
      would end up with its own copy of them (the bench's 2-process worker: 288 -> 234 MB
      proportional).
    """
    from django.urls import reverse

    from oa_console.line.clients import sdk_preload

    sdk_preload()
    reverse("login")  # imports the URLconf and builds its reverse map
    gc.freeze()


@worker_process_init.connect
def trim_the_heap_after_each_task(**kwargs) -> None:
    """In each pool process (not in the web server, nor where tests run tasks eagerly), hand
    the C heap's free pages back to the system after every task. A task's large buffers
    (PostgreSQL result sets, a runner batch's rows, request bodies) are malloc'd and freed, but
    glibc keeps freed pages mapped for the next allocation: without this, each pool process
    would keep the high-water mark of the largest task it ever ran."""
    try:
        malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, Alpine's musl): nothing to trim
        return

    def return_freed_memory(**kwargs) -> None:
        malloc_trim(0)

    task_postrun.connect(return_freed_memory, weak=False)


@task_prerun.connect
@task_postrun.connect
def close_old_database_connections(sender=None, **kwargs) -> None:
    """Around each task, what Django does around each request: close the connection if it
    outlived ``CONN_MAX_AGE`` or an error left it unusable, and keep it otherwise (Celery's
    own fixup would close it every time: ``CELERY_DB_REUSE_MAX``). Not for a task run eagerly
    inside a caller's transaction (tests), whose connection is the caller's."""
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    close_old_connections()
