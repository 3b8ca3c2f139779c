"""Click tracking of a rich menu's link areas: the area's ``uri`` action goes to LINE as the
console's redirect ``/r/m/<token>``, which counts the tap and opens the area's link.

A menu is one object shared by every friend it is linked to, so the token names the area, not
the friend (LINE does not say who tapped): link taps count per area, menu and day, and per
segment rule when exactly one rule shows the menu. Tokens do not expire: a published menu
keeps its links as long as it lives.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from oa_console.line.links import ClickResult
from oa_console.links import is_web_link
from oa_console.tenancy import tenant_scope
from richmenus.models import RichMenuArea, RichMenuTap
from richmenus.services.targeting_taps import menu_single_rule

SALT = "richmenus.area-link"


def area_link_token(area: RichMenuArea) -> str:
    return signing.dumps([area.account_id, area.pk], salt=SALT, compress=True)


def area_action_for_line(area: RichMenuArea, *, base_url: str | None = None) -> dict:
    """The area's action as it goes to LINE: a web link rewritten through the tracked
    redirect (publishing calls this for each area), anything else as designed."""
    action = dict(area.action or {})
    if action.get("type") == "uri" and is_web_link(action.get("uri")) and area.pk:
        base = (base_url or settings.PUBLIC_BASE_URL).rstrip("/")
        action["uri"] = base + reverse("rich_menu_area_click", args=[area_link_token(area)])
    return action


def area_click_record(*, token: str, record: bool = True) -> ClickResult:
    """Resolve a redirect token to the area's link and, when ``record``, count the tap."""
    try:
        account_id, area_id = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return ClickResult(url=None)
    if not isinstance(account_id, int) or not isinstance(area_id, int):
        return ClickResult(url=None)
    area = (
        RichMenuArea.unscoped.select_related("account__workspace")
        .filter(pk=area_id, account_id=account_id)
        .first()
    )
    url = (area.action or {}).get("uri") if area is not None else None
    if area is None or (area.action or {}).get("type") != "uri" or not is_web_link(url):
        return ClickResult(url=None)
    if record:
        account = area.account
        # A public request: the token names the OA, and the write runs in that OA's scope.
        with tenant_scope(workspace=account.workspace, account=account), transaction.atomic():
            RichMenuTap.objects.for_account(account).create(
                account=account,
                menu_id=area.menu_id,
                area=area,
                rule_id=menu_single_rule(account, area.menu_id),
                kind=RichMenuTap.Kind.LINK,
                tapped_at=timezone.now(),
            )
    return ClickResult(url=url)
