"""Tag and RFM pages: coverage against goals, creating tags/families/rules with errors in
place, rule backfill enqueued, RFM grid linking to the builder."""

from __future__ import annotations

import json
from unittest import mock
from urllib.parse import parse_qs, urlparse

import pytest

from segments.models import Tag, TagFamily, TagRule, TagRuleBackfill
from segments.services import rfm
from tests.conftest import client_for
from tests.segments.crm_world import NOW, build_crm_world


@pytest.fixture
def world(account):
    return build_crm_world(account)


@pytest.fixture
def base(account):
    return f"/w/alpha/oa/{account.slug}/friends/"


@pytest.mark.django_db
def test_coverage_compares_with_the_family_goal(owner, world, base):
    body = client_for(owner).get(base + "tags/").content.decode()
    # A and D (of A, C, D following) carry an "interest" tag: 66.7% against a 60% goal.
    assert "2 of 3 following friends have at least one tag (66.7%)." in body
    assert 'data-testid="below-goal"' not in body
    TagFamily.unscoped.filter(account=world.account).update(coverage_goal=80)
    body = client_for(owner).get(base + "tags/").content.decode()
    assert 'data-testid="below-goal"' in body


@pytest.mark.django_db
def test_create_tag_family_and_rule_with_errors_in_place(
    owner, world, base, account, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    family = TagFamily.unscoped.get(account=account)
    response = client.post(base + "tags/", {"name": "fan", "family": family.pk})
    assert response.status_code == 302
    assert Tag.unscoped.get(account=account, name="fan").family == family

    clash = client.post(base + "tags/", {"name": "fan"})
    assert clash.status_code == 400
    assert "This name is already used in this OA." in clash.content.decode()

    bad_goal = client.post(base + "tags/families/", {"name": "life", "coverage_goal": 140})
    assert bad_goal.status_code == 400
    assert "Ensure this value is less than or equal to 100." in bad_goal.content.decode()

    client.post(base + f"tags/families/{family.pk}/goal/", {"coverage_goal": 75})
    family.refresh_from_db()
    assert family.coverage_goal == 75

    rule = client.post(
        base + "tags/rules/",
        {
            "tag": world.tags["vip"].pk,
            "kind": "keyword",
            "match": "exact",
            "pattern": " ",
            "property_key": "",
            "property_value": "",
        },
    )
    assert rule.status_code == 400
    assert not TagRule.unscoped.exists()
    ok = client.post(
        base + "tags/rules/",
        {"tag": world.tags["vip"].pk, "kind": "keyword", "match": "contains", "pattern": "gold"},
    )
    assert ok.status_code == 302
    created = TagRule.unscoped.get()
    with (
        mock.patch("segments.services.tag_rules.enqueue_best_effort", return_value=True) as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(base + f"tags/rules/{created.pk}/backfill/")
    job = TagRuleBackfill.unscoped.get(rule=created)
    assert enqueue.call_args.args[1] == (created.pk, job.pk)
    client.post(base + f"tags/rules/{created.pk}/toggle/")
    created.refresh_from_db()
    assert created.is_active is False


@pytest.mark.django_db
def test_viewer_cannot_change_tags(viewer, world, base):
    client = client_for(viewer)
    assert client.get(base + "tags/").status_code == 200
    assert client.post(base + "tags/", {"name": "x"}).status_code == 403
    assert client.post(base + f"tags/{world.tags['vip'].pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_rfm_cells_open_the_builder_with_that_cell(owner, world, base, account):
    with_scope = client_for(owner)
    rfm.rfm_compute(account=account, now=NOW)
    page = with_scope.get(base + "rfm/")
    body = page.content.decode()
    assert 'data-testid="rfm-grid"' in body
    champions = next(c for c in page.context["named"] if c["key"] == "champions")
    assert champions["count"] == 1
    rules = json.loads(parse_qs(urlparse(champions["url"]).query)["rules"][0])
    assert rules == {"all": [{"field": "rfm", "op": "in_cells", "value": ["champions"]}]}
    builder = with_scope.get(champions["url"]).content.decode()
    assert 'data-testid="segment-count">1<' in builder


@pytest.mark.django_db
def test_tags_and_rules_are_paginated_each_under_its_own_parameter(owner, account, base):
    from segments.views.tags import LIST_PAGE_SIZE

    tags = Tag.unscoped.bulk_create(
        [Tag(account=account, name=f"tag {n:03d}") for n in range(LIST_PAGE_SIZE + 2)]
    )
    TagRule.unscoped.bulk_create(
        [
            TagRule(account=account, tag=tags[0], kind="keyword", pattern=f"word {n:03d}")
            for n in range(LIST_PAGE_SIZE + 1)
        ]
    )
    client = client_for(owner)
    first = client.get(base + "tags/").content.decode()
    assert first.count('data-testid="tag-row"') == LIST_PAGE_SIZE
    assert first.count('data-testid="rule-row"') == LIST_PAGE_SIZE
    assert "?tags_page=2" in first and "?rules_page=2" in first
    second = client.get(base + "tags/?tags_page=2&rules_page=2").content.decode()
    assert second.count('data-testid="tag-row"') == 2
    assert second.count('data-testid="rule-row"') == 1
