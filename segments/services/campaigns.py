"""Tracked add-friend links per campaign: create them, record visits, attribute follows.

How a follow is attributed, and why it is an estimate. A campaign link is a console URL
(``/a/<token>``) that records a visit and redirects to the OA's add-friend URL
(``https://line.me/R/ti/p/<basic id>``, from LINE's URL-scheme documentation). The visitor is
anonymous to us, and LINE's ``follow`` webhook event carries only the user and
``follow.isUnblocked`` (webhook.yml, ``FollowDetail``): no parameter of ours and no add-friend
route. OA Manager's add-friend routes exist only as daily aggregates (LINE_PLATFORM.md), so
they cannot attribute one friend either. What remains is time: a *new* friend's follow (not an
unblock) is matched to the latest visit of any of the OA's links in the ``ATTRIBUTION_WINDOW``
before it that no other follow has claimed. Each visit explains at most one follow and each
follow at most one visit. When traffic is light (few visits and organic follows in the same
minutes) this is right; with heavy concurrent traffic a follow can be credited to another
campaign's visit, and an organic follow shortly after a visit that did not convert is credited
to that campaign. Pages and docs call the figure "attributed follows" for that reason.

An attributed friend without an add-friend source gets the link's ``source`` (first touch wins)
and an ``attribute_changed`` activity is published for them in the same transaction as the
follow: the add-source auto-tag rules react to it through the activity hub.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from oa_console.activity.models import Activity
from oa_console.activity.publishing import ActivityInput, publish, publish_many
from oa_console.activity.registry import ActivityRow, per_account
from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope
from segments.models import CampaignLink, CampaignVisit, Friend, Tag, TagRule

if TYPE_CHECKING:
    from segno import QRCode

# A visitor who means to add the OA does so within a minute or two of opening the link.
ATTRIBUTION_WINDOW = timedelta(minutes=10)
# Our clock and LINE's webhook timestamps may differ by a little.
CLOCK_SLACK = timedelta(seconds=30)
LINE_ADD_FRIEND_URL = "https://line.me/R/ti/p/{basic_id}"
# Link previews and crawlers open links too; they are not people who may follow.
BOT_MARKERS = ("bot", "crawler", "spider", "preview", "facebookexternalhit", "slurp")


def add_friend_url(account: LineAccount) -> str | None:
    """The OA's add-friend URL, or None when its basic ID is not set."""
    if not account.basic_id:
        return None
    return LINE_ADD_FRIEND_URL.format(basic_id=quote(account.basic_id, safe=""))


def campaign_link_url(link: CampaignLink) -> str:
    """The public URL printed in the QR code and shared in campaigns."""
    return settings.PUBLIC_BASE_URL + reverse("campaign_link_redirect", args=[link.token])


def _qr(link: CampaignLink) -> QRCode:
    # Imported where a code is drawn: the URLconf loads this module in every process, a Celery
    # worker included, which never draws one.
    import segno

    # Medium error correction survives a scuffed poster; never a Micro QR (phones skip them).
    return segno.make(campaign_link_url(link), error="m", micro=False)


def campaign_link_qr_svg(link: CampaignLink, *, scale: int = 4) -> str:
    """The link's QR code as an ``<svg>`` element to put inside a page."""
    return _qr(link).svg_inline(scale=scale, title=link.name)


def campaign_link_qr_file(link: CampaignLink, *, scale: int = 10) -> bytes:
    """The link's QR code as an SVG file (XML declaration and namespace), for print."""
    out = io.BytesIO()
    _qr(link).save(out, kind="svg", scale=scale, title=link.name, encoding="utf-8")
    return out.getvalue()


def _clean_source(name: str, source: str) -> str:
    return slugify(source.strip() or name)[:64]


def _validate(account: LineAccount, *, name: str, source: str, exclude_pk=None) -> None:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the link a name.")]
    elif (
        CampaignLink.objects.for_account(account).filter(name=name).exclude(pk=exclude_pk).exists()
    ):
        errors["name"] = [_("This name is already used in this OA.")]
    if not source:
        errors["source"] = [_("Letters or digits are needed for the source.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_link_create(
    *,
    account: LineAccount,
    name: str,
    source: str = "",
    tag: Tag | None = None,
    created_by=None,
) -> CampaignLink:
    """A new link; ``source`` defaults to the name as a slug. With ``tag``, an add-source
    auto-tag rule (exact match on the source) tags the friends the link brings."""
    name = name.strip()
    source = _clean_source(name, source)
    if not account.basic_id:
        raise ValidationError(
            {"name": [_("Set the OA's basic ID in its settings first: links lead to it.")]}
        )
    if tag is not None and tag.account_id != account.pk:
        raise ValidationError({"tag": [_("Unknown tag.")]})
    _validate(account, name=name, source=source)
    link = CampaignLink.objects.for_account(account).create(
        account=account,
        name=name,
        source=source,
        token=secrets.token_urlsafe(9),
        created_by=created_by,
    )
    if tag is not None:
        _ensure_source_rule(account=account, tag=tag, source=source)
    return link


def _ensure_source_rule(*, account: LineAccount, tag: Tag, source: str) -> TagRule:
    from segments.services.tag_rules import tag_rule_create

    existing = (
        TagRule.objects.for_account(account)
        .filter(
            tag=tag,
            kind=TagRule.Kind.ADD_SOURCE,
            match=TagRule.Match.EXACT,
            pattern__iexact=source,
        )
        .first()
    )
    return existing or tag_rule_create(
        account=account, tag=tag, kind=TagRule.Kind.ADD_SOURCE, pattern=source
    )


@transaction.atomic
def campaign_link_update(*, link: CampaignLink, name: str) -> CampaignLink:
    """Rename a link. Its source stays: friends already carry it and rules match on it."""
    name = name.strip()
    _validate(link.account, name=name, source=link.source, exclude_pk=link.pk)
    link.name = name
    link.save(update_fields=["name"])
    return link


@transaction.atomic
def campaign_link_delete(*, link: CampaignLink) -> None:
    """The printed QR codes stop working; friends keep the source they were given."""
    link.delete()


def is_probably_bot(user_agent: str) -> bool:
    agent = (user_agent or "").lower()
    return any(marker in agent for marker in BOT_MARKERS)


@dataclass(frozen=True)
class VisitResult:
    url: str | None  # where to send the visitor; None: unknown link or OA without basic ID
    recorded: bool


def campaign_visit_record(*, token: str, user_agent: str = "", count: bool = True) -> VisitResult:
    """Store a visit of the link (unless a crawler opened it, or ``count`` is false for a HEAD
    request) and say where to redirect."""
    # The public short link: its token, whoever's it is, names the OA.
    link = CampaignLink.unscoped.select_related("account__workspace").filter(token=token).first()
    if link is None:
        return VisitResult(url=None, recorded=False)
    url = add_friend_url(link.account)
    if url is None:
        return VisitResult(url=None, recorded=False)
    if not count or is_probably_bot(user_agent):
        return VisitResult(url=url, recorded=False)
    # A public request: the token names the OA, and the work runs in that OA's scope.
    with tenant_scope(workspace=link.account.workspace, account=link.account), transaction.atomic():
        visit = CampaignVisit.objects.for_account(link.account).create(
            account=link.account, link=link, visited_at=timezone.now()
        )
        # Nobody is known yet: a follow attributed to the visit names the friend later.
        publish(
            account=link.account,
            kind=Activity.Kind.CAMPAIGN_VISIT,
            occurred_at=visit.visited_at,
            payload={"visit_id": visit.pk, "link_id": link.pk, "source": link.source},
        )
    return VisitResult(url=url, recorded=True)


@dataclass(frozen=True)
class FollowInput:
    friend_id: int
    event_key: str
    occurred_at: datetime


def _unclaimed_visit(account: LineAccount, at: datetime) -> CampaignVisit | None:
    visits = (
        CampaignVisit.objects.for_account(account)
        .filter(
            friend__isnull=True,
            visited_at__gt=at - ATTRIBUTION_WINDOW,
            visited_at__lte=at + CLOCK_SLACK,
        )
        .order_by("-visited_at", "-pk")
    )
    if connection.features.has_select_for_update_skip_locked:
        # Two workers attributing follows at once never claim the same visit; only the visit
        # row is locked, not its link.
        of = ("self",) if connection.features.has_select_for_update_of else ()
        visits = visits.select_for_update(skip_locked=True, of=of)
    return visits.select_related("link").first()


@transaction.atomic
def campaign_follows_attribute(*, account: LineAccount, follows: Iterable[FollowInput]) -> int:
    """Attribute new friends' follows to campaign visits (see the module docstring); returns
    how many were attributed. Idempotent: a follow already attributed (same event) is skipped,
    so reprocessing a webhook batch changes nothing."""
    follows = sorted(follows, key=lambda f: (f.occurred_at, f.event_key))
    if not follows or not CampaignLink.objects.for_account(account).exists():
        return 0
    claimed = set(
        CampaignVisit.objects.for_account(account)
        .filter(follow_event_key__in=[f.event_key for f in follows])
        .values_list("follow_event_key", flat=True)
    )
    sourced: dict[int, str] = {}
    attributed = 0
    for follow in follows:
        if follow.event_key in claimed:
            continue
        visit = _unclaimed_visit(account, follow.occurred_at)
        if visit is None:
            continue
        visit.friend_id = follow.friend_id
        visit.follow_event_key = follow.event_key
        visit.followed_at = follow.occurred_at
        visit.save(update_fields=["friend", "follow_event_key", "followed_at"])
        sourced.setdefault(follow.friend_id, visit.link.source)
        attributed += 1
    if not sourced:
        return 0
    blank = set(
        Friend.objects.for_account(account)
        .filter(pk__in=sourced, add_source="")
        .values_list("pk", flat=True)
    )
    for friend_id in blank:
        Friend.objects.for_account(account).filter(pk=friend_id).update(
            add_source=sourced[friend_id], updated_at=timezone.now()
        )
    # Their add-friend source rules react through the activity hub.
    publish_many(
        account=account,
        activities=(
            ActivityInput(
                kind=Activity.Kind.ATTRIBUTE_CHANGED,
                friend_id=friend_id,
                payload={"attribute": "add_source", "value": sourced[friend_id]},
            )
            for friend_id in sorted(blank)
        ),
    )
    return attributed


@transaction.atomic
def campaign_follows_forget(*, account: LineAccount, event_keys: Iterable[str]) -> int:
    """Release the visits claimed by these follow events (before a replay re-attributes them)."""
    keys = [key for key in event_keys if key]
    released = 0
    for start in range(0, len(keys), 500):
        released += (
            CampaignVisit.objects.for_account(account)
            .filter(follow_event_key__in=keys[start : start + 500])
            .update(friend=None, follow_event_key="", followed_at=None)
        )
    return released


# The activity hub's campaign-attribution subscriber (registered in SegmentsConfig.ready(),
# before the auto-tag rules, so the add-friend source it sets is tagged in the same drain).
SUBSCRIBER = "segments.services.campaigns"
KINDS = (Activity.Kind.FOLLOW,)


def campaign_follows_react(activities: Sequence[ActivityRow]) -> None:
    """The hub's handler: attribute each new follow (not an unblock, which is its own kind) to
    the campaign visit that brought the friend. ``campaign_follows_attribute`` skips a follow
    already attributed, so a redelivered webhook or a replayed batch attributes once."""
    per_account(activities, _follows_attribute)


def _follows_attribute(account: LineAccount, rows: list[ActivityRow]) -> None:
    campaign_follows_attribute(
        account=account,
        follows=[
            FollowInput(
                friend_id=row.friend_id,
                event_key=row.payload["event_key"],
                occurred_at=row.occurred_at,
            )
            for row in rows
            if row.friend_id is not None and (row.payload or {}).get("event_key")
        ],
    )
