"""Auto-tag rules of kind "clicked a link": a tracked click's destination URL tags the friend
live from the click redirect (never breaking it), past clicks on backfill, and the rule is
created and validated through the service, the API and the tags page."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from broadcasts.messages import click_token
from broadcasts.models import Click
from oa_console.activity.draining import activity_drain
from segments.models import FriendTag, Tag, TagRule, TagRuleBackfill
from segments.services import tag_rules
from tests.broadcasts.conftest import make_broadcast, make_friends
from tests.conftest import client_for
from tests.segments.api.test_segments import Api

pytestmark = pytest.mark.django_db

MESSAGES = [
    {"type": "text", "text": "Sale https://shop.example/Sale?utm=line"},
    {"type": "text", "text": "Blog https://blog.example/post/1"},
]
SALE, BLOG = 0, 1


def click(broadcast, url_index: int, friend=None):
    token = click_token(
        broadcast_id=broadcast.pk, url_index=url_index, friend_id=friend.pk if friend else None
    )
    return Client().get(reverse("broadcast_click", args=[token]))


def tagged(tag) -> set[int]:
    return set(FriendTag.unscoped.filter(tag=tag).values_list("friend_id", flat=True))


@pytest.fixture
def tags(account):
    return {
        name: Tag.unscoped.create(account=account, name=name)
        for name in ("sale", "shop", "blog", "paused")
    }


@pytest.fixture
def broadcast(account):
    return make_broadcast(account, messages=MESSAGES)


def test_live_click_tags_the_friend_for_exact_and_contains_matches(account, tags, broadcast):
    exact = tag_rules.tag_rule_create(
        account=account,
        tag=tags["sale"],
        kind="link_click",
        pattern="HTTPS://shop.example/sale?utm=line",  # case-insensitive like the other kinds
    )
    tag_rules.tag_rule_create(
        account=account, tag=tags["shop"], kind="link_click", match="contains", pattern="shop."
    )
    tag_rules.tag_rule_create(
        account=account,
        tag=tags["blog"],
        kind="link_click",
        pattern="https://blog.example/post/2",  # the broadcast links post/1 only
    )
    paused = tag_rules.tag_rule_create(
        account=account, tag=tags["paused"], kind="link_click", match="contains", pattern="shop"
    )
    tag_rules.tag_rule_set_active(rule=paused, is_active=False)
    first, second = make_friends(account, 2)

    response = click(broadcast, SALE, first)
    assert response.status_code == 302
    assert response["Location"] == "https://shop.example/Sale?utm=line"
    assert tagged(tags["sale"]) == tagged(tags["shop"]) == {first.pk}
    assert tagged(tags["paused"]) == set()
    row = FriendTag.unscoped.get(tag=tags["sale"])
    assert (row.source, row.rule) == ("rule", exact)

    assert click(broadcast, SALE, first).status_code == 302  # again: idempotent
    assert FriendTag.unscoped.filter(friend=first).count() == 2

    assert click(broadcast, BLOG, second).status_code == 302  # matches no rule
    assert tagged(tags["blog"]) == set()
    assert not FriendTag.unscoped.filter(friend=second).exists()
    assert Click.unscoped.filter(friend=second).count() == 1


def test_anonymous_click_tags_no_one(account, tags, broadcast):
    tag_rules.tag_rule_create(
        account=account, tag=tags["shop"], kind="link_click", match="contains", pattern="shop"
    )
    make_friends(account, 1)
    assert click(broadcast, SALE).status_code == 302
    assert Click.unscoped.get().friend_id is None
    assert not FriendTag.unscoped.exists()


def test_another_accounts_rule_does_not_tag(account, other_account, tags, broadcast):
    theirs = Tag.unscoped.create(account=other_account, name="shop")
    tag_rules.tag_rule_create(
        account=other_account, tag=theirs, kind="link_click", match="contains", pattern="shop"
    )
    (friend,) = make_friends(account, 1)
    assert click(broadcast, SALE, friend).status_code == 302
    assert not FriendTag.unscoped.exists()
    # And the other OA's own click does use its rule.
    (their_friend,) = make_friends(other_account, 1)
    assert click(make_broadcast(other_account, messages=MESSAGES), SALE, their_friend)
    assert tagged(theirs) == {their_friend.pk}


def test_redirect_reads_the_rules_in_one_query(account, tags, broadcast):
    for n in range(3):
        tag_rules.tag_rule_create(
            account=account,
            tag=tags["shop"],
            kind="link_click",
            match="contains",
            pattern=f"nowhere-{n}",
        )
    (friend,) = make_friends(account, 1)
    with CaptureQueriesContext(connection) as queries:
        assert click(broadcast, SALE, friend).status_code == 302
    rule_reads = [q["sql"] for q in queries if "segments_tagrule" in q["sql"]]
    assert len(rule_reads) == 1
    assert not any("segments_friendtag" in q["sql"] for q in queries)  # no match, no write


def test_failed_tagging_is_logged_and_the_redirect_still_works(
    account, tags, broadcast, monkeypatch, caplog
):
    tag_rules.tag_rule_create(
        account=account, tag=tags["shop"], kind="link_click", match="contains", pattern="shop"
    )
    (friend,) = make_friends(account, 1)

    def broken(*args, **kwargs):
        raise RuntimeError("tag table locked")

    monkeypatch.setattr(tag_rules.tagging, "friend_tags_add", broken)
    with caplog.at_level(logging.ERROR, logger="oa_console.activity"):
        response = click(broadcast, SALE, friend)
    assert response.status_code == 302
    assert response["Location"] == "https://shop.example/Sale?utm=line"
    assert Click.unscoped.filter(friend=friend).count() == 1
    assert not FriendTag.unscoped.exists()
    (record,) = [r for r in caplog.records if r.name == "oa_console.activity"]
    assert record.getMessage() == "activity subscriber failed"
    assert record.exc_info[1].args == ("tag table locked",)
    assert record.subscriber == "segments.services.tag_rules"
    # The click's activity stays in the log: once tagging works again, the friend is tagged.
    monkeypatch.undo()
    activity_drain()
    assert FriendTag.unscoped.get().friend_id == friend.pk


def test_backfill_tags_past_clickers_and_reports_progress(
    account, other_account, tags, broadcast, monkeypatch
):
    friends = make_friends(account, 4)
    for friend in friends[:3]:
        Click.unscoped.create(
            account=account, broadcast=broadcast, friend=friend, url="https://shop.example/Sale"
        )
    Click.unscoped.create(  # another link: filtered out in SQL
        account=account, broadcast=broadcast, friend=friends[3], url="https://blog.example/1"
    )
    Click.unscoped.create(  # anonymous: nobody to tag
        account=account, broadcast=broadcast, friend=None, url="https://shop.example/sale"
    )
    other = make_broadcast(other_account, messages=MESSAGES)
    (stranger,) = make_friends(other_account, 1)
    Click.unscoped.create(  # another OA's click of the same link
        account=other_account, broadcast=other, friend=stranger, url="https://shop.example/sale"
    )
    rule = tag_rules.tag_rule_create(
        account=account, tag=tags["sale"], kind="link_click", pattern="https://shop.example/sale"
    )
    assert tagged(tags["sale"]) == set()  # a new rule does not look back by itself

    job = TagRuleBackfill.unscoped.create(account=account, rule=rule)
    seen: list[tuple[str, int, int]] = []
    real = tag_rules.rule_matches_click

    def spy(*args, **kwargs):
        seen.append(
            TagRuleBackfill.unscoped.values_list("status", "processed", "total").get(pk=job.pk)
        )
        return real(*args, **kwargs)

    monkeypatch.setattr(tag_rules, "BACKFILL_CHUNK", 2)
    monkeypatch.setattr(tag_rules, "rule_matches_click", spy)
    assert tag_rules.tag_rule_backfill_run(rule=rule, job_id=job.pk) == 3
    assert seen == [("running", 0, 3), ("running", 0, 3), ("running", 2, 3)]
    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.tagged) == ("done", 3, 3, 3)
    assert tagged(tags["sale"]) == {friend.pk for friend in friends[:3]}
    assert tag_rules.tag_rule_backfill(rule=rule) == 0  # idempotent

    contains = tag_rules.tag_rule_create(
        account=account, tag=tags["blog"], kind="link_click", match="contains", pattern="BLOG."
    )
    assert tag_rules.tag_rule_backfill(rule=contains) == 1
    assert tagged(tags["blog"]) == {friends[3].pk}


def test_link_rules_are_validated(account, tags):
    def errors(**values) -> dict:
        with pytest.raises(Exception) as raised:
            tag_rules.tag_rule_create(account=account, tag=tags["shop"], **values)
        return raised.value.message_dict

    assert errors(kind="link_click", pattern="  ") == {"pattern": ["Give the value to match."]}
    assert set(errors(kind="link_click", pattern="shop.example/sale")) == {"pattern"}
    assert errors(
        kind="link_click", match="contains", pattern="shop", property_key="a", property_value="b"
    ) == {
        "property_key": ["Only custom event rules look at properties."],
        "property_value": ["Only custom event rules look at properties."],
    }
    rule = tag_rules.tag_rule_create(
        account=account, tag=tags["shop"], kind="link_click", match="contains", pattern="shop"
    )
    with pytest.raises(Exception) as raised:
        tag_rules.tag_rule_update(rule=rule, match="exact")  # "shop" is no whole URL
    assert set(raised.value.message_dict) == {"pattern"}


def test_api_creates_lists_and_validates_link_rules(workspace, account, tags):
    api = Api(workspace, account)
    created = api.send(
        "post",
        "/tag-rules/",
        {"tag_id": tags["sale"].pk, "kind": "link_click", "pattern": "https://shop.example/x"},
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["kind"], body["match"], body["pattern"]) == (
        "link_click",
        "exact",
        "https://shop.example/x",
    )
    listed = api.get("/tag-rules/").json()["results"]
    assert [(rule["id"], rule["kind"]) for rule in listed] == [(body["id"], "link_click")]

    bad = api.send(
        "post", "/tag-rules/", {"tag_id": tags["sale"].pk, "kind": "link_click", "pattern": "x"}
    )
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["pattern"]
    assert TagRule.unscoped.count() == 1


def test_tags_page_form_creates_a_link_rule_and_shows_field_errors(owner, account, tags):
    client = client_for(owner)
    base = f"/w/alpha/oa/{account.slug}/friends/tags/"
    page = client.get(base).content.decode()
    assert '<option value="link_click">Clicked a link</option>' in page
    assert "matched against the link&#x27;s real destination URL" in page

    bad = client.post(
        base + "rules/",
        {"tag": tags["shop"].pk, "kind": "link_click", "match": "exact", "pattern": "shop"},
    )
    assert bad.status_code == 400
    assert 'id="id_pattern_error"' in bad.content.decode()
    assert "starting with https:// or http://" in bad.content.decode()
    assert not TagRule.unscoped.exists()

    ok = client.post(
        base + "rules/",
        {"tag": tags["shop"].pk, "kind": "link_click", "match": "contains", "pattern": "shop"},
    )
    assert ok.status_code == 302
    rule = TagRule.unscoped.get()
    assert (rule.kind, rule.match, rule.pattern) == ("link_click", "contains", "shop")
    listed = client.get(base).content.decode()
    assert "Clicked a link contains <code>shop</code>" in listed
