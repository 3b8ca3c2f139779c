"""``{% raw_event_retention_panel %}``: the OA settings page's retention panel.

A tag, so the settings view needs no knowledge of it: the form is built from the OA unless the
retention view passes its bound form back with errors (``retention_form``)."""

from django import template

from oa_console.retention import RetentionForm

register = template.Library()


@register.inclusion_tag("oa_console/_retention.html", takes_context=True)
def raw_event_retention_panel(context) -> dict:
    account = context.get("current_account")
    form = context.get("retention_form")
    if form is None and account is not None:
        form = RetentionForm(initial={"raw_event_retention_days": account.raw_event_retention_days})
    return {
        "form": form,
        "may_edit": context.get("may_edit", False),
        "current_workspace": context.get("current_workspace"),
        "current_account": account,
        "csrf_token": context.get("csrf_token"),
    }
