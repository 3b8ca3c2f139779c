"""The team panel's forms: assignee, status, note, availability, the OA's team settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.models import Conversation
from inbox.selectors.team import member_label
from inbox.services.assignment import ROUND_ROBIN
from inbox.services.notes import NOTE_MAX_LENGTH
from oa_console.models import User


class AssignForm(forms.Form):
    """``assignee``: a member's id, ``round_robin`` or empty (nobody)."""

    assignee = forms.ChoiceField(label=_("Assignee"), required=False)

    def __init__(self, *args, members: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(user.pk): user for user in members}
        self.fields["assignee"].choices = [
            ("", _("Nobody")),
            (ROUND_ROBIN, _("Next available member (round-robin)")),
            *[(pk, member_label(user)) for pk, user in self.members.items()],
        ]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Conversation.Status.choices)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only your team sees notes. Mention someone with @ and their name or e-mail."),
    )


class AvailabilityForm(forms.Form):
    available = forms.BooleanField(label=_("Available for chats"), required=False)


class TeamSettingsForm(forms.Form):
    auto_assign = forms.BooleanField(
        label=_("Assign new conversations automatically (round-robin)"), required=False
    )
