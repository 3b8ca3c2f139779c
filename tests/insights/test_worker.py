"""An upload through the page is imported by a real Celery worker from the configured broker."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, close_old_connections
from django.urls import reverse

from insights.models import ImportJob
from oa_console import queueing
from tests.conftest import client_for
from tests.oa_console.test_celery_worker import worker  # noqa: F401  (fixture)

TIMEOUT = 30.0


def _status(job_id: int) -> str:
    try:
        return ImportJob.unscoped.get(pk=job_id).status
    except OperationalError:
        close_old_connections()  # SQLite's shared test database is locked while the worker writes
        return ""


@pytest.mark.django_db(transaction=True)
def test_uploaded_file_is_imported_by_the_worker(worker, account, marketer):  # noqa: F811
    queueing.reset()
    client = client_for(marketer)
    response = client.post(
        reverse(
            "account_imports",
            kwargs={"workspace_slug": account.workspace.slug, "account_slug": account.slug},
        ),
        {
            "files": [
                SimpleUploadedFile("friends.csv", b"date,contacts\n20250101,10\n20250102,12\n")
            ]
        },
    )
    assert response.status_code == 302
    job_id = ImportJob.unscoped.get().pk
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and _status(job_id) not in ("succeeded", "failed"):
        time.sleep(0.2)
    job = ImportJob.unscoped.get(pk=job_id)
    assert (job.status, job.inserted) == ("succeeded", 2)


@pytest.mark.django_db(transaction=True)
def test_orders_are_imported_by_the_worker(worker, account, marketer):  # noqa: F811
    """Types registered by another app (segments: orders) exist in the worker process too."""
    from segments.models import CustomEvent
    from tests.segments.factories import FriendFactory

    FriendFactory(account=account, member_id="M1")
    queueing.reset()
    response = client_for(marketer).post(
        reverse(
            "account_imports",
            kwargs={"workspace_slug": account.workspace.slug, "account_slug": account.slug},
        ),
        {
            "report": "orders",
            "files": [
                SimpleUploadedFile(
                    "orders.csv",
                    b"member id,order id,order date,amount,currency\nM1,A-1,2025-06-01,500,JPY\n",
                )
            ],
        },
    )
    assert response.status_code == 302
    job_id = ImportJob.unscoped.get().pk
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and _status(job_id) not in ("succeeded", "failed"):
        time.sleep(0.2)
    job = ImportJob.unscoped.get(pk=job_id)
    assert (job.status, job.report, job.inserted) == ("succeeded", "orders", 1)
    assert CustomEvent.unscoped.get(account=account).amount == 500
