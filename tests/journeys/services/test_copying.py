"""Copying a journey to another OA of the workspace: ids remapped by name, gaps reported."""

import pytest
from django.http import Http404

from journeys.models import Journey
from journeys.services.copying import MISSING
from journeys.services.journeys import journey_copy
from segments.models import AttributeDefinition, Tag
from tests.factories import LineAccountFactory
from tests.journeys.journey_rows import JourneyFactory

pytestmark = pytest.mark.django_db


def graph_with_tags(vip: int, lapsed: int) -> dict:
    return {
        "version": 1,
        "trigger": {"kind": "tag", "tag_id": vip, "change": "added"},
        "entry": {
            "following_only": True,
            "reentry": {"policy": "every_time"},
            "audience": {"all": [{"field": "tag", "op": "has_any", "value": [vip, lapsed]}]},
        },
        "start": "tag",
        "nodes": {
            "tag": {"type": "tags", "add": [lapsed]},
            "tier": {"type": "set_attribute", "attribute": "tier", "value": "gold"},
            "end": {"type": "exit"},
        },
        "edges": {"tag": {"next": "tier"}, "tier": {"next": "end"}},
    }


def test_copy_remaps_tags_by_name_and_reports_what_the_target_lacks(workspace, account, owner):
    target = LineAccountFactory(workspace=workspace, slug="alpha-osaka")
    vip = Tag.unscoped.create(account=account, name="VIP")
    lapsed = Tag.unscoped.create(account=account, name="Lapsed")
    AttributeDefinition.unscoped.create(account=account, key="tier", label="Tier", type="text")
    target_vip = Tag.unscoped.create(account=target, name="VIP")
    journey = JourneyFactory(account=account, draft_graph=graph_with_tags(vip.pk, lapsed.pk))

    copied = journey_copy(journey=journey, target_account=target, user=owner)

    assert copied.account == target and copied.status == Journey.Status.DRAFT
    graph = copied.draft_graph
    assert graph["trigger"]["tag_id"] == target_vip.pk
    assert graph["entry"]["audience"]["all"][0]["value"] == [target_vip.pk, MISSING]
    assert graph["nodes"]["tag"]["add"] == [MISSING]
    problems = {(p.node_id, p.field, p.code) for p in copied.copy_problems}
    assert problems == {
        (None, "entry.audience.all[0].value[1]", "copy_missing_tag"),
        ("tag", "add[0]", "copy_missing_tag"),
        ("tier", "attribute", "copy_missing_attribute"),
    }
    assert any("Lapsed" in p.message for p in copied.copy_problems)
    journey.refresh_from_db()
    assert journey.draft_graph["trigger"]["tag_id"] == vip.pk  # the original is untouched


def test_copy_to_another_workspace_is_not_found(account, other_account, owner):
    journey = JourneyFactory(account=account)
    with pytest.raises(Http404):
        journey_copy(journey=journey, target_account=other_account, user=owner)
    assert not Journey.unscoped.filter(account=other_account).exists()


def test_copy_to_an_oa_the_user_may_not_see_is_not_found(workspace, account):
    from oa_console.roles import Role
    from tests.conftest import make_member

    target = LineAccountFactory(workspace=workspace, slug="alpha-osaka")
    client_login = make_member(workspace, Role.MARKETER, accounts=[account])
    journey = JourneyFactory(account=account)
    with pytest.raises(Http404):
        journey_copy(journey=journey, target_account=target, user=client_login)
