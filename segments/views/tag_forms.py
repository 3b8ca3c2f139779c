"""Forms of the tags page: a tag, a family with its coverage goal, an auto-tag rule.

The choice querysets are none until a form is made for an OA (no tenant scope at import), then
the OA's own rows."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from segments.models import Tag, TagFamily, TagRule


class TagForm(forms.Form):
    name = forms.CharField(label=_("Tag name"), max_length=80)
    family = forms.ModelChoiceField(label=_("Family"), queryset=None, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].queryset = TagFamily.objects.for_account(account)


class TagFamilyForm(forms.Form):
    name = forms.CharField(label=_("Family name"), max_length=60)
    coverage_goal = forms.IntegerField(
        label=_("Coverage goal (%)"), min_value=0, max_value=100, required=False
    )


class TagRuleForm(forms.Form):
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=None)
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
        self.fields["tag"].queryset = Tag.objects.for_account(account).order_by("name")
