"""The inbox lists' filters: status, assignee (mine, unassigned) and, across OAs, the OA."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from inbox.models import Conversation
from inbox.selectors.conversations import ASSIGNEE_ME, ASSIGNEE_NONE, ConversationFilters
from oa_console.models import LineAccount


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Conversation.Status.choices],
    )
    assignee = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        choices=[("", _("Anyone")), (ASSIGNEE_ME, _("Me")), (ASSIGNEE_NONE, _("Nobody"))],
    )

    def filters(self, request: HttpRequest) -> ConversationFilters:
        """The valid filters (an invalid value narrows nothing and is shown in place)."""
        data = self.cleaned_data if self.is_valid() else {}
        return ConversationFilters(
            status=data.get("status", ""), assignee=data.get("assignee", ""), user=request.user
        )


class WorkspaceInboxFilterForm(InboxFilterForm):
    """The agency view's filters: the OA too, among those the member may see."""

    account = forms.ChoiceField(label=_("OA"), required=False)

    def __init__(self, data: QueryDict, *, accounts: list[LineAccount]):
        super().__init__(data)
        self.fields["account"].choices = [("", _("Every OA"))] + [
            (account.slug, account.display_name) for account in accounts
        ]
        self.accounts = accounts

    def chosen_accounts(self) -> list[LineAccount]:
        wanted = self.cleaned_data.get("account") if self.is_valid() else ""
        if not wanted:
            return self.accounts
        return [account for account in self.accounts if account.slug == wanted]
