"""Reading journeys: lists, one journey, enrolments and a friend's timeline, within one OA."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from journeys.selectors.journeys import (
    enrolment_list,
    friend_by_ref,
    friend_timeline,
    journey_get,
    journey_list,
    workspace_journey_list,
)
from oa_console.tenancy import tenant_scope
from tests.factories import LineAccountFactory
from tests.journeys.journey_rows import JourneyFactory, enrol, publish, step
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


def test_list_filters_by_status_and_get_refuses_other_oas(account, other_account):
    draft = JourneyFactory(account=account)
    active = JourneyFactory(account=account)
    publish(active)
    foreign = JourneyFactory(account=other_account)
    assert set(journey_list(account=account)) == {draft, active}
    assert list(journey_list(account=account, status="active")) == [active]
    assert journey_get(account=account, pk=draft.pk) == draft
    with pytest.raises(Http404):
        journey_get(account=account, pk=foreign.pk)
    with pytest.raises(Http404):
        journey_get(account=account, pk="abc")


def test_workspace_list_covers_only_the_given_oas(workspace, account, other_account):
    osaka = LineAccountFactory(workspace=workspace, slug="alpha-osaka", display_name="Osaka")
    tokyo_journey = JourneyFactory(account=account)
    JourneyFactory(account=osaka)
    JourneyFactory(account=other_account)
    with tenant_scope(workspace=workspace):
        found = list(workspace_journey_list(workspace=workspace, accounts=[account, other_account]))
    assert found == [tokyo_journey]


def test_enrolments_of_one_friend_found_by_member_id(account):
    journey = JourneyFactory(account=account)
    publish(journey)
    anna = FriendFactory(account=account, member_id="M-1")
    mine = enrol(journey, "wait_1h", friend=anna)
    enrol(journey, "wait_1h")
    friend = friend_by_ref(account=account, ref="M-1")
    assert friend == anna
    assert friend_by_ref(account=account, ref=anna.line_user_id) == anna
    assert friend_by_ref(account=account, ref="nobody") is None
    assert list(enrolment_list(account=account, journey=journey, friend=friend)) == [mine]
    assert enrolment_list(account=account, journey=journey).count() == 2


def test_friend_timeline_names_journey_node_and_what_happened(
    account, django_assert_max_num_queries
):
    journey = JourneyFactory(account=account, name="Cart")
    publish(journey)
    enrolment = enrol(journey, "reminder")
    step(enrolment, "", "enrolled", at=timezone.now() - timedelta(hours=1))
    step(enrolment, "reminder", "sent")
    with django_assert_max_num_queries(2):
        entries = friend_timeline(account=account, friend=enrolment.friend)
    assert [e.kind for e in entries] == ["sent", "enrolled"]  # newest first
    sent = next(e for e in entries if e.kind == "sent")
    assert sent.journey_name == "Cart"
    assert sent.node_label == "Cart reminder"
    assert sent.kind_label == "Sent"
