"""The small forms of the journey pages (the builder's node forms live in journeys/forms/)."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from journeys.models import Enrolment, Journey

SECRET_NAME = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$",
    _("Use lowercase letters, digits and _, starting with a letter (up to 40)."),
)


class JourneyNewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class SecretForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=40,
        validators=[SECRET_NAME],
        help_text=_("Webhook steps refer to the secret by this name."),
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=200,
        min_length=16,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 16 characters. Leave empty to have a strong one made for you."),
    )


class CopyForm(forms.Form):
    target = forms.TypedChoiceField(label=_("Copy to the OA"), coerce=int)

    def __init__(self, *args, accounts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(a.pk, a.display_name) for a in accounts]


class TestFriendForm(forms.Form):
    friend = forms.CharField(
        label=_("Friend"),
        max_length=100,
        help_text=_("A display name, LINE user ID or member ID."),
    )


class EnrolmentFilterForm(forms.Form):
    friend = forms.CharField(label=_("Friend"), max_length=100, required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any")), *Enrolment.State.choices],
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *Journey.Status.choices]
    )
