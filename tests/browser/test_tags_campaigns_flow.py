"""Tags page and add-friend links in a real browser: the coverage trend chart is drawn, applying
a rule to past events shows progress that updates itself until done, and a campaign link is
created, scanned (visited) and counted, with no JavaScript error on the way."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from oa_console.ranges import local_today
from segments.models import (
    CampaignLink,
    Tag,
    TagCoverageSnapshot,
    TagFamily,
    TagRule,
    TagRuleBackfill,
)
from segments.tasks import backfill_tag_rule
from tests.conftest import PASSWORD, make_member
from tests.segments.crm_world import build_crm_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, workspace):
    make_member(workspace, "marketer", email="marketer@alpha.example")
    page.goto("/auth/login/")
    page.get_by_label("E-mail address").fill("marketer@alpha.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/alpha/**")


def test_coverage_chart_and_backfill_progress(page, workspace, account, monkeypatch):
    build_crm_world(account)
    family = TagFamily.unscoped.get(account=account)
    today = local_today(account.time_zone)
    for ago, tagged in [(2, 1), (1, 2), (0, 2)]:
        for scope in ("all", f"family:{family.pk}"):
            TagCoverageSnapshot.unscoped.create(
                account=account,
                date=today - timedelta(days=ago),
                scope=scope,
                following=3,
                tagged=tagged,
            )
    spring = Tag.unscoped.create(account=account, name="spring", family=family)
    rule = TagRule.unscoped.create(
        account=account, tag=spring, kind="add_source", pattern="qr_spring"
    )  # Friend A came through "qr_spring"
    sent = []
    monkeypatch.setattr(
        "segments.services.tag_rules.enqueue_best_effort",
        lambda task, args: sent.append(args) or True,
    )
    log_in(page, workspace)

    page.goto(f"/w/alpha/oa/{account.slug}/friends/tags/")
    chart = page.locator("#chart-tag-coverage")
    expect(chart).to_have_attribute("data-rendered", "1")
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(page.get_by_test_id("coverage-csv")).to_be_visible()

    page.get_by_role("button", name="Apply to past events").click()
    status = page.get_by_test_id("backfill-status")
    expect(status).to_contain_text("Waiting for a worker")
    job = TagRuleBackfill.unscoped.get(rule=rule)
    assert sent == [(rule.pk, job.pk)]
    backfill_tag_rule(*sent[0])  # the worker; the fragment's polling picks the result up
    expect(status).to_contain_text("1 friend newly tagged from 1 events.", timeout=10_000)
    assert page.js_errors == []


def test_campaign_link_created_scanned_and_counted(page, workspace, account):
    log_in(page, workspace)
    page.goto(f"/w/alpha/oa/{account.slug}/friends/campaigns/")
    form = page.get_by_test_id("campaign-form")
    form.get_by_label("Campaign name").fill("Station poster")
    form.get_by_role("button", name="Create link").click()
    expect(page.get_by_text("Link “Station poster” created.")).to_be_visible()
    row = page.get_by_test_id("campaign-row")
    expect(row.locator("svg").first).to_be_visible()
    link = CampaignLink.unscoped.get(account=account)
    expect(row.get_by_test_id("campaign-url")).to_have_value(re.compile(f"/a/{link.token}$"))

    scan = page.request.get(f"/a/{link.token}", max_redirects=0)
    assert scan.status == 302
    assert scan.headers["location"].startswith("https://line.me/R/ti/p/%40")
    page.reload()
    expect(page.get_by_test_id("campaign-visits")).to_have_text("1")
    expect(page.get_by_test_id("campaign-follows")).to_contain_text("0")
    assert page.js_errors == []
