"""The raw-event retention form of the OA settings page (admins)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oa_console.forms import LineAccountForm
from oa_console.permissions import require
from oa_console.retention import RetentionForm, line_account_retention_update
from oa_console.roles import Capability
from oa_console.services.line_accounts import LINE_ACCOUNT_EDITABLE
from oa_console.views._forms import apply_service_errors


@require_POST
def account_retention(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    require(request, Capability.MANAGE_ACCOUNTS)
    account = request.account
    form = RetentionForm(request.POST)
    if form.is_valid():
        try:
            line_account_retention_update(
                account=account,
                days=form.cleaned_data["raw_event_retention_days"],
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Raw webhook events are now kept for %(days)s days.")
                % {"days": account.raw_event_retention_days},
            )
            return redirect(
                "account_settings", workspace_slug=workspace_slug, account_slug=account.slug
            )
    # The settings page again, the retention form with its errors in place.
    initial = {name: getattr(account, name) for name in LINE_ACCOUNT_EDITABLE}
    response = render(
        request,
        "oa_console/account_settings.html",
        {
            "form": LineAccountForm(initial=initial, editing=account),
            "may_edit": True,
            "retention_form": form,
        },
    )
    response.status_code = 400
    return response
