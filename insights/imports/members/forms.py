"""The mapping step of member data imports."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from insights.imports.forms import IGNORE, MappingForm
from insights.imports.members.attributes import check_new_attributes
from insights.imports.members.columns import (
    BUILTIN_LABELS,
    KEYS,
    attribute_key,
    attribute_target,
    infer_type,
)
from insights.selectors import import_job_preview
from segments.models import AttributeDefinition


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
        super().__init__(*args, initial={"report": "members", "remember": True}, **kwargs)
        self.account = job.account
        self.headers = job.headers
        guessed_key = next((k for k in KEYS if k in initial_mapping.values()), "line_user_id")
        self.fields["key"].initial = initial_options.get("key") or guessed_key
        preview = import_job_preview(job=job, rows=20)
        definitions = list(AttributeDefinition.objects.for_account(job.account))
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
