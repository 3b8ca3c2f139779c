"""A journey's graph is a JSON object even in a draft saved with problems: anything else is a
400 naming ``graph`` (a ``true`` once reached the stats and answered 500)."""

from __future__ import annotations

import pytest

from journeys.models import Journey
from tests.api_helpers import account_url, api

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("graph", [True, [], 3, "start"])
def test_a_graph_that_is_no_object_is_refused_on_create_and_update(account, marketer, graph):
    client = api(marketer)
    body = {"name": "sweep", "graph": graph, "strict": False}
    created = client.post(account_url(account, "api_journeys"), body, format="json")
    assert created.status_code == 400 and "graph" in str(created.json()), created.json()
    journey = Journey.unscoped.create(account=account, name="Cart", draft_graph={})
    patched = client.patch(
        account_url(account, "api_journey_detail", journey=journey), body, format="json"
    )
    assert patched.status_code == 400 and "graph" in str(patched.json()), patched.content
    journey.refresh_from_db()
    assert journey.draft_graph == {} and journey.name == "Cart"
