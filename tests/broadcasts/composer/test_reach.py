"""The composer's audience panel: LINE's target reach beside the friends the console knows, an
offer of the LINE broadcast when the console knows fewer, and LINE's refusal of the list."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from tests.conftest import client_for
from tests.insights.factories import InsightRecordFactory
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "broadcast-audience"}


def _url(account) -> str:
    return f"/w/alpha/oa/{account.slug}/broadcasts/new/"


def _reach(account, day: datetime.date, value: int, source: str = "csv"):
    InsightRecordFactory(
        account=account,
        date=day,
        source=source,
        values={
            "date": day.isoformat(),
            "contacts": value + 50,
            "target_reaches": value,
            "blocks": 3,
        },
    )


def test_panel_shows_line_reach_beside_known_friends_and_offers_line_broadcast(marketer, account):
    FriendFactory.create_batch(3, account=account)
    FriendFactory(account=account, status="blocked")
    _reach(account, datetime.date(2026, 3, 1), 900)
    _reach(account, datetime.date(2026, 3, 2), 3684)  # the latest day counts
    _reach(account, datetime.date(2026, 3, 2), 3600, source="api")  # and LINE's API over a CSV
    page = client_for(marketer).get(_url(account)).content.decode()
    assert 'data-testid="line-reach">3,600' in page
    assert 'data-testid="known-following">3<' in page
    assert "reaches only the 3 friends the console knows" in page
    assert "every friend LINE can message: about 3,600" in page
    assert 'data-testid="use-line-broadcast"' in page
    assert 'data-testid="audience-refused"' not in page


def test_the_offer_chooses_all_friends_with_clicks_per_link(marketer, account):
    FriendFactory(account=account)
    _reach(account, datetime.date(2026, 3, 2), 50)
    data = {"name": "Sale", "audience_kind": "segment", "click_attribution": "friend"}
    client = client_for(marketer)
    fragment = client.post(
        _url(account), {**data, "audience_action": "line-broadcast"}, **HTMX
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="broadcast-audience">')
    assert re.search(r'name="audience_kind" value="all"[^>]*checked', fragment)
    assert re.search(r'name="click_attribution" value="link"[^>]*checked', fragment)
    assert 'data-testid="line-broadcast-chosen"' in fragment
    # Without htmx the whole composer comes back with the same choice.
    page = client.post(
        _url(account), {**data, "audience_action": "line-broadcast"}
    ).content.decode()
    assert 'name="name"' in page and 'data-testid="line-broadcast-chosen"' in page


def test_no_offer_when_the_console_knows_every_friend_line_reaches(marketer, account):
    FriendFactory.create_batch(4, account=account)
    _reach(account, datetime.date(2026, 3, 2), 4)
    page = client_for(marketer).get(_url(account)).content.decode()
    assert 'data-testid="audience-reach"' in page
    assert 'data-testid="use-line-broadcast"' not in page


def test_refused_follower_list_is_said_in_the_panel(marketer, account):
    FriendFactory.create_batch(2, account=account)
    account.follower_ids_refused_at = timezone.now()
    account.save(update_fields=["follower_ids_refused_at"])
    page = client_for(marketer).get(_url(account)).content.decode()
    assert (
        "LINE lists friends only for verified or premium OAs; the console knows 2 friends who "
        "have messaged or followed since the webhook was connected." in page
    )
    assert "not known yet" in page  # no Insights figures yet
