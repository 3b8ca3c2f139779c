"""OA channels: connect a new one, edit its settings, see the webhook URL to paste into LINE."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from oa_console.forms import ConfirmAccountDeleteForm, LineAccountForm
from oa_console.permissions import can, require
from oa_console.roles import Capability
from oa_console.services.line_accounts import (
    LINE_ACCOUNT_EDITABLE,
    line_account_create,
    line_account_delete,
    line_account_update,
)
from oa_console.views._forms import apply_service_errors


@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    require(request, Capability.MANAGE_ACCOUNTS)
    form = LineAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = line_account_create(
                workspace=request.workspace, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(name)s is connected. Paste the webhook URL below into the LINE Developers Console."
                )
                % {"name": account.display_name},
            )
            return redirect(
                "account_settings", workspace_slug=workspace_slug, account_slug=account.slug
            )
    return render(
        request,
        "oa_console/account_form.html",
        {"form": form, "creating": True},
    )


@require_http_methods(["GET", "POST"])
def account_settings(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    """Everyone who sees the OA sees its settings; only admins can change them."""
    account = request.account
    may_edit = can(request, Capability.MANAGE_ACCOUNTS)
    if request.method == "POST":
        require(request, Capability.MANAGE_ACCOUNTS)
    initial = {name: getattr(account, name) for name in LINE_ACCOUNT_EDITABLE}
    form = LineAccountForm(request.POST or None, initial=initial, editing=account)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            line_account_update(
                account=account,
                channel_secret=data.pop("channel_secret"),
                access_token=data.pop("access_token"),
                request=request,
                **data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The OA settings were saved."))
            return redirect(
                "account_settings", workspace_slug=workspace_slug, account_slug=account.slug
            )
    return render(
        request,
        "oa_console/account_settings.html",
        {"form": form, "may_edit": may_edit},
    )


@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    """Disconnect an OA and delete what the console holds for it, after typing its slug."""
    require(request, Capability.MANAGE_ACCOUNTS)
    account = request.account
    form = ConfirmAccountDeleteForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        name = account.display_name
        line_account_delete(account=account, request=request)
        messages.success(request, _("The OA %(name)s was deleted.") % {"name": name})
        return redirect("workspace_home", workspace_slug=workspace_slug)
    return render(request, "oa_console/account_delete.html", {"form": form})
