"""A Celery task keeps the process's database connection as a request does (``CONN_MAX_AGE``):
Celery's Django fixup alone closed it around every task, so each task opened a new
PostgreSQL session."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoWorkerFixup
from django.db import connection

from oa_console.celery import app, close_old_database_connections


def _task(eager: bool) -> SimpleNamespace:
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")  # SQLite's test database is in memory
def test_a_task_keeps_a_connection_younger_than_its_max_age_and_closes_an_older_one():
    connection.ensure_connection()
    connection.close_at = time.monotonic() + 60  # opened with CONN_MAX_AGE=60
    fixup = DjangoWorkerFixup(app)
    fixup.on_task_prerun(_task(eager=False))
    close_old_database_connections(sender=_task(eager=False))
    fixup.on_task_postrun(_task(eager=False))
    close_old_database_connections(sender=_task(eager=False))
    assert connection.connection is not None

    connection.close_at = time.monotonic() - 1  # past its age
    close_old_database_connections(sender=_task(eager=False))
    assert connection.connection is None


@pytest.mark.django_db
def test_a_task_run_eagerly_leaves_its_callers_connection_alone():
    """Inside a caller's transaction (a test) the autocommit differs from the settings', which
    Django reads as "left in a bad state": closing it would break the caller's transaction."""
    connection.ensure_connection()
    close_old_database_connections(sender=_task(eager=True))
    assert connection.connection is not None
    assert connection.in_atomic_block
