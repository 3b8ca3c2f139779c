"""``{% insight_sync_panel %}``: the Insight API sync section of the OA settings page.

A tag rather than view context so the settings page (owned by the core app) only includes it.
"""

from django import template

from insights.selectors import sync_state_list

register = template.Library()


@register.inclusion_tag("insights/_sync_panel.html", takes_context=True)
def insight_sync_panel(context) -> dict:
    account = context.get("current_account")
    perms = context.get("perms_console") or {}
    return {
        "current_workspace": context.get("current_workspace"),
        "current_account": account,
        "states": sync_state_list(account=account) if account is not None else [],
        "may_sync": bool(perms.get("upload_imports")),
        "csrf_token": context.get("csrf_token"),
    }
