"""Forms of the Imports page: the upload and the column-mapping step."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from insights.imports.kinds import kind_choices
from insights.imports.messages import upload_limit_mb


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or many files from one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.txt,.tsv,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and not data:
            data = None  # no file chosen: the field's own "required" message
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


def files_help() -> str:
    """Translated when the form is rendered (a lazy string formatted at import stays English)."""
    return gettext(
        "CSV exports of LINE Official Account Manager (UTF-8, UTF-16, Shift_JIS or Big5), the zip of a chat history backup, or your own member data or orders as CSV. Up to %(limit)s MB each."
    ) % {"limit": upload_limit_mb()}


class ImportUploadForm(forms.Form):
    files = MultipleFileField(label=_("Files"), help_text=lazy(files_help, str)())
    report = forms.ChoiceField(
        label=_("Report"),
        choices=lambda: [("", _("Detect from the header")), *kind_choices()],
        required=False,
    )
    skip_bad_rows = forms.BooleanField(
        label=_("Skip bad rows (import the rest and list the skipped rows)"), required=False
    )


IGNORE = ""


class MappingForm(forms.Form):
    """What every type's mapping step has: the type of the file and "remember"."""

    report = forms.ChoiceField(label=_("This file is"), choices=kind_choices)
    remember = forms.BooleanField(
        label=_("Remember this mapping for files with the same columns"),
        required=False,
        initial=True,
    )

    # The type's own fields shown above the column grid.
    option_fields: list[str] = []
    column_fields: list[str] = []
    headers: list[str] = []

    def mapping(self) -> dict[str, str]:
        """File header → chosen target, for every column not ignored (``column_<n>`` fields)."""
        return {
            header: self.cleaned_data[f"column_{index}"]
            for index, header in enumerate(self.headers)
            if self.cleaned_data.get(f"column_{index}")
        }

    def options(self) -> dict:
        """The type's own answers (see ``import_job_confirm_mapping``)."""
        return {}


class ColumnMappingForm(MappingForm):
    """One select per file column, offering the fields of the chosen type."""

    def __init__(
        self, *args, headers: list[str], fields, report: str, initial_mapping: dict, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.report = report
        choices = [(IGNORE, _("— ignore this column —"))] + [
            (f.name, f"{f.label}{' *' if f.required else ''}") for f in fields
        ]
        self.column_fields = []
        for index, header in enumerate(headers):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=initial_mapping.get(header, IGNORE),
            )
            self.column_fields.append(name)
