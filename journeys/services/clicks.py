"""A click on a journey send's tracked link: the signed token (``journeys.engine.links``)
names the journey, the send node, the destination and, for a node that tracks per friend, the
friend. The click is stored as a ``JourneyClick``, which the journey's stats count and a
branch's ``clicked`` reads for as long as the journey exists, and, in the same transaction,
published on the activity hub as a ``link_click`` naming the journey and node: what a
``link_click`` trigger and "clicked a link" tag rules react to before the link opens (the hub
prunes its log after a month, so nothing that counts clicks reads it).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from journeys.engine.links import CLICK_SALT
from journeys.models import Journey, JourneyClick
from oa_console.activity.draining import activity_react_now
from oa_console.activity.models import Activity
from oa_console.activity.publishing import publish
from oa_console.line.links import ClickResult
from oa_console.links import is_web_link
from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope
from segments.models import Friend

DEFAULT_MAX_AGE = 180 * 24 * 3600


def _max_age() -> int:
    return int(getattr(settings, "JOURNEY_CLICK_MAX_AGE", DEFAULT_MAX_AGE))


def _payload(token: str) -> tuple[int, str, str, int] | ClickResult:
    """The token's journey id, node id, link and friend id (0: none), or the result for a
    token that is expired, not ours or altered."""
    try:
        journey_id, node_id, url, friend_id = signing.loads(
            token, salt=CLICK_SALT, max_age=_max_age()
        )
    except signing.SignatureExpired:
        return ClickResult(url=None, expired=True)
    except (signing.BadSignature, ValueError, TypeError):
        return ClickResult(url=None)
    shapes = (type(journey_id), type(node_id), type(friend_id))
    if shapes != (int, str, int) or not is_web_link(url):
        return ClickResult(url=None)
    return journey_id, node_id, url, friend_id


def journey_click_record(*, token: str, record: bool = True) -> ClickResult:
    """The link to redirect to (and the click published unless ``record`` is false), or why
    there is none: a token of no journey gets no URL, so the caller shows a safe page instead
    of redirecting anywhere a token says."""
    payload = _payload(token)
    if isinstance(payload, ClickResult):
        return payload
    journey_id, node_id, url, friend_id = payload
    # The token names the journey before any tenant is known; its OA scopes the rest.
    journey = Journey.unscoped.select_related("account__workspace").filter(pk=journey_id).first()
    if journey is None:
        return ClickResult(url=None)
    if not record:
        return ClickResult(url=url)
    account = journey.account
    friend = Friend.objects.for_account(account).filter(pk=friend_id).first() if friend_id else None
    # A public request: the token names the OA, and the work runs in that OA's scope.
    with tenant_scope(workspace=account.workspace, account=account), transaction.atomic():
        click = JourneyClick.objects.for_account(account).create(
            account=account,
            journey=journey,
            node_id=node_id,
            friend=friend,
            url=url,
            clicked_at=timezone.now(),
        )
        publish(
            account=account,
            kind=Activity.Kind.LINK_CLICK,
            occurred_at=click.clicked_at,
            friend_id=friend.pk if friend else None,
            line_user_id=friend.line_user_id if friend else "",
            payload={"url": url, "journey_id": journey.pk, "node_id": node_id},
        )
    if friend is not None:
        # The friend's enrolments and tags that react to the click exist before the link opens.
        activity_react_now()
    return ClickResult(url=url)


def journey_clicks_of_friends(account: LineAccount) -> QuerySet:
    """The OA's stored journey clicks of known friends (``friend_id``, ``url``): what a
    "clicked a link" tag rule's backfill reads with broadcasts' clicks (registered into
    ``segments.registries.past_link_clicks``), as the rule's live reaction takes both apps'
    ``link_click`` activities. A node tracking clicks per step names no friend: not here."""
    return JourneyClick.objects.for_account(account).filter(friend__isnull=False)
