"""Campaign add-friend links: the page and API, the public redirect that records visits, and
the attribution of new friends' follows to visits (add-friend source, auto-tag rule)."""

from __future__ import annotations

import time
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from oa_console.activity.models import Activity, SubscriberCursor
from segments.models import CampaignLink, CampaignVisit, Friend, FriendTag, Tag, TagRule
from segments.services import campaigns
from tests.conftest import client_for
from tests.webhooks.factories import event, post_events, user_id

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"


@pytest.fixture
def base(account):
    return f"/w/alpha/oa/{account.slug}/friends/campaigns/"


@pytest.fixture
def poster(account):
    return campaigns.campaign_link_create(account=account, name="Station poster", source="poster")


def visit(link: CampaignLink, *, agent: str = BROWSER, client: Client | None = None):
    return (client or Client()).get(f"/a/{link.token}", HTTP_USER_AGENT=agent)


def follow(user: str, *, at_ms: int, unblocked: bool = False) -> dict:
    return event("follow", user=user, timestamp=at_ms, follow={"isUnblocked": unblocked})


def now_ms(offset_seconds: float = 0) -> int:
    return int((time.time() + offset_seconds) * 1000)


@pytest.mark.django_db
def test_redirect_records_a_visit_and_sends_to_the_oa_add_friend_page(account, poster):
    response = visit(poster)
    assert response.status_code == 302
    assert response["Location"] == f"https://line.me/R/ti/p/%40{account.basic_id[1:]}"
    assert response["Referrer-Policy"] == "no-referrer"
    assert CampaignVisit.unscoped.filter(link=poster).count() == 1
    # Link previews, crawlers and HEAD requests are sent on but not counted.
    assert visit(poster, agent="facebookexternalhit/1.1").status_code == 302
    assert Client().head(f"/a/{poster.token}").status_code == 302
    assert CampaignVisit.unscoped.filter(link=poster).count() == 1


@pytest.mark.django_db
def test_the_same_browser_scanning_twice_is_one_visit(account, poster):
    flyer = campaigns.campaign_link_create(account=account, name="Flyer", source="flyer")
    browser = Client()
    first = visit(poster, client=browser)
    assert first.cookies["oa_campaign_visit"]["max-age"] == 600
    visit(poster, client=browser)  # scanned again: redirected, not counted
    visit(flyer, client=browser)  # another campaign's code: counted
    visit(poster)  # another person
    counts = {
        link.name: CampaignVisit.unscoped.filter(link=link).count() for link in (poster, flyer)
    }
    assert counts == {"Station poster": 2, "Flyer": 1}


@pytest.mark.django_db
def test_unknown_link_or_oa_without_basic_id_redirects_nowhere(account, poster):
    assert Client().get("/a/not-a-token").status_code == 404
    account.basic_id = ""
    account.save(update_fields=["basic_id"])
    response = visit(poster)
    assert response.status_code == 404
    assert "You have not been sent anywhere." in response.content.decode()
    assert not CampaignVisit.unscoped.exists()


@pytest.mark.django_db
def test_new_friend_after_a_visit_gets_the_source_and_the_rule_tag(
    owner, account, poster, line_client, process
):
    tag = Tag.unscoped.create(account=account, name="from poster")
    TagRule.unscoped.create(account=account, tag=tag, kind="add_source", pattern="poster")
    visit(poster)
    assert post_events(line_client, account, [follow(user_id(1), at_ms=now_ms(60))]).status_code
    process()
    friend = Friend.unscoped.get(account=account, line_user_id=user_id(1))
    assert friend.add_source == "poster"
    assert FriendTag.unscoped.get(friend=friend).tag == tag
    claimed = CampaignVisit.unscoped.get(link=poster)
    assert claimed.friend == friend and claimed.followed_at is not None
    page = client_for(owner).get(f"/w/alpha/oa/{account.slug}/friends/{user_id(1)}/")
    assert "Attributed to the add-friend link “Station poster”" in page.content.decode()


@pytest.mark.django_db
def test_each_visit_explains_one_follow_and_unblocks_or_late_follows_none(
    account, poster, line_client, process
):
    flyer = campaigns.campaign_link_create(account=account, name="Flyer", source="flyer")
    visit(poster)
    visit(flyer)  # the latest visit goes to the first follow after it
    old = visit(poster)
    assert old.status_code == 302
    CampaignVisit.unscoped.filter(pk=CampaignVisit.unscoped.order_by("-pk")[0].pk).update(
        visited_at=timezone.now() - campaigns.ATTRIBUTION_WINDOW - timedelta(minutes=1)
    )
    events = [
        follow(user_id(1), at_ms=now_ms(30)),
        follow(user_id(2), at_ms=now_ms(40)),
        follow(user_id(3), at_ms=now_ms(50)),  # both recent visits are claimed: organic
        follow(user_id(4), at_ms=now_ms(55), unblocked=True),  # an unblock is no new friend
    ]
    post_events(line_client, account, events)
    process()
    sources = dict(
        Friend.unscoped.filter(account=account).values_list("line_user_id", "add_source")
    )
    assert sources == {user_id(1): "flyer", user_id(2): "poster", user_id(3): "", user_id(4): ""}
    assert CampaignVisit.unscoped.filter(friend__isnull=False).count() == 2


@pytest.mark.django_db
def test_attribution_is_idempotent_and_keeps_a_known_source(account, poster, line_client, process):
    Friend.unscoped.create(account=account, line_user_id=user_id(7), add_source="import-store")
    visit(poster)
    first = follow(user_id(7), at_ms=now_ms(20))
    post_events(line_client, account, [first])
    process()
    # The friend had a source already (first touch wins), but the visit is still explained.
    assert Friend.unscoped.get(line_user_id=user_id(7)).add_source == "import-store"
    assert CampaignVisit.unscoped.get().follow_event_key == first["webhookEventId"]
    # The same event redelivered and another visit: nothing is attributed twice.
    visit(poster)
    post_events(line_client, account, [first])
    process()
    assert CampaignVisit.unscoped.filter(friend__isnull=False).count() == 1


@pytest.mark.django_db
def test_replay_releases_and_reclaims_the_visit(account, poster, line_client, process):
    """Attribution is the activity hub's campaign subscriber reacting to the follow: forgetting
    the follow releases its visit, and replaying the raw events claims it again, once."""
    from segments.services import friends as services
    from webhooks.services.processing import webhook_events_replay

    visit(poster)
    first = follow(user_id(9), at_ms=now_ms(10))
    post_events(line_client, account, [first])
    process()
    assert CampaignVisit.unscoped.get().follow_event_key == first["webhookEventId"]
    services.friend_activity_forget(account=account, event_keys=[first["webhookEventId"]])
    assert CampaignVisit.unscoped.get().follow_event_key == ""
    webhook_events_replay(account=account)
    claimed = CampaignVisit.unscoped.get()
    assert claimed.follow_event_key == first["webhookEventId"]
    assert claimed.friend == Friend.unscoped.get(line_user_id=user_id(9))
    follows = Activity.unscoped.filter(account=account, kind=Activity.Kind.FOLLOW)
    assert follows.count() == 2  # processed, then replayed: each published its follow
    assert SubscriberCursor.objects.get(subscriber=campaigns.SUBSCRIBER).position >= max(
        follows.values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_page_creates_links_with_a_rule_and_lists_counts_paginated(owner, account, base):
    client = client_for(owner)
    tag = Tag.unscoped.create(account=account, name="poster fans")
    response = client.post(base, {"name": "Summer poster", "source": "", "tag": tag.pk})
    assert response.status_code == 302
    link = CampaignLink.unscoped.get(account=account)
    assert link.source == "summer-poster"
    rule = TagRule.unscoped.get(account=account)
    assert (rule.kind, rule.pattern, rule.tag) == ("add_source", "summer-poster", tag)

    clash = client.post(base, {"name": "Summer poster"})
    assert clash.status_code == 400
    assert "This name is already used in this OA." in clash.content.decode()

    visit(link)
    visit(link)
    claimed = CampaignVisit.unscoped.filter(link=link).first()
    CampaignVisit.unscoped.filter(pk=claimed.pk).update(follow_event_key="01ATTRIBUTED")
    body = client.get(base).content.decode()
    assert f"/a/{link.token}" in body
    assert "<svg" in body and "poster fans" in body
    assert 'data-testid="campaign-visits">2<' in body
    assert 'data-testid="campaign-follows">1 <small class="muted">(50.0 %)' in body

    for n in range(21):
        campaigns.campaign_link_create(account=account, name=f"Flyer {n}")
    first = client.get(base).content.decode()
    assert first.count('data-testid="campaign-row"') == 20
    second = client.get(base + "?page=2").content.decode()
    assert second.count('data-testid="campaign-row"') == 2

    qr = client.get(base + f"{link.pk}/qr.svg?download=1")
    assert qr["Content-Type"] == "image/svg+xml"
    assert 'filename="qr-summer-poster.svg"' in qr["Content-Disposition"]
    root = ElementTree.fromstring(qr.content)  # a standalone SVG file, for print
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == root.get("height")


@pytest.mark.django_db
def test_qr_code_encodes_the_link_url(account, poster):
    import segno

    # The same URL gives the same symbol; another link's URL gives another symbol.
    expected = segno.make(campaigns.campaign_link_url(poster), error="m", micro=False)
    assert campaigns.campaign_link_qr_svg(poster) == expected.svg_inline(scale=4, title=poster.name)
    flyer = campaigns.campaign_link_create(account=account, name="Flyer")
    assert campaigns.campaign_link_qr_svg(flyer) != campaigns.campaign_link_qr_svg(poster)


@pytest.mark.django_db
def test_a_campaign_name_cannot_inject_markup_into_the_page(owner, account, base):
    campaigns.campaign_link_create(account=account, name='<img src=x onerror="alert(1)">')
    body = client_for(owner).get(base).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x" in body


@pytest.mark.django_db
def test_rename_delete_and_viewer_cannot_edit(owner, viewer, account, base, poster):
    assert client_for(viewer).post(base, {"name": "x"}).status_code == 403
    assert client_for(viewer).post(base + f"{poster.pk}/delete/").status_code == 403
    client = client_for(owner)
    client.post(base + f"{poster.pk}/", {"name": "Poster (north exit)"})
    poster.refresh_from_db()
    assert poster.name == "Poster (north exit)" and poster.source == "poster"
    client.post(base + f"{poster.pk}/delete/")
    assert not CampaignLink.unscoped.exists()
    assert visit(poster).status_code == 404


@pytest.mark.django_db
def test_link_needs_the_oa_basic_id(owner, account, base):
    account.basic_id = ""
    account.save(update_fields=["basic_id"])
    response = client_for(owner).post(base, {"name": "Poster"})
    assert response.status_code == 400
    assert "Set the OA&#x27;s basic ID" in response.content.decode()


@pytest.mark.django_db
def test_api_crud_counts_errors_and_roles(owner, viewer, account, poster):
    api = f"/api/v1/accounts/{account.pk}/campaign-links/"
    client = client_for(owner)
    visit(poster)
    listing = client.get(api).json()
    assert listing["count"] == 1
    row = listing["results"][0]
    assert row["url"].endswith(f"/a/{poster.token}")
    assert (row["visits"], row["attributed_follows"], row["source"]) == (1, 0, "poster")

    created = client.post(api, {"name": "Banner", "source": "Web Banner"}, "application/json")
    assert created.status_code == 201
    assert created.json()["source"] == "web-banner"
    duplicate = client.post(api, {"name": "Banner"}, "application/json")
    assert duplicate.status_code == 400
    assert duplicate.json()["error"]["fields"] == {
        "name": ["This name is already used in this OA."]
    }
    bad_tag = client.post(api, {"name": "X", "tag_id": 999999}, "application/json")
    assert bad_tag.json()["error"]["fields"] == {"tag_id": ["Unknown tag."]}

    detail = f"{api}{created.json()['id']}/"
    renamed = client.patch(detail, {"name": "Banner (top)"}, "application/json")
    assert renamed.json()["name"] == "Banner (top)"
    qr = client.get(f"{detail}qr.svg")
    assert qr.status_code == 200
    assert ElementTree.fromstring(qr.content).tag == "{http://www.w3.org/2000/svg}svg"

    assert client_for(viewer).delete(detail).status_code == 403
    assert client_for(viewer).get(detail).status_code == 200
    assert client.delete(detail).status_code == 204
    assert client.get(detail).status_code == 404
