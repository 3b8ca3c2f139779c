"""Starting a journey: the seven starters and a blank one, each a card with its own form."""

from __future__ import annotations

import pytest

from journeys.models import Journey
from journeys.starters import STARTERS
from tests.conftest import client_for
from tests.journeys.views.helpers import url

pytestmark = pytest.mark.django_db


def test_the_page_shows_every_starter_and_a_blank_journey(marketer, account):
    page = client_for(marketer).get(url("journey_new", account))
    body = page.content.decode()
    assert page.status_code == 200
    for key, starter in STARTERS.items():
        assert f'data-testid="starter-{key}"' in body
        assert str(starter.name) in body
    assert 'data-testid="starter-blank"' in body
    assert body.count('name="starter"') == len(STARTERS) + 1


def test_viewers_may_not_create_journeys(viewer, account):
    client = client_for(viewer)
    assert client.get(url("journey_new", account)).status_code == 403
    response = client.post(
        url("journey_new", account), {"starter": "birthday", "birthday-name": "Birthday"}
    )
    assert response.status_code == 403
    assert not Journey.unscoped.exists()


def test_a_starter_becomes_a_draft_with_its_graph(marketer, account):
    response = client_for(marketer).post(
        url("journey_new", account),
        {"starter": "cart_abandonment", "cart_abandonment-name": "Cart rescue"},
    )
    journey = Journey.unscoped.get()
    assert response.status_code == 302
    assert response["Location"] == url("journey_builder", account, journey.pk)
    assert journey.name == "Cart rescue"
    assert journey.status == "draft"
    assert journey.account == account
    assert journey.draft_graph == STARTERS["cart_abandonment"].graph()


def test_a_blank_journey_starts_empty(marketer, account):
    client_for(marketer).post(
        url("journey_new", account), {"starter": "blank", "blank-name": "Mine"}
    )
    journey = Journey.unscoped.get()
    assert journey.name == "Mine"
    # the smallest valid journey: enrolled by the API, then straight out
    assert {node["type"] for node in journey.draft_graph["nodes"].values()} == {"exit"}


def test_an_empty_name_is_refused_on_its_own_card(marketer, account):
    response = client_for(marketer).post(
        url("journey_new", account), {"starter": "price_drop", "price_drop-name": "  "}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert not Journey.unscoped.exists()
    card = body.split('data-testid="starter-price_drop"')[1].split("</article>")[0]
    assert 'data-testid="field-error"' in card
    other = body.split('data-testid="starter-birthday"')[1].split("</article>")[0]
    assert 'data-testid="field-error"' not in other
