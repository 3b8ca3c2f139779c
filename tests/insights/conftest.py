"""Fixtures for insight tests: uploads run through the real import path, media in a temp dir."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from insights.imports.jobs import import_job_create, import_job_run
from insights.models import ImportJob
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload_file(account, content: bytes | str, name: str = "export.csv", **options) -> ImportJob:
    """Create the job as the page does, then run it as the worker does."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    job = import_job_create(
        account=account, uploaded_file=SimpleUploadedFile(name, content), **options
    )
    import_job_run(job_id=job.pk)
    return ImportJob.unscoped.get(pk=job.pk)


@pytest.fixture
def upload(account):
    def run(content, name="export.csv", target=None, **options):
        return upload_file(target or account, content, name, **options)

    return run
