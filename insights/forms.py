"""Forms of the Imports page: the upload and the column-mapping step."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from insights.services.messages import upload_limit_mb
from insights.services.reports import REPORT_CHOICES, report_spec


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
        "CSV exports of LINE Official Account Manager (UTF-8, UTF-16, Shift_JIS or Big5), or the zip of a chat history backup. Up to %(limit)s MB each."
    ) % {"limit": upload_limit_mb()}


class ImportUploadForm(forms.Form):
    files = MultipleFileField(label=_("Files"), help_text=lazy(files_help, str)())
    report = forms.ChoiceField(
        label=_("Report"),
        choices=[("", _("Detect from the header")), *REPORT_CHOICES],
        required=False,
    )
    skip_bad_rows = forms.BooleanField(
        label=_("Skip bad rows (import the rest and list the skipped rows)"), required=False
    )


IGNORE = ""


class ColumnMappingForm(forms.Form):
    """Report choice plus one select per file column, built from the job's header."""

    report = forms.ChoiceField(label=_("This file is"), choices=REPORT_CHOICES)
    remember = forms.BooleanField(
        label=_("Remember this mapping for files with the same columns"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, headers: list[str], report: str, initial_mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        spec = report_spec(report)
        choices = [(IGNORE, _("— ignore this column —"))] + [
            (f.name, f"{f.label}{' *' if f.required else ''}") for f in spec.fields
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

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data[f"column_{index}"]
            for index, header in enumerate(self.headers)
            if self.cleaned_data.get(f"column_{index}")
        }
