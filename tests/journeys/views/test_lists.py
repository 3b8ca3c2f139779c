"""The journey lists: one OA's (with its figures, filter, pages) and every visible OA's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journeys.models import Journey
from tests.conftest import client_for, make_member
from tests.factories import LineAccountFactory
from tests.journeys.journey_rows import convert, enrol, make_journey
from tests.journeys.views.helpers import url
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


def test_empty_list_invites_a_marketer_to_create_one(marketer, account):
    page = client_for(marketer).get(url("account_journeys", account))
    body = page.content.decode()
    assert page.status_code == 200
    assert "No journeys yet" in body
    assert url("journey_new", account) in body


def test_a_viewer_sees_no_create_button(viewer, account):
    body = client_for(viewer).get(url("account_journeys", account)).content.decode()
    assert "No journeys yet" in body
    assert url("journey_new", account) not in body


def test_each_row_shows_status_version_trigger_and_figures(owner, account):
    journey = make_journey(account, "Cart rescue", status="active")
    make_journey(account, "Birthday", starter="birthday")
    friends = FriendFactory.create_batch(3, account=account)
    enrol(journey, friend=friends[0])
    enrol(journey, friend=friends[1], state="completed")
    convert(enrol(journey, friend=friends[2], state="exited"), revenue="2500")
    page = client_for(owner).get(url("account_journeys", account))
    rows = page.content.decode().split('data-testid="journey-row"')[1:]
    assert len(rows) == 2
    cart = next(row for row in rows if "Cart rescue" in row)
    assert "Active" in cart
    assert "When cart_abandoned happens" in cart
    cells = [c.split("</td>")[0].strip() for c in cart.split('<td class="numeric">')[1:]]
    # version, in flight, enrolled, conversions, revenue
    assert cells == ["1", "1", "3", "1", "2,500"]
    birthday = next(row for row in rows if "Birthday" in row)
    assert "Draft" in birthday


def test_status_filter_keeps_only_that_status_and_answers_htmx_with_the_rows(owner, account):
    make_journey(account, "Live one", status="active")
    make_journey(account, "Draft one")
    client = client_for(owner)
    page = client.get(url("account_journeys", account), {"status": "active"})
    assert "Live one" in page.content.decode()
    assert "Draft one" not in page.content.decode()
    fragment = client.get(
        url("account_journeys", account),
        {"status": "draft"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="journey-rows",
    )
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="journey-rows">')
    assert "Draft one" in body and "Live one" not in body
    none = client.get(url("account_journeys", account), {"status": "paused"})
    assert "No journey has this status." in none.content.decode()


def test_an_unknown_status_is_ignored(owner, account):
    make_journey(account, "Draft one")
    page = client_for(owner).get(url("account_journeys", account), {"status": "bogus"})
    assert "Draft one" in page.content.decode()


def test_pages_of_25_keep_the_filter(owner, account):
    for number in range(27):
        make_journey(account, f"Journey {number:02}")
    client = client_for(owner)
    first = client.get(url("account_journeys", account), {"status": "draft"}).content.decode()
    assert first.count('data-testid="journey-row"') == 25
    assert "?status=draft&amp;page=2" in first
    second = client.get(url("account_journeys", account), {"status": "draft", "page": 2})
    assert second.content.decode().count('data-testid="journey-row"') == 2


def test_figures_cost_the_same_queries_for_2_or_20_journeys(owner, account):
    client = client_for(owner)
    friend = FriendFactory(account=account)
    for number in range(2):
        enrol(make_journey(account, f"J{number}", status="active"), friend=friend)
    client.get(url("account_journeys", account))
    with CaptureQueriesContext(connection) as few:
        client.get(url("account_journeys", account))
    for number in range(2, 20):
        enrol(make_journey(account, f"J{number}", status="active"), friend=friend)
    with CaptureQueriesContext(connection) as many:
        client.get(url("account_journeys", account))
    assert len(many) == len(few)


def test_workspace_list_shows_every_visible_oa_and_links_each_journey(owner, workspace, account):
    osaka = LineAccountFactory(workspace=workspace, slug="alpha-osaka", display_name="Osaka")
    make_journey(account, "Tokyo cart")
    make_journey(osaka, "Osaka welcome", starter="welcome_series", status="active")
    page = client_for(owner).get(reverse("workspace_journeys", args=[workspace.slug]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Tokyo cart" in body and "Osaka welcome" in body
    assert url("journey_detail", osaka, Journey.unscoped.get(account=osaka).pk) in body


def test_a_client_login_sees_only_its_own_oa_journeys(workspace, account):
    osaka = LineAccountFactory(workspace=workspace, slug="alpha-osaka", display_name="Osaka")
    make_journey(account, "Tokyo cart")
    make_journey(osaka, "Osaka secret plan")
    client_user = make_member(workspace, "marketer", email="c@x.example", accounts=[account])
    body = client_for(client_user).get(reverse("workspace_journeys", args=[workspace.slug]))
    text = body.content.decode()
    assert "Tokyo cart" in text
    assert "Osaka secret plan" not in text


def test_workspace_list_empty_state(owner, workspace, account):
    page = client_for(owner).get(reverse("workspace_journeys", args=[workspace.slug]))
    assert "None of the OAs you can see has a journey yet." in page.content.decode()


def test_the_oa_nav_and_the_workspace_home_link_to_journeys(owner, workspace, account):
    client = client_for(owner)
    home = client.get(reverse("account_broadcasts", args=[workspace.slug, account.slug]))
    assert url("account_journeys", account) in home.content.decode()
    workspace_home = client.get(reverse("workspace_home", args=[workspace.slug]))
    assert reverse("workspace_journeys", args=[workspace.slug]) in workspace_home.content.decode()
