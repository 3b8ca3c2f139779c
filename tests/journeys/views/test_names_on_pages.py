"""The journey pages say the OA's names for what a graph stores as ids and keys: a tag's name,
an attribute's label, never "tag 12" or the attribute key ``birthday``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from journeys.models import Journey, JourneyVersion
from journeys.starters import STARTERS
from segments.models import AttributeDefinition, Tag
from tests.conftest import client_for
from tests.journeys.views.helpers import url

pytestmark = pytest.mark.django_db


def _active(account, name: str, graph: dict) -> Journey:
    journey = Journey.unscoped.create(
        account=account, name=name, draft_graph=graph, status=Journey.Status.ACTIVE
    )
    journey.active_version = JourneyVersion.unscoped.create(
        account=account, journey=journey, number=1, graph=graph
    )
    journey.save(update_fields=["active_version"])
    return journey


def _tagged(tag_id: int) -> dict:
    return {
        "version": 1,
        "trigger": {"kind": "tag", "tag_id": tag_id, "change": "added"},
        "entry": {"following_only": True, "reentry": {"policy": "every_time"}},
        "start": "tag",
        "nodes": {
            "tag": {"type": "tags", "add": [tag_id]},
            "tier": {"type": "set_attribute", "attribute": "tier", "value": "gold"},
            "end": {"type": "exit"},
        },
        "edges": {"tag": {"next": "tier"}, "tier": {"next": "end"}},
    }


@pytest.fixture
def names(account):
    AttributeDefinition.unscoped.create(
        account=account, key="birthday", label="Date of birth", type="date"
    )
    AttributeDefinition.unscoped.create(
        account=account, key="tier", label="Member tier", type="text"
    )
    return Tag.unscoped.create(account=account, name="VIP")


def test_the_lists_name_the_attribute_and_the_tag_of_a_trigger(viewer, owner, account, names):
    _active(account, "Birthday", STARTERS["birthday"].graph())
    _active(account, "VIP welcome", _tagged(names.pk))
    body = client_for(viewer).get(url("account_journeys", account)).content.decode()
    assert "On the date in Date of birth, at 10:00" in body
    assert "When the tag “VIP” is added" in body
    assert "in birthday," not in body and f"tag {names.pk}" not in body
    workspace = account.workspace
    everywhere = client_for(owner).get(reverse("workspace_journeys", args=[workspace.slug]))
    assert "On the date in Date of birth, at 10:00" in everywhere.content.decode()


def test_the_journey_page_names_tags_and_attributes_on_its_flow(viewer, account, names):
    journey = _active(account, "VIP welcome", _tagged(names.pk))
    body = client_for(viewer).get(url("journey_detail", account, journey.pk)).content.decode()
    tag_card = body.split('id="flow-node-tag"')[1].split("</article>")[0]
    assert "Tags: add VIP" in tag_card
    attribute_card = body.split('id="flow-node-tier"')[1].split("</article>")[0]
    assert "Set Member tier to gold" in attribute_card
    assert f"tag {names.pk}" not in body
