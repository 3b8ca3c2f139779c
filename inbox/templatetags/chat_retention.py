"""``{% chat_retention_panel %}``: the OA settings page's chat content retention panel.

A tag, so the settings page (in ``oa_console``, below the inbox) needs no knowledge of it: the
form is built from the OA unless the retention view passes its bound form back with errors
(``chat_retention_form``)."""

from django import template

from inbox.services.retention import chat_retention_days
from inbox.views.retention import ChatRetentionForm

register = template.Library()


@register.inclusion_tag("inbox/_retention.html", takes_context=True)
def chat_retention_panel(context) -> dict:
    account = context.get("current_account")
    form = context.get("chat_retention_form")
    if form is None and account is not None:
        form = ChatRetentionForm(initial=ChatRetentionForm.initial_for(account))
    return {
        "form": form,
        "days": chat_retention_days(account=account) if account is not None else None,
        "may_edit": context.get("may_edit", False),
        "current_workspace": context.get("current_workspace"),
        "current_account": account,
        "csrf_token": context.get("csrf_token"),
    }
