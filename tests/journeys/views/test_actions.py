"""A journey's workflow from its page: each action by role, refusals said in words, copy to
another OA, delete, the test run."""

from __future__ import annotations

import pytest
from django.conf import settings

from journeys.models import Enrolment, Journey
from tests.conftest import client_for, make_member
from tests.factories import LineAccountFactory
from tests.journeys.journey_rows import enrol, make_journey
from tests.journeys.views.helpers import url
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


def _status(journey) -> str:
    return Journey.unscoped.get(pk=journey.pk).status


def test_a_marketer_submits_and_an_admin_activates(marketer, admin_user, account):
    journey = make_journey(account)
    submitted = client_for(marketer).post(url("journey_submit", account, journey.pk), follow=True)
    assert _status(journey) == "submitted"
    assert "Submitted: an admin can now activate it." in submitted.content.decode()
    assert (
        client_for(marketer).post(url("journey_activate", account, journey.pk)).status_code == 403
    )
    activated = client_for(admin_user).post(
        url("journey_activate", account, journey.pk), follow=True
    )
    journey.refresh_from_db()
    assert journey.status == "active"
    assert journey.active_version.number == 1
    assert "Active: friends who meet its trigger now enter it." in activated.content.decode()


def test_the_message_after_an_action_is_in_the_readers_language(marketer, account):
    """The workflow views are made once at import; their messages still follow each request."""
    journey = make_journey(account)
    client = client_for(marketer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    submitted = client.post(url("journey_submit", account, journey.pk), follow=True)
    assert "申請しました。管理者が有効化できます。" in submitted.content.decode()


def test_viewers_may_not_submit(viewer, account):
    journey = make_journey(account)
    assert client_for(viewer).post(url("journey_submit", account, journey.pk)).status_code == 403
    assert _status(journey) == "draft"


def test_activating_an_invalid_graph_says_which_step_is_wrong(admin_user, account):
    journey = make_journey(account)
    journey.draft_graph["edges"]["reminder"] = {"next": "nowhere"}
    journey.save()
    response = client_for(admin_user).post(
        url("journey_activate", account, journey.pk), follow=True
    )
    body = response.content.decode()
    assert _status(journey) == "draft"
    assert "reminder" in body
    assert "problem" in body


def test_publishing_an_edit_that_strands_friends_is_refused_with_the_count(admin_user, account):
    journey = make_journey(account, status="active")
    for friend in FriendFactory.create_batch(2, account=account):
        enrol(journey, friend=friend, node_id="wait_24h")
    graph = journey.draft_graph
    del graph["nodes"]["wait_24h"]
    graph["edges"]["reminder"] = {"next": "coupon"}
    del graph["edges"]["wait_24h"]
    journey.draft_graph = graph
    journey.save()
    response = client_for(admin_user).post(
        url("journey_activate", account, journey.pk), follow=True
    )
    body = response.content.decode()
    assert "2 friends" in body
    assert "wait_24h" in body
    assert Journey.unscoped.get(pk=journey.pk).active_version.number == 1


def test_pause_resume_and_archive(marketer, owner, account):
    journey = make_journey(account, status="active")
    enrol(journey, friend=FriendFactory(account=account))
    client_for(marketer).post(url("journey_pause", account, journey.pk))
    assert _status(journey) == "paused"
    assert client_for(marketer).post(url("journey_resume", account, journey.pk)).status_code == 403
    client_for(owner).post(url("journey_resume", account, journey.pk))
    assert _status(journey) == "active"
    client_for(owner).post(url("journey_archive", account, journey.pk))
    assert _status(journey) == "archived"
    assert Enrolment.unscoped.get(journey=journey).state == "exited"


def test_a_state_that_does_not_allow_the_action_says_why(owner, account):
    journey = make_journey(account)
    response = client_for(owner).post(url("journey_resume", account, journey.pk), follow=True)
    assert "Only a paused journey can be resumed." in response.content.decode()


def test_copy_to_another_oa_of_the_workspace(marketer, workspace, account):
    osaka = LineAccountFactory(workspace=workspace, slug="alpha-osaka", display_name="Osaka")
    journey = make_journey(account, "Cart rescue", status="active")
    response = client_for(marketer).post(
        url("journey_copy", account, journey.pk), {"target": osaka.pk}
    )
    copy = Journey.unscoped.get(account=osaka)
    assert response.status_code == 302
    assert response["Location"] == url("journey_detail", osaka, copy.pk)
    assert copy.status == "draft"
    assert copy.draft_graph == journey.draft_graph


def test_copy_to_an_oa_the_member_may_not_see_is_refused(workspace, account):
    osaka = LineAccountFactory(workspace=workspace, slug="alpha-osaka", display_name="Osaka")
    limited = make_member(workspace, "marketer", email="c@x.example", accounts=[account])
    journey = make_journey(account)
    response = client_for(limited).post(
        url("journey_copy", account, journey.pk), {"target": osaka.pk}
    )
    assert response.status_code == 400
    assert not Journey.unscoped.filter(account=osaka).exists()
    copy_panel = response.content.decode().split('data-testid="journey-copy"')[1]
    assert 'data-testid="field-error"' in copy_panel.split("</section>")[0]
    assert "Osaka" not in copy_panel.split("</section>")[0]


def test_a_draft_is_deleted_and_the_list_shown(marketer, account):
    journey = make_journey(account)
    response = client_for(marketer).post(url("journey_delete", account, journey.pk))
    assert response["Location"] == url("account_journeys", account)
    assert not Journey.unscoped.exists()


def test_the_test_run_needs_a_friend_of_this_oa(marketer, account, other_account):
    journey = make_journey(account, status="active")
    stranger = FriendFactory(account=other_account)
    response = client_for(marketer).post(
        url("journey_test", account, journey.pk), {"friend": stranger.line_user_id}
    )
    assert response.status_code == 404


def test_a_marketer_runs_the_journey_for_one_friend(marketer, account):
    journey = make_journey(account, status="active")
    friend = FriendFactory(account=account, display_name="Aiko")
    response = client_for(marketer).post(
        url("journey_test", account, journey.pk), {"friend": friend.line_user_id}, follow=True
    )
    enrolment = Enrolment.unscoped.get(journey=journey)
    assert enrolment.friend == friend
    assert enrolment.is_test
    assert "Test started for Aiko" in response.content.decode()


def test_viewers_may_not_run_tests(viewer, account):
    journey = make_journey(account, status="active")
    friend = FriendFactory(account=account)
    response = client_for(viewer).post(
        url("journey_test", account, journey.pk), {"friend": friend.line_user_id}
    )
    assert response.status_code == 403
    assert not Enrolment.unscoped.exists()
