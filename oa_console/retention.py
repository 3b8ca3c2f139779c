"""How long an OA keeps its raw webhook events: the setting's form and its audited change.

The nightly prune itself belongs to the webhooks app, which owns the events
(``webhooks.services.retention``); the period is a property of the OA, set here by admins on
the OA settings page or through the API.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oa_console import audit
from oa_console.models import AuditAction, LineAccount

MIN_DAYS = 7
MAX_DAYS = 3650


class RetentionForm(forms.Form):
    raw_event_retention_days = forms.IntegerField(
        label=gettext_lazy("Keep raw webhook events for (days)"),
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
        help_text=gettext_lazy(
            "Processed webhook events older than this are deleted every night. Friends, tags, "
            "activity and dashboard figures made from them stay."
        ),
    )


@transaction.atomic
def line_account_retention_update(
    *, account: LineAccount, days: int, request: HttpRequest | None = None
) -> LineAccount:
    """Set how many days the OA keeps processed raw webhook events; audited when it changes."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationError(
            {
                "raw_event_retention_days": _("Choose between %(min)s and %(max)s days.")
                % {"min": MIN_DAYS, "max": MAX_DAYS}
            }
        )
    this_account = LineAccount.objects.for_workspace(account.workspace).filter(pk=account.pk)
    before = this_account.select_for_update().get().raw_event_retention_days
    if before == days:
        return account
    this_account.update(raw_event_retention_days=days)
    account.raw_event_retention_days = days
    audit.record(
        AuditAction.RETENTION_CHANGED,
        workspace=account.workspace,
        request=request,
        account=account,
        target=account,
        details={"setting": "raw_event_retention_days", "from": before, "to": days},
    )
    return account
