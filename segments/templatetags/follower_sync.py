"""``{% follower_sync_panel %}``: the follower list section of the OA settings page.

A tag rather than view context so the settings page (owned by the core app) only includes it,
like the Insight API sync panel.
"""

from django import template

from segments.selectors.follower_syncs import follower_sync_context

register = template.Library()


@register.inclusion_tag("segments/_follower_sync.html", takes_context=True)
def follower_sync_panel(context) -> dict:
    account = context.get("current_account")
    perms = context.get("perms_console") or {}
    values = (
        follower_sync_context(account=account, may_sync=bool(perms.get("sync_followers")))
        if account is not None
        else {}
    )
    return {
        **values,
        "current_workspace": context.get("current_workspace"),
        "current_account": account,
        "csrf_token": context.get("csrf_token"),
    }
