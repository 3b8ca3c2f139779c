"""The journey workflow: submit, activate (versions, friends in flight), pause, resume,
archive, by role."""

import pytest

from journeys.models import Enrolment, Journey, JourneyVersion
from journeys.services.errors import GraphInvalid, JourneyError, NotAllowed, StrandedFriends
from journeys.services.workflow import (
    journey_activate,
    journey_archive,
    journey_pause,
    journey_resume,
    journey_submit,
)
from oa_console.models import AuditEntry
from tests.journeys.journey_rows import JourneyFactory, enrol, publish

pytestmark = pytest.mark.django_db
S = Journey.Status


def without_wait_24h(graph: dict) -> dict:
    del graph["nodes"]["wait_24h"]
    del graph["edges"]["wait_24h"]
    graph["edges"]["reminder"] = {"next": "coupon"}
    return graph


def test_marketer_submits_and_admin_activates_version_1(account, marketer, admin_user):
    journey = JourneyFactory(account=account)
    journey = journey_submit(account=account, journey=journey, user=marketer)
    assert journey.status == S.SUBMITTED and journey.submitted_by == marketer
    with pytest.raises(NotAllowed):
        journey_activate(account=account, journey=journey, user=marketer)
    journey = journey_activate(account=account, journey=journey, user=admin_user)
    assert journey.status == S.ACTIVE
    assert journey.active_version.number == 1
    assert journey.active_version.graph == journey.draft_graph
    actions = list(AuditEntry.unscoped.order_by("pk").values_list("action", flat=True))
    assert actions == ["journey.submitted", "journey.activated"]


def test_an_invalid_graph_is_neither_submitted_nor_activated(account, marketer, owner):
    graph = JourneyFactory.build().draft_graph
    graph["edges"]["coupon"] = {"next": "nowhere"}
    journey = JourneyFactory(account=account, draft_graph=graph)
    with pytest.raises(GraphInvalid) as excinfo:
        journey_submit(account=account, journey=journey, user=marketer)
    assert any(p.node_id == "coupon" for p in excinfo.value.problems)
    with pytest.raises(GraphInvalid):
        journey_activate(account=account, journey=journey, user=owner)
    journey.refresh_from_db()
    assert journey.status == S.DRAFT
    assert not JourneyVersion.unscoped.exists()


def test_an_edit_publishes_version_2_and_moves_friends_whose_node_survives(account, owner):
    journey = JourneyFactory(account=account)
    v1 = publish(journey)
    waiting = enrol(journey, "wait_1h")
    done = enrol(journey, "coupon", state="completed")
    graph = journey.draft_graph
    graph["nodes"]["coupon"]["label"] = "Coupon, 15% off"
    journey.draft_graph = graph
    journey.save()
    journey = journey_activate(account=account, journey=journey, user=owner)
    assert journey.active_version.number == 2
    waiting.refresh_from_db()
    done.refresh_from_db()
    assert waiting.version == journey.active_version
    assert done.version == v1  # a finished enrolment keeps its history


def test_an_edit_that_strands_friends_is_refused_with_the_count(account, owner):
    journey = JourneyFactory(account=account)
    v1 = publish(journey)
    for _ in range(3):
        enrol(journey, "wait_24h")
    enrol(journey, "wait_1h")
    journey.draft_graph = without_wait_24h(journey.draft_graph)
    journey.save()
    with pytest.raises(StrandedFriends) as excinfo:
        journey_activate(account=account, journey=journey, user=owner)
    assert excinfo.value.count == 3
    assert excinfo.value.node_ids == ["wait_24h"]
    assert "3" in excinfo.value.message
    journey.refresh_from_db()
    assert journey.active_version == v1
    assert JourneyVersion.unscoped.count() == 1
    assert set(Enrolment.unscoped.values_list("version", flat=True)) == {v1.pk}


def test_activating_what_already_runs_says_so(account, owner):
    journey = JourneyFactory(account=account)
    publish(journey)
    with pytest.raises(JourneyError) as excinfo:
        journey_activate(account=account, journey=journey, user=owner)
    assert excinfo.value.code == "already_active"


def test_pause_with_a_reason_and_resume(account, marketer, admin_user):
    journey = JourneyFactory(account=account)
    publish(journey)
    journey = journey_pause(
        account=account, journey=journey, user=None, reason="The LINE channel is disconnected."
    )
    assert journey.status == S.PAUSED
    assert journey.paused_reason == "The LINE channel is disconnected."
    with pytest.raises(JourneyError) as excinfo:
        journey_pause(account=account, journey=journey, user=marketer)
    assert "paused" in excinfo.value.message
    with pytest.raises(NotAllowed):
        journey_resume(account=account, journey=journey, user=marketer)
    journey = journey_resume(account=account, journey=journey, user=admin_user)
    assert journey.status == S.ACTIVE and journey.paused_reason == ""


def test_resume_applies_only_to_a_paused_journey(account, owner):
    journey = JourneyFactory(account=account)
    with pytest.raises(JourneyError) as excinfo:
        journey_resume(account=account, journey=journey, user=owner)
    assert excinfo.value.code == "wrong_state"


def test_archive_ends_friends_in_flight(account, owner):
    journey = JourneyFactory(account=account)
    publish(journey)
    waiting = enrol(journey, "wait_1h")
    completed = enrol(journey, "end", state="completed")
    journey = journey_archive(account=account, journey=journey, user=owner)
    assert journey.status == S.ARCHIVED
    waiting.refresh_from_db()
    completed.refresh_from_db()
    assert waiting.state == "exited" and waiting.exit_reason == "archived"
    assert waiting.ended_at is not None
    assert completed.exit_reason == ""
    with pytest.raises(JourneyError):
        journey_archive(account=account, journey=journey, user=owner)
    with pytest.raises(JourneyError):
        journey_activate(account=account, journey=journey, user=owner)


def test_an_edit_of_an_active_journey_is_submitted_while_it_keeps_running(account, marketer, owner):
    journey = JourneyFactory(account=account)
    v1 = publish(journey)
    with pytest.raises(JourneyError) as excinfo:
        journey_submit(account=account, journey=journey, user=marketer)
    assert excinfo.value.code == "no_edit"
    graph = journey.draft_graph
    graph["nodes"]["coupon"]["label"] = "Coupon, 15% off"
    journey.draft_graph = graph
    journey.save()
    journey = journey_submit(account=account, journey=journey, user=marketer)
    assert journey.status == S.ACTIVE and journey.active_version == v1
    assert journey.submitted_by == marketer
    journey = journey_activate(account=account, journey=journey, user=owner)
    assert journey.active_version.number == 2
