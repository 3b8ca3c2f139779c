"""Drafting journeys: create from a starter, edit (loosely or strictly), delete, roles."""

import pytest

from journeys.models import Journey
from journeys.services.errors import GraphInvalid, JourneyError, NotAllowed
from journeys.services.journeys import journey_create, journey_delete, journey_update
from journeys.starters import STARTERS
from oa_console.models import AuditEntry
from tests.journeys.journey_rows import JourneyFactory, publish

pytestmark = pytest.mark.django_db


def test_marketer_creates_a_draft_from_a_starter_and_it_is_audited(account, marketer):
    journey = journey_create(
        account=account, user=marketer, name=" Cart ", starter="cart_abandonment"
    )
    assert journey.status == Journey.Status.DRAFT
    assert journey.name == "Cart"
    assert journey.draft_graph == STARTERS["cart_abandonment"].graph()
    entry = AuditEntry.unscoped.get(action="journey.created")
    assert entry.actor == marketer and entry.details == {"name": "Cart"}


def test_blank_journey_validates(account, marketer):
    from journeys.services.journeys import strict_problems

    journey = journey_create(account=account, user=marketer, name="Blank")
    assert strict_problems(account=account, journey_id=journey.pk, graph=journey.draft_graph) == []


def test_viewer_may_not_create(account, viewer):
    with pytest.raises(NotAllowed):
        journey_create(account=account, user=viewer, name="x", starter="birthday")
    assert not Journey.unscoped.exists()


def test_unknown_starter_and_empty_name_are_refused(account, marketer):
    with pytest.raises(JourneyError) as excinfo:
        journey_create(account=account, user=marketer, name="x", starter="nope")
    assert excinfo.value.code == "unknown_starter"
    with pytest.raises(JourneyError) as excinfo:
        journey_create(account=account, user=marketer, name="  ", starter="birthday")
    assert excinfo.value.code == "name_required"


def test_a_draft_with_problems_is_saved_unless_strict(account, marketer):
    journey = JourneyFactory(account=account)
    graph = journey.draft_graph
    graph["edges"]["coupon"] = {"next": "nowhere"}
    journey = journey_update(account=account, journey=journey, user=marketer, graph=graph)
    assert journey.draft_graph["edges"]["coupon"] == {"next": "nowhere"}

    graph["nodes"]["reminder"]["messages"] = []
    with pytest.raises(GraphInvalid) as excinfo:
        journey_update(account=account, journey=journey, user=marketer, graph=graph, strict=True)
    problems = {(p.node_id, p.field) for p in excinfo.value.problems}
    assert ("reminder", "messages") in problems
    journey.refresh_from_db()
    assert journey.draft_graph["nodes"]["reminder"]["messages"]  # the strict edit changed nothing


def test_an_archived_journey_cannot_be_edited(account, marketer):
    journey = JourneyFactory(account=account, status=Journey.Status.ARCHIVED)
    with pytest.raises(JourneyError):
        journey_update(account=account, journey=journey, user=marketer, name="New")


def test_delete_a_draft_but_not_a_journey_that_ran(account, marketer):
    draft = JourneyFactory(account=account)
    journey_delete(account=account, journey=draft, user=marketer)
    assert not Journey.unscoped.filter(pk=draft.pk).exists()
    ran = JourneyFactory(account=account)
    publish(ran)
    with pytest.raises(JourneyError) as excinfo:
        journey_delete(account=account, journey=ran, user=marketer)
    assert excinfo.value.code == "was_active"


def test_another_accounts_journey_is_not_found(account, other_account, marketer):
    foreign = JourneyFactory(account=other_account)
    with pytest.raises(Journey.DoesNotExist):
        journey_update(account=account, journey=foreign, user=None, name="Hijack")
