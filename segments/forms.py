"""Forms of the tag pages (tags, families with coverage goals, auto-tag rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from segments.models import Tag, TagFamily, TagRule


class TagForm(forms.Form):
    name = forms.CharField(label=_("Tag name"), max_length=80)
    family = forms.ModelChoiceField(
        label=_("Family"), queryset=TagFamily.unscoped.none(), required=False
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].queryset = TagFamily.objects.filter(account=account)


class TagFamilyForm(forms.Form):
    name = forms.CharField(label=_("Family name"), max_length=60)
    coverage_goal = forms.IntegerField(
        label=_("Coverage goal (%)"), min_value=0, max_value=100, required=False
    )


class TagRuleForm(forms.Form):
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.unscoped.none())
    kind = forms.ChoiceField(
        label=_("When"),
        choices=TagRule.Kind.choices,
        help_text=_(
            "Clicked a link: the value is matched against the link's real destination URL "
            "(e.g. https://shop.example/sale), not the tracked /r/ address. Only clicks on "
            "messages sent to each friend individually identify the friend; clicks on a "
            "message sent to many friends at once tag no one."
        ),
    )
    match = forms.ChoiceField(label=_("Match"), choices=TagRule.Match.choices)
    pattern = forms.CharField(
        label=_("Value"),
        max_length=200,
        help_text=_(
            "Postback data, a keyword, an add-friend source, an event name or a link's "
            "destination URL."
        ),
    )
    property_key = forms.CharField(
        label=_("Event property (optional)"), max_length=64, required=False
    )
    property_value = forms.CharField(label=_("Property value"), max_length=200, required=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.filter(account=account).order_by("name")


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
        queryset=Tag.unscoped.none(),
        required=False,
        help_text=_("Adds an add-friend source auto-tag rule for this source."),
    )

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = Tag.objects.filter(account=account).order_by("name")
