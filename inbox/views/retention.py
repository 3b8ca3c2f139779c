"""The chat content retention form of the OA settings page (admins).

The panel is drawn on the OA settings page by ``{% chat_retention_panel %}``; this view takes
its POST and, on a refusal, renders the settings page again with the form's errors in place.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from inbox.services.retention import RETENTION_DAYS, chat_retention_days, chat_retention_update
from oa_console.forms import LineAccountForm
from oa_console.permissions import require
from oa_console.roles import Capability
from oa_console.services.line_accounts import LINE_ACCOUNT_EDITABLE
from oa_console.views._forms import apply_service_errors

FOREVER = "forever"


def _choices() -> list[tuple[str, str]]:
    periods = [
        (str(days), ngettext("%(days)s day", "%(days)s days", days) % {"days": days})
        for days in RETENTION_DAYS
    ]
    return [*periods, (FOREVER, _("Forever"))]


class ChatRetentionForm(forms.Form):
    days = forms.ChoiceField(
        label=gettext_lazy("Keep chat content for"),
        choices=_choices,
        help_text=gettext_lazy(
            "Every night, the text, stickers, photos, videos and files of chat messages older "
            "than this are deleted. Conversations and their counts (answers, response times, "
            "busiest hours) stay."
        ),
    )

    @staticmethod
    def initial_for(account) -> dict:
        days = chat_retention_days(account=account)
        return {"days": str(days) if days else FOREVER}

    def chosen_days(self) -> int | None:
        value = self.cleaned_data["days"]
        return None if value == FOREVER else int(value)


@require_POST
def chat_retention(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    require(request, Capability.MANAGE_ACCOUNTS)
    account = request.account
    form = ChatRetentionForm(request.POST)
    if form.is_valid():
        try:
            days = chat_retention_update(account=account, days=form.chosen_days(), request=request)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Chat content is now kept forever.")
                if days is None
                else ngettext(
                    "Chat content is now kept for %(days)s day.",
                    "Chat content is now kept for %(days)s days.",
                    days,
                )
                % {"days": days},
            )
            return redirect(
                "account_settings", workspace_slug=workspace_slug, account_slug=account.slug
            )
    initial = {name: getattr(account, name) for name in LINE_ACCOUNT_EDITABLE}
    response = render(
        request,
        "oa_console/account_settings.html",
        {
            "form": LineAccountForm(initial=initial, editing=account),
            "may_edit": True,
            "chat_retention_form": form,
        },
    )
    response.status_code = 400
    return response
