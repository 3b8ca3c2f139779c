"""Journeys to run in engine tests: a graph published as the active version of an active
journey, in the tenant scope of workspace A's OA."""

from __future__ import annotations

import copy

import pytest

from journeys.models import Journey, JourneyVersion
from tests.fakes.line_sending import SendingScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)

EXIT_ONLY = {
    "version": 1,
    "trigger": {"kind": "api", "properties": ["cart_id", "total"]},
    "entry": {"following_only": True, "reentry": {"policy": "every_time"}},
    "start": "end",
    "nodes": {"end": {"type": "exit"}},
    "edges": {},
}


def graph_with(**changes) -> dict:
    graph = copy.deepcopy(EXIT_ONLY)
    graph.update(changes)
    return graph


def send_graph(text: str, **fields) -> dict:
    """A journey that sends ``text`` at once (``fields`` added to the send node), then exits."""
    return graph_with(
        start="send",
        nodes={
            "send": {
                "type": "send",
                "quiet_hours": "defer",
                "messages": [{"type": "text", "text": text}],
                **fields,
            },
            "end": {"type": "exit"},
        },
        edges={"send": {"next": "end"}},
    )


def publish(account, graph: dict, *, status: str = Journey.Status.ACTIVE, name: str = "J"):
    journey = Journey.unscoped.create(account=account, name=name, draft_graph=graph, status=status)
    version = JourneyVersion.unscoped.create(
        account=account, journey=journey, number=1, graph=graph
    )
    journey.active_version = version
    journey.save(update_fields=["active_version"])
    return journey


@pytest.fixture
def make_journey(account, scope):
    def make(graph: dict | None = None, **kwargs):
        return publish(account, graph or graph_with(), **kwargs)

    return make


@pytest.fixture
def line(fake_line):  # noqa: F811
    """The fake LINE server answering sends with LINE's retry-key semantics."""
    script = SendingScript().install(fake_line)
    script.server = fake_line
    return script
