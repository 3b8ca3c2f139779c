"""The inbox lists' filters: status, assignee (mine, unassigned), the friend's tag, unseen
mentions, search and, across OAs, the OA. They combine, and the URL keeps them."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from inbox.models import Conversation
from inbox.selectors.conversations import ASSIGNEE_ME, ASSIGNEE_NONE, ConversationFilters
from inbox.selectors.search import QUERY_MAX_LENGTH, conversation_search
from oa_console.models import LineAccount
from segments.selectors.tags import tag_choices


class InboxFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or message text")}),
    )
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
    tag = forms.TypedChoiceField(label=_("Tag"), required=False, coerce=int, empty_value=None)
    mentions = forms.BooleanField(label=_("Mentioning me, unread"), required=False)

    def __init__(self, data: QueryDict, *, account: LineAccount | None = None):
        super().__init__(data)
        self.searched_accounts = [account] if account is not None else []
        if account is None:
            del self.fields["tag"]  # tags belong to one OA: the agency view has none
        else:
            self.fields["tag"].choices = [("", _("Any tag")), *tag_choices(account=account)]

    def filters(self, request: HttpRequest, *, search: bool = True) -> ConversationFilters:
        """The valid filters (an invalid value narrows nothing and is shown in place);
        ``search=False`` leaves the search's hits out (the poll's version needs none, and an
        unchanged poll must not search)."""
        data = self.cleaned_data if self.is_valid() else {}
        query = (data.get("q") or "").strip()
        return ConversationFilters(
            status=data.get("status", ""),
            assignee=data.get("assignee", ""),
            user=request.user,
            tag_id=data.get("tag"),
            mentions=bool(data.get("mentions")),
            query=query,
            hits=(
                conversation_search(accounts=self.searched_accounts, query=query)
                if query and search
                else None
            ),
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
        self.searched_accounts = self.chosen_accounts()

    def chosen_accounts(self) -> list[LineAccount]:
        wanted = self.cleaned_data.get("account") if self.is_valid() else ""
        if not wanted:
            return self.accounts
        return [account for account in self.accounts if account.slug == wanted]
