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
