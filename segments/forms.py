"""Forms of the tag pages (tags, families with coverage goals, auto-tag rules) and of the
mapping step of member data and orders imports."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from insights.forms import IGNORE, ColumnMappingForm, MappingForm
from segments.member_import import (
    BUILTIN_LABELS,
    KEYS,
    attribute_key,
    attribute_target,
    check_new_attributes,
    infer_type,
)
from segments.models import AttributeDefinition, Tag, TagFamily, TagRule


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


class MemberMappingForm(MappingForm):
    """The mapping step of member data: which id matches friends, and what each column becomes
    (a built-in field, an attribute the OA has, or a new typed attribute named after it)."""

    key = forms.ChoiceField(
        label=_("Match friends by"),
        choices=[("line_user_id", _("LINE user ID")), ("member_id", _("Member ID"))],
        help_text=_(
            "Rows whose ID matches no friend are listed for download; friends are never created."
        ),
    )
    option_fields = ["key"]

    def __init__(self, *args, job, initial_mapping: dict, initial_options: dict, **kwargs):
        from insights.selectors import import_job_preview

        super().__init__(*args, initial={"report": "members", "remember": True}, **kwargs)
        self.account = job.account
        self.headers = job.headers
        guessed_key = next((k for k in KEYS if k in initial_mapping.values()), "line_user_id")
        self.fields["key"].initial = initial_options.get("key") or guessed_key
        preview = import_job_preview(job=job, rows=20)
        definitions = list(AttributeDefinition.unscoped.filter(account=job.account))
        existing = [
            (attribute_target(d.type, d.key), f"{d.label} ({d.get_type_display()})")
            for d in definitions
        ]
        taken = {d.key: d for d in definitions}
        builtin = [(name, label) for name, label in BUILTIN_LABELS.items()]
        self.column_fields = []
        for index, header in enumerate(self.headers):
            key = attribute_key(header)
            new = [
                (
                    attribute_target(kind, key),
                    _("New attribute “%(key)s” (%(type)s)") % {"key": key, "type": label},
                )
                for kind, label in AttributeDefinition.Type.choices
            ]
            choices = [
                (IGNORE, _("— ignore this column —")),
                (_("Friend"), builtin),
                *([(_("Attributes of this OA"), existing)] if existing else []),
                *([] if key in taken else [(_("New attribute"), new)]),
            ]
            if key in taken:
                default = attribute_target(taken[key].type, key)
            else:
                cells = [row[index] for row in preview if index < len(row)]
                default = attribute_target(infer_type(cells), key)
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=initial_mapping.get(header, default),
            )
            self.column_fields.append(name)

    def options(self) -> dict:
        return {"key": self.cleaned_data["key"]}

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("key")
        seen: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            name = f"column_{index}"
            target = cleaned.get(name)
            if not target:
                continue
            if target in seen:
                self.add_error(
                    name, _("“%(column)s” already holds this field.") % {"column": seen[target]}
                )
            seen[target] = header
            if key == "member_id" and target == "line_user_id":
                self.add_error(
                    name,
                    _("Friends matched by member ID cannot get their LINE user ID from a file."),
                )
        if key and key not in seen:
            self.add_error(
                "key",
                _("Map one column to %(field)s, the ID that matches friends.")
                % {"field": BUILTIN_LABELS[key]},
            )
        try:
            check_new_attributes(self.account, self.mapping() if not self.errors else {})
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class OrdersMappingForm(ColumnMappingForm):
    """The orders mapping step: the columns, and the currency of orders without one."""

    currency = forms.RegexField(
        label=_("Currency of orders without one"),
        regex=r"^[A-Z]{3}$",
        max_length=3,
        required=False,
        help_text=_("Three capital letters, such as JPY; used when no column gives it."),
        error_messages={"invalid": _("Three capital letters, such as JPY.")},
    )
    option_fields = ["currency"]

    def options(self) -> dict:
        currency = self.cleaned_data.get("currency")
        return {"currency": currency} if currency else {}
