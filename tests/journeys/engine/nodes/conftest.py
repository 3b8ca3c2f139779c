"""Fixtures of the webhook node tests (``webhook_world`` holds the rest)."""

from __future__ import annotations

import pytest

from journeys.models import WebhookSecret
from tests.journeys.engine.nodes.webhook_world import SECRET, Endpoint, serve


@pytest.fixture
def make_endpoint(settings):
    """Brand endpoints on 127.0.0.1 (``on_request(headers)`` runs in the server's thread)."""
    settings.JOURNEYS_WEBHOOK_ALLOW_PRIVATE = True
    servers = []

    def make(on_request=None) -> Endpoint:
        state, server = serve(on_request)
        servers.append(server)
        return state

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def endpoint(make_endpoint):
    return make_endpoint()


@pytest.fixture
def secret(account):
    return WebhookSecret.unscoped.create(account=account, name="shop", secret=SECRET)
