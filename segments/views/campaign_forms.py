"""The campaign link form of the campaigns page (the tag choice is the OA's own tags)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from segments.models import Tag


class CampaignLinkForm(forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=120)
    source = forms.CharField(
        label=_("Add-friend source"),
        max_length=64,
        required=False,
        help_text=_(
            "Stored on the friends the link brings; letters, digits and dashes. "
            "Empty: made from the name."
        ),
    )
    tag = forms.ModelChoiceField(
        label=_("Tag the friends it brings (optional)"),
        queryset=None,
        required=False,
        help_text=_("Adds an add-friend source auto-tag rule for this source."),
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.for_account(account).order_by("name")
