"""Reads for campaign add-friend links: each link with its visits and attributed follows."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet

from oa_console.models import LineAccount
from segments.models import CampaignLink, CampaignVisit, Friend, TagRule


def campaign_link_list(*, account: LineAccount) -> QuerySet[CampaignLink]:
    """Newest first, with ``visit_count``, ``follow_count`` (attributed new friends) and
    ``last_visit_at``."""
    return (
        CampaignLink.objects.filter(account=account)
        .annotate(
            visit_count=Count("visits"),
            follow_count=Count("visits", filter=~Q(visits__follow_event_key="")),
            last_visit_at=Max("visits__visited_at"),
        )
        .order_by("-created_at", "-pk")
    )


def campaign_link_get(*, account: LineAccount, link_id: int) -> CampaignLink | None:
    return campaign_link_list(account=account).filter(pk=link_id).first()


def campaign_visit_of_friend(*, friend: Friend) -> CampaignVisit | None:
    """The visit a friend's (first attributed) follow was attributed to, with its link."""
    return (
        CampaignVisit.objects.filter(account_id=friend.account_id, friend=friend)
        .select_related("link")
        .order_by("followed_at", "pk")
        .first()
    )


def source_tag_names(*, account: LineAccount, sources: set[str]) -> dict[str, list[str]]:
    """Per source value, the tags its active add-source auto-tag rules give."""
    from segments.services.tag_rules import text_matches

    rules = TagRule.objects.filter(
        account=account, kind=TagRule.Kind.ADD_SOURCE, is_active=True
    ).select_related("tag")
    names: dict[str, list[str]] = {source: [] for source in sources}
    for rule in rules.order_by("tag__name"):
        for source in sources:
            if text_matches(rule, source) and rule.tag.name not in names[source]:
                names[source].append(rule.tag.name)
    return names


def campaign_names_by_source(*, account: LineAccount) -> dict[str, str]:
    """Add-friend source → the name of the campaign link that gives it (the oldest link when
    several share a source), so a page can say "QR code at the register" instead of
    ``qr_store``."""
    names: dict[str, str] = {}
    rows = CampaignLink.objects.filter(account=account).order_by("created_at", "pk")
    for source, name in rows.values_list("source", "name"):
        names.setdefault(source, name)
    return names
