"""Friends list extensions (member id search, tag and attribute filters, bulk tagging, CSV of
the view) and the friend page's CRM sections."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings

from segments.models import FriendTag, Segment
from tests.conftest import client_for
from tests.segments.crm_world import build_crm_world


@pytest.fixture
def world(account):
    return build_crm_world(account)


@pytest.fixture
def base(account):
    return f"/w/alpha/oa/{account.slug}/friends/"


def names(response) -> set[str]:
    return {str(friend) for friend in response.context["page_obj"]}


@pytest.mark.django_db
def test_search_and_filters(owner, world, base):
    client = client_for(owner)
    assert names(client.get(base, {"q": "m1"})) == {"Friend A"}  # member id, any case
    assert names(client.get(base, {"tag": world.tags["vip"].pk})) == {"Friend A", "Friend D"}
    assert names(client.get(base, {"attr": "city", "attr_value": "osaka"})) == {"Friend B"}
    assert names(client.get(base, {"attr": "points", "attr_value": "1500"})) == {"Friend A"}
    assert names(client.get(base, {"attr": "points", "attr_value": "lots"})) == set()
    assert names(client.get(base, {"attr": "newsletter", "attr_value": "no"})) == {"Friend B"}
    both = client.get(base, {"tag": world.tags["news"].pk, "status": "blocked"})
    assert names(both) == {"Friend B"}
    # An unknown tag id or attribute is ignored rather than answered with an error.
    assert len(names(client.get(base, {"tag": 999999, "attr": "nope", "attr_value": "1"}))) == 4


@pytest.mark.django_db
def test_export_is_the_current_view(owner, world, base):
    response = client_for(owner).get(base + "export.csv", {"tag": world.tags["vip"].pk})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert sorted(row["display_name"] for row in rows) == ["Friend A", "Friend D"]


@pytest.mark.django_db
def test_bulk_tag_selected_and_all_of_the_view(owner, world, base):
    client = client_for(owner)
    news = world.tags["news"]
    friends = world.friends
    response = client.post(
        base + "bulk-tag/",
        {
            "bulk_tag": news.pk,
            "action": "add",
            "friend": [friends["C"].pk, friends["A"].pk],
            "next": base + "?tag=1",
        },
    )
    assert response.status_code == 302 and response["Location"] == base + "?tag=1"
    carriers = dict(
        FriendTag.unscoped.filter(tag=news).values_list("friend__display_name", "source")
    )
    assert carriers == {"Friend A": "manual", "Friend B": "manual", "Friend C": "manual"}
    # "All friends of this view": the filters travel with the form (here: blocked friends).
    client.post(
        base + "bulk-tag/",
        {"bulk_tag": news.pk, "action": "remove", "scope": "all", "status": "blocked"},
    )
    carriers = set(
        FriendTag.unscoped.filter(tag=news).values_list("friend__display_name", flat=True)
    )
    assert carriers == {"Friend A", "Friend C"}
    # An off-site "next" is not followed.
    away = client.post(
        base + "bulk-tag/",
        {"bulk_tag": news.pk, "friend": friends["D"].pk, "next": "https://evil.example/"},
    )
    assert away["Location"] == base


@pytest.mark.django_db
def test_bulk_tag_needs_a_marketer(viewer, world, base):
    response = client_for(viewer).post(
        base + "bulk-tag/", {"bulk_tag": world.tags["news"].pk, "friend": world.friends["C"].pk}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_friend_page_shows_tags_data_segments_and_events(owner, world, base, account):
    Segment.unscoped.create(
        account=account,
        name="VIP",
        rules={"field": "tag", "op": "has", "value": world.tags["vip"].pk},
    )
    Segment.unscoped.create(
        account=account, name="Blocked", rules={"field": "status", "op": "eq", "value": "blocked"}
    )
    page = client_for(owner).get(base + world.friends["A"].line_user_id + "/")
    body = page.content.decode()
    assert [s.name for s in page.context["segments"]] == ["VIP"]
    assert [t.tag.name for t in page.context["friend_tags"]] == ["news", "vip"]
    assert "Manual" in body and "M1" in body and "Tokyo" in body and "1,500" in body
    assert [e.name for e in page.context["custom_events"]] == ["purchase"] * 3
    assert 'data-testid="custom-events"' in body


def _friend_page(owner, base, friend, language: str) -> str:
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(base + friend.line_user_id + "/").content.decode()


@pytest.mark.django_db
def test_friend_page_shows_names_and_formatted_values_not_codes(owner, world, base, account):
    """Region jp_13 reads Tokyo, the add-friend source its campaign's name, points 1,500 (not
    1500.000000), amounts by currency, and event properties as key/value pairs."""
    from segments.services.campaigns import campaign_link_create

    account.basic_id = "@alpha"
    account.save(update_fields=["basic_id"])
    campaign_link_create(account=account, name="Spring poster", source="qr_spring")
    body = _friend_page(owner, base, world.friends["A"], "en")
    data = body[body.index('data-testid="friend-data"') :]
    assert re.search(r"<dt>Region</dt><dd>Tokyo</dd>", data)
    assert re.search(r"<dt>Add-friend source</dt><dd>Spring poster", data)
    assert re.search(r"<dt>points</dt><dd>1,500</dd>", data)
    events = body[body.index('data-testid="custom-events"') :]
    assert "1,000 JPY" in events
    assert "<dt>category</dt><dd>shoes</dd>" in events
    assert not re.search(r"jp_13|qr_spring|\.0{6}|\{'", body)

    other = _friend_page(owner, base, world.friends["C"], "en")
    events = other[other.index('data-testid="custom-events"') :]
    assert "<dt>gift</dt><dd>yes</dd>" in events
    assert "{'" not in other


@pytest.mark.django_db
def test_friend_page_in_thai_names_the_region_and_relative_times(owner, world, base):
    body = _friend_page(owner, base, world.friends["A"], "th")
    assert '<html lang="th"' in body
    assert re.search(r"<dd>โตเกียว</dd>", body)
    assert re.search(r"<dd>หญิง</dd>", body)
    assert "jp_13" not in body


@pytest.mark.django_db
def test_friend_list_relative_times_are_translated_in_thai(owner, world, base):
    """Django's Thai catalogues have no "%(num)d day" / "%(num)d hour" / "%(delta)s ago": the
    list printed "6 days, 16 hours ago" on a Thai page."""
    from django.utils import timezone

    friend = world.friends["A"]
    friend.last_interaction_at = timezone.now() - timedelta(days=6, hours=16, minutes=1)
    friend.save(update_fields=["last_interaction_at"])
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    body = client.get(base).content.decode().replace("\xa0", " ")
    assert "6 วัน, 16 ชั่วโมง ที่แล้ว" in body
    assert not re.search(r"\b(minutes?|hours?|days?|ago)\b", body)
