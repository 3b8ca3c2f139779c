"""The demo's CRM step: realistic tag coverage, first-party data, purchases, segments, RFM."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from oa_console.management.commands import seed_demo
from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope
from segments.models import (
    CampaignVisit,
    CustomEvent,
    Friend,
    FriendTag,
    RfmScore,
    Segment,
    TagCoverageSnapshot,
    TagRule,
)
from segments.selectors import campaigns as campaign_selectors
from segments.selectors import segments as segment_selectors
from segments.selectors import tags as tag_selectors

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_the_crm_once(django_assert_max_num_queries, monkeypatch):
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    cafe = LineAccount.unscoped.select_related("workspace").get(slug="taipei-cafe")
    with tenant_scope(workspace=cafe.workspace, account=cafe):
        # About 60% of the following friends the webhook demo knows carry a tag; the friends
        # the demo's follower sync adds afterwards (LINE's list) carry none yet.
        known = Friend.unscoped.filter(account=cafe, status="following", source="webhook")
        tagged = known.filter(pk__in=FriendTag.unscoped.values("friend_id")).count()
        assert 0.4 < tagged / known.count() < 0.8
        coverage = tag_selectors.tag_coverage(account=cafe).overall
        assert Friend.unscoped.filter(account=cafe).exclude(member_id="").exists()
        purchases = CustomEvent.unscoped.filter(account=cafe, name="purchase")
        assert purchases.exists() and not purchases.exclude(currency="TWD").exists()
        segments = Segment.unscoped.filter(account=cafe)
        assert {
            "Repeat buyers (90 days)",
            "Quiet for two weeks",
            "New this week",
            "Coupon fans, not lapsed",
            "Champions",
        } <= set(segments.values_list("name", flat=True))
        for segment in segments:  # every saved demo segment is valid and counts
            segment_selectors.segment_count(account=cafe, rules=segment.rules)
        assert (
            RfmScore.unscoped.filter(account=cafe).count()
            == Friend.unscoped.filter(account=cafe, source="webhook").count()
        )
        # A daily coverage history since the first follow, growing as friends were tagged, and
        # today's snapshot is the product's own (tagging.tag_coverage_snapshot).
        history = list(
            TagCoverageSnapshot.unscoped.filter(account=cafe, scope="all").order_by("date")
        )
        assert len(history) >= 28
        assert history[0].tagged < history[-1].tagged
        assert (history[-1].tagged, history[-1].following) == (
            coverage.tagged,
            coverage.following,
        )
        families = TagCoverageSnapshot.unscoped.filter(account=cafe, scope__startswith="family:")
        assert families.values("date").distinct().count() == len(history)
        # Auto-tag rules of the kinds a marketer meets first, a link click included.
        rule_kinds = set(TagRule.unscoped.filter(account=cafe).values_list("kind", flat=True))
        assert {"keyword", "custom_event", "add_source", "link_click"} <= rule_kinds
        # Add-friend links: every attributed visit is a new friend who carries its source.
        links = campaign_selectors.campaign_link_list(account=cafe)
        assert {link.source for link in links} == {"qr_store", "flyer"}
        assert all(link.visit_count > link.follow_count > 0 for link in links)
        for visit in CampaignVisit.unscoped.filter(account=cafe).exclude(follow_event_key=""):
            assert visit.friend.add_source == visit.link.source
            assert visit.visited_at < visit.followed_at
    totals = (Segment.unscoped.count(), CustomEvent.unscoped.count(), RfmScore.unscoped.count())
    out = StringIO()
    # An already seeded database: the marker and two counts, no step runs (make run restarts
    # at once instead of re-running every step).
    with django_assert_max_num_queries(3):
        call_command("seed_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    # New demo code (a version bump or another step) runs the steps again; each creates only
    # what is missing, so the demo is completed, never doubled.
    monkeypatch.setattr(seed_demo, "DEMO_VERSION", "next")
    assert not seed_demo.demo_is_current()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert seed_demo.demo_is_current()
    assert (
        Segment.unscoped.count(),
        CustomEvent.unscoped.count(),
        RfmScore.unscoped.count(),
    ) == totals
