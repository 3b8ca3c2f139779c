"""Fixtures for webhook tests: an unauthenticated client (LINE is not logged in) and a helper
that runs processing the way the Celery task does."""

from __future__ import annotations

import pytest
from django.test import Client

from webhooks.services import webhook_events_process_pending


@pytest.fixture
def line_client() -> Client:
    return Client()


@pytest.fixture
def process(account):
    """Run the processing service for the OA, as ``process_account_events`` would."""

    def run(target=None) -> int:
        return webhook_events_process_pending(account_id=(target or account).pk)

    return run
