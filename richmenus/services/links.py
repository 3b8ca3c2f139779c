"""Click tracking of a menu's links: each ``uri`` action goes to LINE as the console's click
redirect (``/r/m/<token>``), which counts the tap and sends the friend on.

The token is signed (``oa_console.line.links.signed_token``) and names the menu and the link;
a menu's link is the same for every friend, so a click names no friend. It never expires: a
published menu shows its links for as long as it is the menu. The click is stored (the design
page counts them per link) and published on the activity hub as a ``link_click`` naming the
menu, in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from oa_console.activity.models import Activity
from oa_console.activity.publishing import publish
from oa_console.line.links import ClickResult, signed_token
from oa_console.links import MAX_LINK_LENGTH, is_web_link
from oa_console.tenancy import tenant_scope
from richmenus.models import RichMenu, RichMenuLinkClick

CLICK_SALT = "richmenus.click"
COUNTED_DAYS = 30


def tracked_uri(menu: RichMenu, url: str) -> str:
    """The redirect LINE gets instead of ``url`` (``url`` itself when it is not a web link or
    the redirect would pass LINE's 1,000 characters)."""
    if not is_web_link(url):
        return url
    token = signed_token([menu.pk, url], salt=CLICK_SALT, signed_at=0)
    tracked = settings.PUBLIC_BASE_URL.rstrip("/") + reverse("rich_menu_click", args=[token])
    return tracked if len(tracked) <= MAX_LINK_LENGTH else url


def rich_menu_click_record(*, token: str, record: bool = True) -> ClickResult:
    """The link to send the friend to (and the click counted unless ``record`` is false), or
    no URL for a token that is not ours, so the caller shows a safe page instead."""
    try:
        menu_id, url = signing.loads(token, salt=CLICK_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return ClickResult(url=None)
    if not isinstance(menu_id, int) or not is_web_link(url):
        return ClickResult(url=None)
    # A public request: the token names the menu before any tenant is known.
    menu = RichMenu.unscoped.select_related("account__workspace").filter(pk=menu_id).first()
    if menu is None:
        return ClickResult(url=None)
    if record:
        account = menu.account
        with tenant_scope(workspace=account.workspace, account=account), transaction.atomic():
            click = RichMenuLinkClick.objects.for_account(account).create(
                account=account, menu=menu, url=url, clicked_at=timezone.now()
            )
            publish(
                account=account,
                kind=Activity.Kind.LINK_CLICK,
                occurred_at=click.clicked_at,
                friend_id=None,
                line_user_id="",
                payload={"url": url, "rich_menu_id": menu.pk},
            )
    return ClickResult(url=url)


def rich_menu_click_counts(*, menu: RichMenu) -> dict[str, int]:
    """Clicks per link of the menu in the last ``COUNTED_DAYS`` days."""
    since = timezone.now() - timedelta(days=COUNTED_DAYS)
    rows = (
        RichMenuLinkClick.objects.for_account(menu.account)
        .filter(menu=menu, clicked_at__gte=since)
        .values("url")
        .annotate(clicks=Count("id"))
    )
    return {row["url"]: row["clicks"] for row in rows}
