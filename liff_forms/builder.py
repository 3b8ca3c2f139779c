"""The builder's Django forms: a form's settings, and one question (its options one per line,
``Label | tag name`` to tag the friends who pick it)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liff_forms.models import Form, Question
from liff_forms.services.forms import FormInput, OptionInput, QuestionInput
from oa_console.models import LineAccount
from segments.selectors.attributes import attribute_definition_list
from segments.selectors.tags import tag_choices


class FormSettingsForm(forms.ModelForm):
    class Meta:
        model = Form
        fields = [
            "title",
            "intro",
            "liff_id",
            "login_channel_id",
            "answer_mode",
            "status",
            "thanks_text",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3}),
            "answer_mode": forms.RadioSelect,
        }
        help_texts = {
            "liff_id": gettext_lazy(
                "Create a LIFF app in the LINE Developers console (LINE Login channel, size Full, "
                "scope openid) and set its endpoint URL to this form's public address."
            ),
            "login_channel_id": gettext_lazy(
                "The channel ID of the LINE Login channel that holds the LIFF app: ID tokens "
                "are verified against it."
            ),
        }

    def to_input(self) -> FormInput:
        data = self.cleaned_data
        return FormInput(
            title=data["title"],
            intro=data["intro"],
            liff_id=data["liff_id"],
            login_channel_id=data["login_channel_id"],
            status=data["status"],
            answer_mode=data["answer_mode"],
            thanks_text=data["thanks_text"],
        )


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Question.Kind.choices)
    label = forms.CharField(label=gettext_lazy("Question"), max_length=300)
    help_text = forms.CharField(label=gettext_lazy("Help text"), max_length=300, required=False)
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    options = forms.CharField(
        label=gettext_lazy("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Choice questions: one option per line. Add “| tag name” to tag the friends who "
            "pick it, e.g. “Coffee | likes-coffee”."
        ),
    )
    min_value = forms.DecimalField(
        label=gettext_lazy("Minimum"), required=False, max_digits=20, decimal_places=6
    )
    max_value = forms.DecimalField(
        label=gettext_lazy("Maximum"), required=False, max_digits=20, decimal_places=6
    )
    attribute = forms.TypedChoiceField(
        label=gettext_lazy("Save the answer in the friend attribute"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, account: LineAccount, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["attribute"].choices = [("", _("Do not save"))] + [
            (d.pk, f"{d.label} ({d.get_type_display()})")
            for d in attribute_definition_list(account=account)
        ]
        self.tags = {name.lower(): pk for pk, name in tag_choices(account=account)}
        self.tag_names = {pk: name for pk, name in tag_choices(account=account)}

    def clean_options(self) -> list[OptionInput]:
        options = []
        for line in self.cleaned_data["options"].splitlines():
            if not line.strip():
                continue
            label, _sep, tag_name = line.partition("|")
            tag_id = None
            if tag_name.strip():
                tag_id = self.tags.get(tag_name.strip().lower())
                if tag_id is None:
                    raise forms.ValidationError(
                        _("“%(tag)s” is not a tag of this OA.") % {"tag": tag_name.strip()}
                    )
            options.append(OptionInput(label=label.strip(), tag_id=tag_id))
        return options

    def to_input(self) -> QuestionInput:
        data = self.cleaned_data
        return QuestionInput(
            kind=data["kind"],
            label=data["label"],
            help_text=data["help_text"],
            required=data["required"],
            options=data["options"],
            min_value=data["min_value"],
            max_value=data["max_value"],
            attribute_id=data["attribute"],
        )

    @classmethod
    def initial_of(cls, question: Question, tag_names: dict[int, str]) -> dict:
        lines = [
            f"{o['label']} | {tag_names[o['tag_id']]}"
            if o.get("tag_id") in tag_names
            else o["label"]
            for o in question.options
        ]
        return {
            "kind": question.kind,
            "label": question.label,
            "help_text": question.help_text,
            "required": question.required,
            "options": "\n".join(lines),
            "min_value": question.min_value,
            "max_value": question.max_value,
            "attribute": question.attribute_id,
        }
